/**
 * `GET /v1/models` as one fastify plugin: the model lists of every configured upstream, merged
 * (src/proxy/models.ts), in the shape the client speaks — Anthropic's for Anthropic clients
 * (`anthropic-version` header), OpenAI's otherwise — so `claude-*` models routed through Clarion
 * show up for OpenAI-style clients too. Upstreams left out are named in `x-clarion-models-skipped`;
 * when none answers, 502 in the client's error shape. `GET /v1/models/{id}` stays pass-through.
 */
import type { FastifyInstance } from 'fastify';
import { ClarionError } from '../errors.js';
import type { PipelineDeps } from '../proxy/deps.js';
import type { ModelCatalog } from '../proxy/models.js';
import { familyOf } from '../proxy/passthrough.js';
import { requestIdOf } from '../proxy/state.js';
import { adapterForFamily } from '../protocols/index.js';
import { renderModelList } from '../protocols/models.js';
import { catalogueErrors, sendError } from './errors.js';
import { familyErrors } from './passthrough-routes.js';

export interface ModelsRoutesOptions {
  deps: PipelineDeps;
  catalog: ModelCatalog;
  closing: () => boolean;
}

export const SKIPPED_HEADER = 'x-clarion-models-skipped';

export async function modelsRoutes(app: FastifyInstance, options: ModelsRoutesOptions): Promise<void> {
  const { deps, catalog, closing } = options;
  app.setErrorHandler(catalogueErrors(deps.logger, familyErrors));
  app.get('/v1/models', async (request, reply) => {
    const family = familyOf(request.url, request.headers);
    const errors = adapterForFamily(family);
    const requestId = requestIdOf(request.headers);
    reply.header('x-request-id', requestId);
    if (closing()) return sendError(reply.header('connection', 'close'), new ClarionError('CLARION_SHUTTING_DOWN'), errors);
    const { entries, skipped } = await catalog.list(request.headers, requestId);
    if (skipped.length > 0) reply.header(SKIPPED_HEADER, skipped.join(', '));
    const status = entries.length === 0 && skipped.length > 0 ? 502 : 200;
    deps.metrics.requests.inc({ route: 'other', status: String(status), upstream: 'merged', action: 'pass' });
    if (status === 502)
      return sendError(reply, new ClarionError('CLARION_UPSTREAM_UNREACHABLE', `no upstream listed its models: ${skipped.join(', ')}`), errors);
    return reply.header('content-type', 'application/json').send(JSON.stringify(renderModelList(family, entries)));
  });
}
