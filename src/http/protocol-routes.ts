/**
 * The three assessed routes, as one fastify plugin: `POST /v1/chat/completions`,
 * `POST /v1/responses`, `POST /v1/messages`. It owns their body parsing (JSON only, kept as bytes),
 * their errors (the route's own protocol shape) and hands each request to the pipeline
 * (src/proxy/pipeline.ts).
 */
import type { FastifyInstance } from 'fastify';
import { ClarionError } from '../errors.js';
import type { PipelineDeps, ProtocolRoute } from '../proxy/deps.js';
import { handleProtocolRequest } from '../proxy/pipeline.js';
import { adapterFor } from '../protocols/index.js';
import { bytesParser, type BodyBudget, type BodyParser } from './body.js';
import { catalogueErrors } from './errors.js';
import { serveRaw, type RawRoute } from './raw.js';

export const PROTOCOL_ROUTES: readonly ProtocolRoute[] = [
  { kind: 'chat', path: '/v1/chat/completions', adapter: adapterFor('openai-chat') },
  { kind: 'responses', path: '/v1/responses', adapter: adapterFor('openai-responses') },
  { kind: 'messages', path: '/v1/messages', adapter: adapterFor('anthropic-messages') },
];

export interface ProtocolRoutesOptions {
  deps: PipelineDeps;
  bodyLimit: number;
  /** `limits.maxJsonDepth`. */
  maxJsonDepth: number;
  /** Memory shared by the bodies still being received (`limits.maxInflightBodyBytes`). */
  bodyBudget: BodyBudget;
  closing: () => boolean;
}

const EMPTY = Buffer.alloc(0);

export async function protocolRoutes(app: FastifyInstance, options: ProtocolRoutesOptions): Promise<void> {
  const { deps, bodyLimit, closing } = options;
  const bytes = bytesParser(bodyLimit, options.maxJsonDepth, options.bodyBudget);
  app.removeAllContentTypeParsers();
  // JSON, with or without parameters (`application/json; charset=utf-8`). A request without a
  // content-type is read as JSON too, as the APIs' own clients never omit it; any other type
  // (text/plain, forms: what a cross-site page can send without asking) is refused.
  app.addContentTypeParser('application/json', bytes);
  app.addContentTypeParser('*', untypedOnly(bytes));
  for (const route of PROTOCOL_ROUTES) {
    const raw: RawRoute = { kind: route.kind, deps, errorsFor: () => route.adapter, closing };
    app.post(route.path, { errorHandler: catalogueErrors(deps.logger, () => route.adapter) }, (request, reply) =>
      serveRaw(reply, raw, () =>
        handleProtocolRequest(deps, route, {
          headers: request.headers,
          body: Buffer.isBuffer(request.body) ? request.body : EMPTY,
          url: request.url,
          res: reply.raw,
        }),
      ),
    );
  }
}

/** Parses with `parser` only when the request names no content type; CLARION_UNSUPPORTED_MEDIA_TYPE otherwise. */
function untypedOnly(parser: BodyParser): BodyParser {
  return (request, payload, done) => {
    const type = request.headers['content-type'];
    if (type === undefined) {
      parser(request, payload, done);
      return;
    }
    done(new ClarionError('CLARION_UNSUPPORTED_MEDIA_TYPE', `got ${type}`));
  };
}
