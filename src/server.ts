/**
 * Builds the Clarion server from a loaded config: the fastify app, its routes and hooks, and the
 * components behind them (detector, policy, conversation memory, review queue, event log,
 * upstream pools). `close()` is the graceful shutdown SIGTERM triggers.
 */
import type { IncomingMessage } from 'node:http';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { resolveFromConfig, type LoadedConfig } from './config/load.js';
import type { RouteKind } from './config/schema.js';
import { createDetector, type Detector } from './detect/index.js';
import { ClarionError, type ErrorCode } from './errors.js';
import { createEventLog, type EventLog } from './events/log.js';
import { redactText } from './events/redact.js';
import { registerFeedbackRoutes } from './events/routes.js';
import { createLogger, type Logger } from './ops/logger.js';
import { createCoreMetrics } from './ops/metrics.js';
import { createRequestLog } from './ops/request-log.js';
import { createPolicyHolder, type PolicyHolder } from './policy/load.js';
import { createConversationMemory } from './policy/memory.js';
import { createReviewQueue } from './policy/reviews.js';
import { registerReviewRoutes } from './policy/review-routes.js';
import { adapterFor, adapterForFamily } from './protocols/index.js';
import type { ApiFamily } from './protocols/types.js';
import { familyOf, handlePassthrough } from './proxy/passthrough.js';
import { writeRendered } from './proxy/outcome.js';
import { handleProtocolRequest, type PipelineDeps, type ProtocolRoute } from './proxy/pipeline.js';
import { createRouter } from './proxy/routing.js';
import { createUpstreams } from './proxy/upstreams.js';
import { createRedisClient, type Redis } from './storage/redis.js';

export interface ServerOptions {
  /** Defaults to a pino logger on stdout at the configured level. */
  logger?: Logger;
  /** Directory of the embedded store; defaults to `storage.dataDir` resolved against the cwd. */
  dataDir?: string;
  /** Replaces the detector built from the config (tests inject a failing one). */
  detector?: Detector;
}

export interface ClarionServer {
  app: FastifyInstance;
  logger: Logger;
  eventLog: EventLog;
  policy: PolicyHolder;
  /** Starts listening; resolves with the bound address (`http://127.0.0.1:8080`). */
  listen(): Promise<string>;
  /** Graceful shutdown: stop accepting, let open requests and streams finish within the grace period, flush events. */
  close(graceMs?: number): Promise<void>;
}

const PROTOCOL_ROUTES: readonly ProtocolRoute[] = [
  { kind: 'chat', path: '/v1/chat/completions', adapter: adapterFor('openai-chat') },
  { kind: 'responses', path: '/v1/responses', adapter: adapterFor('openai-responses') },
  { kind: 'messages', path: '/v1/messages', adapter: adapterFor('anthropic-messages') },
];
const PROTOCOL_PATHS = new Set(PROTOCOL_ROUTES.map((r) => r.path));
/** Bodies of Clarion's own JSON APIs (feedback, admin) are small. */
const OWN_API_BODY_LIMIT = 1024 * 1024;

const FASTIFY_ERRORS: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'CLARION_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'CLARION_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'CLARION_INVALID_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'CLARION_INVALID_JSON',
};

class BodyTooLargeError extends Error {
  readonly code = 'FST_ERR_CTP_BODY_TOO_LARGE';
  readonly statusCode = 413;
}

