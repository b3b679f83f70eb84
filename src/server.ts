/**
 * The composition root: builds Clarion from a loaded config. `createComponents` makes the parts
 * every request shares (detector, policy, storage, event log, upstream pools); `createApp`
 * composes the HTTP surfaces, each a fastify plugin that owns its body parsing, auth and errors:
 *
 *   protocol routes   POST /v1/chat/completions|responses|messages   src/http/protocol-routes.ts
 *   model list        GET /v1/models (every upstream's, merged)       src/http/models-routes.ts
 *   pass-through      /v1/*                                           src/http/passthrough-routes.ts
 *   Clarion API       /v1/clarion/* (feedback)                        src/http/clarion-api/
 *   guardrail         /v1/clarion/assess|decide|guardrails/* (token)  src/http/clarion-api/guardrail.ts
 *   admin             /admin/* (bearer CLARION_ADMIN_TOKEN)           src/http/admin/
 *   ops               /healthz, /readyz, /metrics                     src/http/ops-routes.ts
 *
 *   console           /console/* (session from CLARION_ADMIN_TOKEN)   src/http/console/
 *
 * OpenTelemetry (off unless configured) is created here with the other components and reaches
 * the request path through PipelineDeps. `close()` is the graceful shutdown SIGTERM triggers.
 */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { Server } from 'node:http';
import Fastify, { type FastifyHttpOptions, type FastifyInstance } from 'fastify';
import type { Limits } from './config/limits.js';
import { resolveFromConfig, type LoadedConfig } from './config/load.js';
import { createDetectorHolder, type DetectorHolder } from './detect/holder.js';
import type { Detector } from './detect/index.js';
import { ClarionError } from './errors.js';
import { createEventLog, type EventLog } from './events/log.js';
import { configureRedaction, redactText } from './events/redact.js';
import { adminApi } from './http/admin/index.js';
import { guardrailApi } from './http/clarion-api/guardrail.js';
import { createConsoleApp } from './http/console/app.js';
import { CONSOLE_PREFIX, consoleSurface, type ConsoleOptions } from './http/console/index.js';
import { lazyEventStore, type LazyEventStore } from './http/console/store.js';
import { CLARION_API_PREFIX, clarionApi } from './http/clarion-api/index.js';
import { BodyBudget } from './http/body.js';
import { registerCors } from './http/cors.js';
import { asClarionError, catalogueErrors, sendError } from './http/errors.js';
import { modelsRoutes } from './http/models-routes.js';
import { opsRoutes } from './http/ops-routes.js';
import { familyErrors, passthroughRoutes } from './http/passthrough-routes.js';
import { protocolRoutes } from './http/protocol-routes.js';
import { createLogger, type Logger } from './ops/logger.js';
import { createCoreMetrics } from './ops/metrics.js';
import { createRequestLog } from './ops/request-log.js';
import { loadTracing } from './ops/tracing.js';
import { createPolicyHolder, type LoadedPolicy, type PolicyHolder } from './policy/load.js';
import { conversationMemory, type ConversationMemory } from './policy/memory.js';
import { precedentMemory } from './policy/precedent-memory.js';
import { reviewQueue, type ReviewQueue } from './policy/reviews.js';
import type { PipelineDeps } from './proxy/deps.js';
import { createModelCatalog } from './proxy/models.js';
import { createRouter } from './proxy/routing.js';
import { createUpstreams, type Upstreams } from './proxy/upstreams.js';
import { createSecondOpinion, type SecondOpinionService } from './judge/second-opinion.js';
import type { Registry } from './ops/metrics.js';
import { openEventStore, openStateStores, storageKind, type StateStores } from './storage/index.js';

export interface ServerOptions {
  /** Defaults to a pino logger on stdout at the configured level. */
  logger?: Logger;
  /** Directory of the embedded store; defaults to `storage.dataDir` resolved against the cwd. */
  dataDir?: string;
  /** Replaces the detector built from the config (tests inject a failing one). */
  detector?: Detector;
  /** Where the OTEL_* variables are read (default: process.env); tracing is off unless they name an endpoint. */
  env?: NodeJS.ProcessEnv;
}

