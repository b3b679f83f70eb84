/**
 * Every other `/v1/*` route, as one fastify plugin: any method, any content type, the body never
 * read — it streams to the upstream of the request's API family (src/proxy/passthrough.ts).
 * Errors Clarion itself answers with use that family's shape.
 */
import { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PipelineDeps } from '../proxy/deps.js';
import { familyOf, handlePassthrough } from '../proxy/passthrough.js';
import { adapterForFamily } from '../protocols/index.js';
import type { ProtocolAdapter } from '../protocols/types.js';
import { catalogueErrors } from './errors.js';
import { serveRaw, type RawRoute } from './raw.js';

export interface PassthroughRoutesOptions {
  deps: PipelineDeps;
  closing: () => boolean;
}

/** The error shape of a request that is not assessed: its API family's. */
export function familyErrors(request: FastifyRequest): ProtocolAdapter {
  return adapterForFamily(familyOf(request.url, request.headers));
}

export async function passthroughRoutes(app: FastifyInstance, options: PassthroughRoutesOptions): Promise<void> {
  const { deps, closing } = options;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  app.setErrorHandler(catalogueErrors(deps.logger, familyErrors));
  const raw: RawRoute = { kind: 'other', deps, errorsFor: familyErrors, closing };
  app.all('/v1/*', (request, reply) =>
    serveRaw(reply, raw, () =>
      handlePassthrough(deps, {
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: request.body instanceof IncomingMessage ? request.body : null,
        res: reply.raw,
      }),
    ),
  );
}
