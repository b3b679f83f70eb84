/**
 * The proxied routes write the raw response themselves (headers as the upstream sent them, bytes
 * as they stream), so fastify steps aside for them. This keeps the promises fastify would
 * otherwise keep: a bug inside still answers with a protocol-shaped 500, never a crash or a hung
 * client; a request that arrives while the server shuts down gets a 503.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteKind } from '../config/schema.js';
import { protectIdentifier } from '../events/redact.js';
import { ClarionError } from '../errors.js';
import type { PipelineDeps } from '../proxy/deps.js';
import { writeRendered } from '../proxy/respond.js';
import type { ProtocolAdapter } from '../protocols/types.js';

export interface RawRoute {
  kind: RouteKind;
  deps: PipelineDeps;
  /** The adapter that renders this request's errors in its protocol's shape. */
  errorsFor: (request: FastifyRequest) => ProtocolAdapter;
  /** True once the server is shutting down. */
  closing: () => boolean;
}

export async function serveRaw(reply: FastifyReply, route: RawRoute, handle: () => Promise<void>): Promise<void> {
  reply.hijack();
  const res = reply.raw;
  if (route.closing()) {
    writeRendered(res, route.errorsFor(reply.request).renderError(new ClarionError('CLARION_SHUTTING_DOWN')), { connection: 'close' });
    return;
  }
  try {
    await handle();
  } catch (error) {
    const { deps } = route;
    deps.metrics.pipelineFailures.inc({ stage: 'proxy' });
    deps.logger.error({ err: error, url: protectIdentifier(reply.request.url), kind: route.kind }, 'request failed inside clarion');
    if (!res.headersSent) writeRendered(res, route.errorsFor(reply.request).renderError(new ClarionError('CLARION_INTERNAL')), {});
    else res.destroy();
  }
}