export interface ClarionServer {
  app: FastifyInstance;
  logger: Logger;
  eventLog: EventLog;
  policy: PolicyHolder;
  /** The detector in force (swappable when `detector.model` names a file). */
  detector: DetectorHolder | null;
  /** Re-reads the policy and the detector model (SIGHUP, POST /admin/reload); each keeps its last good version on failure. */
  reload(): Promise<{ policy: boolean; detector: boolean }>;
  /** The console's own app when `server.consolePort` is set (then `app` has no `/console`), else null. */
  consoleApp: FastifyInstance | null;
  /** Where the console's own port listens (`http://127.0.0.1:8081`) once listening; null without `server.consolePort`. */
  consoleAddress(): string | null;
  /** Starts listening (and the console's port, when it has one); resolves with the proxy's bound address (`http://127.0.0.1:8080`). */
  listen(): Promise<string>;
  /** Graceful shutdown: stop accepting, let open requests and streams finish within the grace period, flush events. */
  close(graceMs?: number): Promise<void>;
}

/** What the server is made of, created once from the config. */
interface Components {
  deps: PipelineDeps;
  detector: DetectorHolder | null;
  eventLog: EventLog;
  policy: PolicyHolder;
  memory: ConversationMemory;
  reviews: ReviewQueue;
  state: StateStores;
  instanceId: string;
  /** The console's event reader, opened on first use. */
  eventReader: LazyEventStore;
}

async function createComponents(loaded: LoadedConfig, options: ServerOptions): Promise<Components> {
  const { config } = loaded;
  const logger = options.logger ?? createLogger(config.logging.level);
  const metrics = createCoreMetrics();
  const dataDir = options.dataDir ?? resolve(process.cwd(), config.storage.dataDir);
  const instanceId = config.server.instanceId ?? `${hostname()}-${process.pid}`;
  const state = openStateStores(config, dataDir);
  const policy = await createPolicyHolder({
    file: resolveFromConfig(loaded, config.policy.file),
    watch: config.policy.watch,
    versionUnchanged: config.policy.versionUnchanged,
    logger,
    registry: metrics.registry,
    onLoaded: (p) => recordPolicy(state, p, instanceId, logger),
  });
  const memory = conversationMemory(state.memory, {
    ttlSeconds: config.policy.conversationTtlSeconds,
    timeoutMs: config.policy.memoryTimeoutMs,
    onError: () => metrics.pipelineFailures.inc({ stage: 'memory' }),
  });
  configureRedaction(config.events.redaction.extraPatterns);
  const precedents = precedentMemory(state.precedents, {
    pendingTtlSeconds: config.policy.conversationTtlSeconds,
    timeoutMs: config.policy.memoryTimeoutMs,
    onError: () => metrics.pipelineFailures.inc({ stage: 'memory' }),
    // The user's own words are kept only where the events may keep text; always redacted.
    freeText: config.events.redaction.mode !== 'none',
    redact: redactText,
  });
  const eventLog = await createEventLog({ config, dataDir, instanceId, registry: metrics.registry, logger });
  // Resolving a review labels its event (source `reviewer`).
  const reviews = reviewQueue(state.reviews, {
    redact: redactText,
    labels: { label: (id, label) => eventLog.label(id, label.verdict, label.note ?? undefined, label.source) },
    onError: (error) => logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'review resolved but its event could not be labelled'),
  });
  const upstreams = createUpstreams(config.upstreams);
  const model = config.detector.model;
  const holder = options.detector === undefined ? createDetectorHolder(config.detector, model === undefined ? null : resolveFromConfig(loaded, model)) : null;
  const deps: PipelineDeps = {
    router: createRouter(config),
    upstreams,
    detector: options.detector ?? (holder as DetectorHolder),
    policy,
    memory,
    precedents,
    reviews,
    events: eventLog,
    metrics,
    logger,
    requestLog: createRequestLog(logger, config.logging.requests),
    tracing: await loadTracing(options.env ?? process.env, logger),
    tenantHeader: config.server.tenantHeader,
    trustClientHeaders: config.server.trustClientHeaders,
    limits: config.limits,
    userHeader: config.policy.userHeader,
    controlHeaders: new Set([config.server.tenantHeader, config.policy.userHeader]),
    secondOpinion: secondOpinionFor(config, upstreams, metrics.registry, logger),
    labelEvent: (eventId, verdict, note, source) => {
      eventLog.label(eventId, verdict, note, source).catch((error: unknown) => logger.warn({ err: error, eventId, source }, 'labelling the event failed'));
    },
  };
  const eventReader = lazyEventStore(() => openEventStore(config, dataDir));
  return { deps, detector: holder, eventLog, policy, memory, reviews, state, instanceId, eventReader };
}

