/**
 * The routes an orchestrator polls, as one fastify plugin: `GET /healthz` (the process runs),
 * `GET /readyz` (policy and event store status; 503 while shutting down) and `GET /metrics`
 * (Prometheus). Unauthenticated, so they show no secrets: /readyz gives the instance name and the
 * policy's path only to the admin token, and says 503 while events are being dropped.
 */
import type { FastifyInstance } from 'fastify';
import type { EventLogHealth } from '../events/log.js';
import type { Logger } from '../ops/logger.js';
import type { Registry } from '../ops/metrics.js';
import type { PolicyHolder } from '../policy/load.js';
import { catalogueErrors, OWN_API_ERRORS } from './errors.js';
import { bearerMatches } from './guards.js';

export interface OpsRoutesOptions {
  instanceId: string;
  policy: PolicyHolder;
  events: { health(): EventLogHealth };
  registry: Registry;
  logger: Logger;
  closing: () => boolean;
  /** `server.adminToken`: who may see the detail of /readyz. */
  adminToken?: string | undefined;
}

export async function opsRoutes(app: FastifyInstance, options: OpsRoutesOptions): Promise<void> {
  const { policy, events, registry, closing } = options;
  app.setErrorHandler(catalogueErrors(options.logger, () => OWN_API_ERRORS));
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (request, reply) => {
    const health = events.health();
    const status = closing() ? 'closing' : health.dropping ? 'dropping-events' : 'ready';
    const { ok, version, lastError, file, loadedAt } = policy.status();
    const admin = options.adminToken !== undefined && bearerMatches(request.headers.authorization, options.adminToken);
    const body = admin
      ? { status, instance: options.instanceId, policy: { ok, version, lastError, file, loadedAt }, events: health }
      : { status, policy: { ok, version, lastError }, events: health };
    return reply.code(status === 'ready' ? 200 : 503).send(body);
  });
  app.get('/metrics', async (_request, reply) => {
    const text = await registry.metrics();
    return reply.header('content-type', registry.contentType).send(text);
  });
}