/** Reads a request body into one Buffer, refusing more than `limit` bytes. */
function collectBody(payload: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    const declared = Number(payload.headers['content-length']);
    if (declared > limit) {
      payload.resume();
      reject(new BodyTooLargeError(`body of ${declared} bytes exceeds ${limit}`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    payload.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        payload.removeAllListeners('data');
        payload.resume();
        reject(new BodyTooLargeError(`body exceeds ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    payload.once('end', () => resolvePromise(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)));
    payload.once('error', reject);
  });
}

function familyOfRequest(request: FastifyRequest): ApiFamily {
  return familyOf(request.url, request.headers);
}

export async function buildServer(loaded: LoadedConfig, options: ServerOptions = {}): Promise<ClarionServer> {
  const { config } = loaded;
  const logger = options.logger ?? createLogger(config.logging.level);
  const metrics = createCoreMetrics();
  const dataDir = options.dataDir ?? resolve(process.cwd(), config.storage.dataDir);
  const instanceId = config.server.instanceId ?? `${hostname()}-${process.pid}`;

  const policy = await createPolicyHolder({
    file: resolveFromConfig(loaded, config.policy.file),
    watch: config.policy.watch,
    logger,
    registry: metrics.registry,
  });
  const redisUrl = config.redis.url;
  const redis: Redis | null =
    redisUrl === undefined ? null : createRedisClient(redisUrl, { name: 'clarion-state', commandTimeoutMs: config.redis.commandTimeoutMs });
  // Errors surface through command failures (handled where used); keep ioredis from printing them.
  redis?.on('error', () => {});
  const memory = createConversationMemory({
    redis,
    prefix: config.redis.prefix,
    ttlSeconds: config.policy.conversationTtlSeconds,
    timeoutMs: config.policy.memoryTimeoutMs,
    maxEntries: config.policy.memoryMaxEntries,
    onError: () => metrics.pipelineFailures.inc({ stage: 'memory' }),
  });
  const reviews = createReviewQueue({ redis, prefix: config.redis.prefix, dataDir, redact: redactText });
  const eventLog = await createEventLog({ config, dataDir, instanceId, registry: metrics.registry, logger });
  const upstreams = createUpstreams(config.upstreams);

  const deps: PipelineDeps = {
    router: createRouter(config),
    upstreams,
    detector: options.detector ?? createDetector(config.detector),
    policy,
    memory,
    reviews,
    events: eventLog,
    metrics,
    logger,
    requestLog: createRequestLog(logger, config.logging.requests),
    tenantHeader: config.server.tenantHeader,
    controlHeaders: new Set([config.server.tenantHeader]),
  };

  const app = Fastify({
    // Clarion writes its own single log line per request (and logs errors itself), so fastify's
    // request logging stays off.
    logger: false,
    bodyLimit: config.server.bodyLimitBytes,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    requestIdHeader: false,
  });

  const limit = config.server.bodyLimitBytes;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (request, payload, done) => {
    const route = request.routeOptions.url ?? '';
    // Protocol routes need the whole body as bytes (forwarded byte-for-byte unless a decision
    // rewrites it); Clarion's own JSON APIs get it parsed; every other route streams it through.
    if (PROTOCOL_PATHS.has(route)) {
      collectBody(payload, limit).then(
        (body) => done(null, body),
        (error: Error) => done(error, undefined),
      );
      return;
    }
    if (route.startsWith('/admin/') || route.startsWith('/v1/clarion/')) {
      collectBody(payload, OWN_API_BODY_LIMIT).then(
        (body) => {
          if (body.length === 0) {
            done(null, undefined);
            return;
          }
          try {
            done(null, JSON.parse(body.toString('utf8')));
          } catch (error) {
            done(new ClarionError('CLARION_INVALID_JSON', (error as Error).message), undefined);
          }
        },
        (error: Error) => done(error, undefined),
      );
      return;
    }
    done(null, payload);
  });

  app.setErrorHandler((error: Error & { code?: string; statusCode?: number }, request, reply) => {
    const mapped = error.code === undefined ? undefined : FASTIFY_ERRORS[error.code];
    const clarionError =
      error instanceof ClarionError ? error : new ClarionError(mapped ?? 'CLARION_INTERNAL', mapped === undefined ? undefined : error.message);
    if (clarionError.code === 'CLARION_INTERNAL') logger.error({ err: error, url: request.url }, 'unhandled error');
    const rendered = adapterForFamily(familyOfRequest(request)).renderError(clarionError);
    void reply.code(rendered.status).header('content-type', rendered.contentType).send(rendered.chunks.join(''));
  });

  app.setNotFoundHandler((request, reply) => {
    const rendered = adapterForFamily(familyOf(request.url, request.headers)).renderError(
      new ClarionError('CLARION_NOT_FOUND', `${request.method} ${request.url}`),
    );
    void reply.code(rendered.status).header('content-type', rendered.contentType).send(rendered.chunks.join(''));
  });

  /** Runs a hijacked handler; a bug inside it still yields a protocol-shaped 500, never a crash. */
  const guarded = async (request: FastifyRequest, reply: FastifyReply, kind: RouteKind, run: () => Promise<void>): Promise<void> => {
    reply.hijack();
    try {
      await run();
    } catch (error) {
      metrics.pipelineFailures.inc({ stage: 'proxy' });
      logger.error({ err: error, url: request.url, kind }, 'request failed inside clarion');
      const res = reply.raw;
      if (!res.headersSent) {
        writeRendered(res, adapterForFamily(familyOfRequest(request)).renderError(new ClarionError('CLARION_INTERNAL')), {});
      } else {
        res.destroy();
      }
    }
  };

  for (const route of PROTOCOL_ROUTES) {
    app.post(route.path, (request, reply) =>
      guarded(request, reply, route.kind, () =>
        handleProtocolRequest(deps, route, {
          headers: request.headers,
          body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
          url: request.url,
          res: reply.raw,
        }),
      ),
    );
  }

  app.all('/v1/*', (request, reply) =>
    guarded(request, reply, 'other', () =>
      handlePassthrough(deps, {
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: request.body === undefined || request.body === null ? null : (request.body as Readable as IncomingMessage),
        res: reply.raw,
      }),
    ),
  );

  registerFeedbackRoutes(app, eventLog);

  let closing = false;
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const policyStatus = policy.status();
    const body = { status: closing ? 'closing' : 'ready', instance: instanceId, policy: policyStatus, events: eventLog.health() };
    return reply.code(closing ? 503 : 200).send(body);
  });
  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.header('content-type', metrics.registry.contentType).send(text);
  });

  const adminToken = config.server.adminToken;
  await app.register(
    async (admin) => {
      admin.addHook('onRequest', async (request, reply) => {
        const given = request.headers.authorization;
        if (adminToken === undefined || given !== `Bearer ${adminToken}`) {
          const error = new ClarionError(
            adminToken === undefined ? 'CLARION_NOT_FOUND' : 'CLARION_UNAUTHORIZED',
            adminToken === undefined ? 'admin API is disabled (set CLARION_ADMIN_TOKEN)' : undefined,
          );
          const rendered = adapterForFamily('openai').renderError(error);
          return reply.code(rendered.status).header('content-type', rendered.contentType).send(rendered.chunks.join(''));
        }
        return undefined;
      });
      admin.get('/policy', async () => policy.status());
      admin.post('/policy/reload', async (_request, reply) => {
        const ok = await policy.reload();
        return reply.code(ok ? 200 : 422).send(policy.status());
      });
      registerReviewRoutes(admin, reviews);
    },
    { prefix: '/admin' },
  );

  return {
    app,
    logger,
    eventLog,
    policy,
    async listen() {
      return app.listen({ port: config.server.port, host: config.server.host });
    },
    async close(graceMs = config.server.shutdownGraceMs) {
      if (closing) return;
      closing = true;
      const closed = app.close();
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<'timeout'>((resolveGrace) => {
        timer = setTimeout(() => resolveGrace('timeout'), graceMs);
        timer.unref();
      });
      if ((await Promise.race([closed.then(() => 'closed' as const), graceOver])) === 'timeout') {
        logger.warn({ graceMs }, 'grace period over; closing remaining connections');
        app.server.closeAllConnections();
        await closed;
      }
      clearTimeout(timer);
      await eventLog.close();
      await Promise.allSettled([memory.close(), reviews.close(), upstreams.close()]);
      policy.close();
      if (redis !== null) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