/** Policy and detector model re-read together; each keeps its last good version when its file is bad. */
async function reloadAll(parts: Pick<Components, 'policy' | 'detector' | 'deps'>): Promise<{ policy: boolean; detector: boolean }> {
  const policy = await parts.policy.reload();
  const detector = parts.detector?.reload() ?? true;
  const status = parts.detector?.status();
  if (!detector) parts.deps.logger.error({ file: status?.file, err: status?.lastError }, 'detector model reload rejected; the model in force stays');
  else if (status?.file !== null && status !== undefined) parts.deps.logger.info({ file: status.file, modelId: status.modelId }, 'detector model loaded');
  return { policy, detector };
}

/** Keeps the policy just put in force in the history; the store being down costs a log line, never the reload. */
function recordPolicy(state: StateStores, p: LoadedPolicy, instance: string, logger: Logger): void {
  const entry = { hash: p.hash, version: p.policy.version, fileVersion: p.fileVersion, time: new Date().toISOString(), file: p.file, instance, text: p.text };
  state.policyHistory.record(entry).catch((error: unknown) => {
    logger.warn({ err: error instanceof Error ? error.message : String(error), version: entry.version }, 'policy history: could not record the policy');
  });
}

/** The grey-band second opinion when `detector.secondOpinion` is configured (its upstream is checked by the config schema). */
function secondOpinionFor(config: LoadedConfig['config'], upstreams: Upstreams, registry: Registry, logger: Logger): SecondOpinionService | null {
  const judge = config.detector.secondOpinion;
  const upstream = judge === undefined ? undefined : upstreams.get(judge.upstream);
  if (judge === undefined || upstream === undefined) return null;
  return createSecondOpinion({
    config: judge,
    upstream,
    registry,
    onFailure: (outcome, detail) => logger.debug({ outcome, detail }, 'second opinion: no verdict'),
  });
}

async function createApp(loaded: LoadedConfig, parts: Components, closing: () => boolean): Promise<FastifyInstance> {
  const { config } = loaded;
  const { deps } = parts;
  const { logger } = deps;
  const { limits } = config;
  const bodyBudget = new BodyBudget(limits.maxInflightBodyBytes);
  const app = Fastify({
    ...slowClientLimits(limits),
    // Clarion writes its own single log line per request and logs errors itself.
    logger: false,
    bodyLimit: config.server.bodyLimitBytes,
    // Requests that arrive while closing get CLARION_SHUTTING_DOWN from each surface instead.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    requestIdHeader: false,
    // A URL fastify cannot route (malformed percent-encoding): a catalogue error, not fastify's own body.
    frameworkErrors: (error, request, reply) => {
      void sendError(reply, asClarionError(error), familyErrors(request));
    },
  });
  if (limits.maxConnections > 0) app.server.maxConnections = limits.maxConnections;
  app.setErrorHandler(catalogueErrors(logger, familyErrors));
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, new ClarionError('CLARION_NOT_FOUND', `${request.method} ${request.url}`), familyErrors(request)),
  );

  registerCors(app, config.server.corsAllowOrigins);
  await app.register(protocolRoutes, { deps, bodyLimit: config.server.bodyLimitBytes, maxJsonDepth: config.limits.maxJsonDepth, bodyBudget, closing });
  await app.register(modelsRoutes, { deps, catalog: createModelCatalog(config, deps.upstreams, deps.controlHeaders), closing });
  await app.register(passthroughRoutes, { deps, closing });
  await app.register(clarionApi, {
    prefix: CLARION_API_PREFIX,
    events: parts.eventLog,
    feedback: config.events.feedback,
    logger,
    closing,
    card: { public: config.policyCard.public, policy: parts.policy, events: config.events },
  });
  const guardrailTokens = [config.server.guardrailToken, config.server.adminToken].filter((t): t is string => t !== undefined && t !== '');
  await app.register(guardrailApi, { prefix: CLARION_API_PREFIX, deps, tokens: guardrailTokens, bodyLimit: config.server.bodyLimitBytes, closing });
  await app.register(adminApi, {
    prefix: '/admin',
    token: config.server.adminToken,
    policy: parts.policy,
    reviews: parts.reviews,
    reload: () => reloadAll(parts),
    logger,
    closing,
  });
  // With server.consolePort the console has its own app and port (buildServer); otherwise it is here.
  if (config.server.consolePort === undefined) await app.register(consoleSurface, { prefix: CONSOLE_PREFIX, ...consoleOptions(config, parts, closing) });
  await app.register(opsRoutes, {
    instanceId: parts.instanceId,
    policy: parts.policy,
    detector: parts.detector,
    events: parts.eventLog,
    registry: deps.metrics.registry,
    logger,
    closing,
    adminToken: config.server.adminToken,
  });
  return app;
}

