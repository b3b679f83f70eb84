/**
 * The routes an orchestrator polls, as one fastify plugin: `GET /healthz` (the process runs),
 * `GET /readyz` (policy and event store status; 503 while shutting down) and `GET /metrics`
 * (Prometheus). Unauthenticated, so they show no secrets.
 */
import type { FastifyInstance } from 'fastify';
import type { EventLogHealth } from '../events/log.js';
import type { Logger } from '../ops/logger.js';
import type { Registry } from '../ops/metrics.js';
import type { DetectorHolder } from '../detect/holder.js';
import type { PolicyHolder } from '../policy/load.js';
import { catalogueErrors, OWN_API_ERRORS } from './errors.js';

export interface OpsRoutesOptions {
  instanceId: string;
  policy: PolicyHolder;
  /** The swappable detector (null when a test injected its own). */
  detector?: Pick<DetectorHolder, 'status'> | null;
  events: { health(): EventLogHealth };
  registry: Registry;
  logger: Logger;
  closing: () => boolean;
}

export async function opsRoutes(app: FastifyInstance, options: OpsRoutesOptions): Promise<void> {
  const { policy, events, registry, closing } = options;
  app.setErrorHandler(catalogueErrors(options.logger, () => OWN_API_ERRORS));
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const detector = options.detector?.status() ?? null;
    const body = { status: closing() ? 'closing' : 'ready', instance: options.instanceId, policy: policy.status(), detector, events: events.health() };
    return reply.code(closing() ? 503 : 200).send(body);
  });
  app.get('/metrics', async (_request, reply) => {
    const text = await registry.metrics();
    return reply.header('content-type', registry.contentType).send(text);
  });
}