/** What the console reads and writes, and how it is reached: the same on the proxy's port or its own. */
function consoleOptions(config: LoadedConfig['config'], parts: Components, closing: () => boolean): ConsoleOptions {
  const { deps } = parts;
  return {
    token: config.server.adminToken,
    listenHost: config.server.host,
    logger: deps.logger,
    closing,
    data: {
      storage: storageKind(config),
      eventStore: () => parts.eventReader.get(),
      label: (id, verdict, note, source) => parts.eventLog.label(id, verdict, note, source),
      reviews: parts.reviews,
      policy: parts.policy,
      policyHistory: parts.state.policyHistory,
      eventsConfig: config.events,
      detector: deps.detector,
      router: deps.router,
      tenantHeader: config.server.tenantHeader,
    },
  };
}

/** Slow clients (trickled headers, bodies that never end, idle keep-alive sockets) are cut by these timeouts so they cannot hold memory and sockets for everyone else (docs/security.md). */
function slowClientLimits(limits: Limits): FastifyHttpOptions<Server> {
  return {
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    http: { headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: checkingInterval(limits) },
  };
}

/** Node checks the header and request timeouts on an interval (30 s by default): often enough for the shortest of them. */
function checkingInterval(limits: Limits): number {
  const timeouts = [limits.headersTimeoutMs, limits.requestTimeoutMs].filter((ms) => ms > 0);
  return Math.max(50, Math.min(1_000, Math.floor(Math.min(...timeouts, 4_000) / 4)));
}

export async function buildServer(loaded: LoadedConfig, options: ServerOptions = {}): Promise<ClarionServer> {
  const { config } = loaded;
  const parts = await createComponents(loaded, options);
  let closing = false;
  const app = await createApp(loaded, parts, () => closing);
  const { consolePort } = config.server;
  const consoleApp =
    consolePort === undefined
      ? null
      : await createConsoleApp(
          slowClientLimits(config.limits),
          consoleOptions(config, parts, () => closing),
        );
  if (consoleApp !== null && config.limits.maxConnections > 0) consoleApp.server.maxConnections = config.limits.maxConnections;
  let consoleAddress: string | null = null;
  const { logger } = parts.deps;
  return {
    app,
    consoleApp,
    consoleAddress: () => consoleAddress,
    logger,
    eventLog: parts.eventLog,
    policy: parts.policy,
    detector: parts.detector,
    reload: () => reloadAll(parts),
    async listen() {
      const address = await app.listen({ port: config.server.port, host: config.server.host });
      if (consoleApp !== null) {
        consoleAddress = await consoleApp.listen({ port: consolePort ?? 0, host: config.server.host });
        logger.info({ address: `${consoleAddress}${CONSOLE_PREFIX}/` }, 'console listening on its own port');
      }
      return address;
    },
    async close(graceMs = config.server.shutdownGraceMs) {
      if (closing) return;
      closing = true;
      await Promise.all([closeApp(app, graceMs, logger), consoleApp === null ? undefined : closeApp(consoleApp, graceMs, logger)]);
      await parts.eventLog.close();
      await Promise.allSettled([parts.memory.close(), parts.deps.precedents.close(), parts.reviews.close(), parts.deps.upstreams.close()]);
      parts.policy.close();
      await parts.deps.tracing?.shutdown().catch((error: unknown) => logger.warn({ err: error }, 'tracing: final export failed'));
      await parts.eventReader.close();
      await parts.state.close();
    },
  };
}

/** Stops accepting and waits for open requests and streams, at most `graceMs`; then cuts the rest. */
async function closeApp(app: FastifyInstance, graceMs: number, logger: Logger): Promise<void> {
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
}
