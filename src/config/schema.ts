/**
 * The config file's schema. Every field is documented in docs/configuration.md; types come from
 * here via z.infer. Sections owned by a module (detector, policy, events) import its schema.
 */
import { z } from 'zod';
import { DetectorConfigSchema } from '../detect/config.js';
import { EventsConfigSchema } from '../events/config.js';
import { LimitsSchema, MAX_TIMER_MS } from './limits.js';
import { PolicyCardConfigSchema, PolicyConfigSchema } from '../policy/config.js';

const durationMs = z.number().int().positive();

export const UpstreamTimeoutsSchema = z
  .object({
    /** TCP/TLS connect timeout. */
    connectMs: durationMs.default(5_000),
    /** Time from sending the request until the response headers arrive (models can think long). */
    firstByteMs: durationMs.default(300_000),
    /** Longest silence between two body chunks once the response started. */
    idleMs: durationMs.default(300_000),
  })
  .strict();

export const UpstreamAuthSchema = z
  .object({
    /** Header to set, e.g. `authorization` or `x-api-key`. */
    header: z
      .string()
      .min(1)
      .transform((h) => h.toLowerCase()),
    /** The value; use `${ENV_VAR}` interpolation, never a literal key in a committed file. */
    value: z.string().min(1),
    /** Replace whatever credential the client sent (default) or only fill it in when absent. */
    override: z.boolean().default(true),
  })
  .strict();

export const UpstreamRetriesSchema = z
  .object({
    /** Extra attempts on this upstream after a connect error, or a 429 / 5xx before any byte reached the client (0: none). */
    max: z.number().int().min(0).max(10).default(0),
    /** First backoff; doubled per attempt, with jitter, up to `maxBackoffMs`. */
    backoffMs: durationMs.default(200),
    maxBackoffMs: durationMs.default(5_000),
    /** A `retry-after` longer than this is not waited for here: the next fallback is tried, else the error is relayed. */
    maxRetryAfterMs: z.number().int().min(0).default(10_000),
  })
  .strict();
export type UpstreamRetries = z.infer<typeof UpstreamRetriesSchema>;

export const UpstreamSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only'),
    /** Base URL including the version path for OpenAI-compatible servers (`https://api.openai.com/v1`); without it for Anthropic (`https://api.anthropic.com`). */
    baseUrl: z.url({ protocol: /^https?$/ }),
    api: z.enum(['openai', 'anthropic']),
    timeouts: UpstreamTimeoutsSchema.default({ connectMs: 5_000, firstByteMs: 300_000, idleMs: 300_000 }),
    /** Server-side credentials; when absent the client's own headers are forwarded. */
    auth: UpstreamAuthSchema.optional(),
    /** Extra headers sent on every request to this upstream (e.g. `anthropic-version`). */
    headers: z.record(z.string(), z.string()).default({}),
    /** Keep-alive connections per upstream origin. */
    connections: z.number().int().positive().default(256),
    retries: UpstreamRetriesSchema.default(UpstreamRetriesSchema.parse({})),
  })
  .strict();
export type UpstreamConfig = z.infer<typeof UpstreamSchema>;

export const RouteKindSchema = z.enum(['chat', 'responses', 'messages', 'other']);
export type RouteKind = z.infer<typeof RouteKindSchema>;

export const RouteRuleSchema = z
  .object({
    /** Which routes this rule applies to (default: all). */
    routes: z.array(RouteKindSchema).optional(),
    /** Glob on the request's `model` (`*` any run, `?` one character), e.g. `claude-*`. */
    model: z.string().optional(),
    /** Name of the upstream to use. */
    upstream: z.string(),
    /** Upstreams (same API family) tried in order when `upstream` fails before answering (connect error, 429, 5xx after its retries). */
    fallbacks: z.array(z.string()).default([]),
  })
  .strict();
export type RouteRule = z.infer<typeof RouteRuleSchema>;

/** Headers that carry credentials: never a tenant name. */
const CREDENTIAL_HEADER_NAMES: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'api-key', 'cookie', 'set-cookie']);

export const ServerSchema = z
  .object({
    port: z.number().int().min(0).max(65_535).default(8080),
    host: z.string().default('0.0.0.0'),
    /** Largest accepted request body in bytes. */
    bodyLimitBytes: z
      .number()
      .int()
      .positive()
      .default(20 * 1024 * 1024),
    /** On SIGTERM: how long open requests and streams may take to finish. */
    shutdownGraceMs: z.number().int().min(0).max(MAX_TIMER_MS).default(30_000),
    /** Identifies this instance in events and logs (default: hostname-pid). */
    instanceId: z.string().optional(),
    /** Header apps may send to name their tenant; otherwise the tenant is a hash of the API key. */
    tenantHeader: z
      .string()
      .default('x-clarion-tenant')
      .transform((h) => h.toLowerCase())
      .refine((h) => !CREDENTIAL_HEADER_NAMES.has(h), 'may not name a credential header (the tenant would be the key itself)'),
    /** Read the tenant and conversation id headers apps send (only behind a gateway that sets them); off: the tenant comes from the API key. */
    trustClientHeaders: z.boolean().default(false),
    /** Origins whose browser pages may call Clarion (CORS); default none. Preflights are answered by Clarion, never relayed. */
    corsAllowOrigins: z.array(z.url()).default([]),
    /** Token for `/admin/*` (also `CLARION_ADMIN_TOKEN`); admin is disabled without one. */
    adminToken: z.string().optional(),
    /** Token for the guardrail endpoints `/v1/clarion/assess|decide|guardrails/*` (also `CLARION_GUARDRAIL_TOKEN`); the admin token works there too. */
    guardrailToken: z.string().optional(),
    /** Serve the console (`/console/*` and its API) on this port instead of `port` (same host, same sign-in); unset = on `port`. */
    consolePort: z.number().int().min(0).max(65_535).optional(),
  })
  .strict()
  .refine((server) => server.consolePort === undefined || server.consolePort === 0 || server.consolePort !== server.port, {
    path: ['consolePort'],
    message: 'must differ from port (leave it unset to serve the console on port)',
  });

/** `host:port` (or `[ipv6]:port`) of a Redis node or Sentinel. */
const HostPortSchema = z.string().regex(/^(\[[0-9A-Fa-f:.]+\]|[^\s:[\]]+):\d{1,5}$/, 'expected host:port');

export const RedisSentinelSchema = z
  .object({
    /** Name of the master group the Sentinels watch (`sentinel monitor <name> ...`). */
    name: z.string().min(1),
    /** Sentinels to ask for the current master, `host:port` each. */
    sentinels: z.array(HostPortSchema).min(1),
    /** Password of the Sentinels themselves, when they require one. */
    password: z.string().optional(),
  })
  .strict();

export const RedisClusterSchema = z
  .object({
    /** Some of the cluster's nodes, `host:port` each; the rest are discovered. Also `REDIS_CLUSTER_NODES=host:port,host:port`. */
    nodes: z.array(HostPortSchema).min(1),
  })
  .strict();

export const RedisSchema = z
  .object({
    /** `redis://host:port/db`; unset = the embedded file store. Also `REDIS_URL`. */
    url: z.string().optional(),
    /** Redis behind Sentinel (instead of `url`). */
    sentinel: RedisSentinelSchema.optional(),
    /** Redis Cluster (instead of `url`). */
    cluster: RedisClusterSchema.optional(),
    /** ACL user and password of the data nodes for Sentinel and Cluster (a standalone `url` carries its own). */
    username: z.string().optional(),
    password: z.string().optional(),
    /** Prefix of every key Clarion writes. */
    prefix: z.string().default('clarion:'),
    /** Per-command timeout; a slow Redis never holds a request. */
    commandTimeoutMs: z.number().int().positive().default(1_000),
  })
  .strict()
  .superRefine((redis, ctx) => {
    const set = [
      redis.url !== undefined && redis.url !== '' ? 'url (REDIS_URL)' : null,
      redis.sentinel !== undefined ? 'sentinel' : null,
      redis.cluster !== undefined ? 'cluster (REDIS_CLUSTER_NODES)' : null,
    ].filter((name) => name !== null);
    if (set.length > 1) {
      ctx.addIssue({ code: 'custom', path: [], message: `set only one of url, sentinel, cluster (found ${set.join(', ')})` });
    }
    // Clarion puts its own hash tags around the keys a script touches together; a tag in the prefix
    // would pin every key (events, memory, reviews) to one slot, i.e. one node.
    if (redis.cluster !== undefined && /[{}]/.test(redis.prefix)) {
      ctx.addIssue({
        code: 'custom',
        path: ['prefix'],
        message: 'must not contain { or } on Redis Cluster: Clarion adds its own hash tags so keys spread over the nodes',
      });
    }
  });
export type RedisSettings = z.infer<typeof RedisSchema>;

export const LoggingSchema = z
  .object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** One log line per proxied request. */
    requests: z.boolean().default(true),
  })
  .strict();

export const StorageSchema = z
  .object({
    /** Directory of the embedded file store (events, reviews, spool) when no Redis is configured. */
    dataDir: z.string().default('./data'),
  })
  .strict();

export const ModelsSchema = z
  .object({
    /** How long one upstream's model list (per credential) is reused for `GET /v1/models`. */
    cacheTtlMs: z.number().int().min(0).default(10_000),
    /** Longest wait for one upstream's list; a slower upstream is skipped. */
    timeoutMs: durationMs.default(5_000),
  })
  .strict();

export const ConfigSchema = z
  .object({
    server: ServerSchema.default(ServerSchema.parse({})),
    upstreams: z.array(UpstreamSchema).min(1),
    /** Ordered routing rules; first match wins, then the first upstream of the route's API family. */
    routing: z.array(RouteRuleSchema).default([]),
    /** `GET /v1/models`: every upstream's list, merged. */
    models: ModelsSchema.default(ModelsSchema.parse({})),
    redis: RedisSchema.default(RedisSchema.parse({})),
    storage: StorageSchema.default(StorageSchema.parse({})),
    logging: LoggingSchema.default(LoggingSchema.parse({})),
    detector: DetectorConfigSchema.default(DetectorConfigSchema.parse({})),
    policy: PolicyConfigSchema.default(PolicyConfigSchema.parse({})),
    policyCard: PolicyCardConfigSchema.default(PolicyCardConfigSchema.parse({})),
    events: EventsConfigSchema.default(EventsConfigSchema.parse({})),
    limits: LimitsSchema.default(LimitsSchema.parse({})),
  })
  .strict()
  .superRefine((config, ctx) => {
    const names = new Set<string>();
    config.upstreams.forEach((upstream, index) => {
      if (names.has(upstream.name)) {
        ctx.addIssue({ code: 'custom', path: ['upstreams', index, 'name'], message: `duplicate upstream name "${upstream.name}"` });
      }
      names.add(upstream.name);
    });
    const judge = config.detector.secondOpinion;
    if (judge !== undefined && !names.has(judge.upstream)) {
      ctx.addIssue({ code: 'custom', path: ['detector', 'secondOpinion', 'upstream'], message: `unknown upstream "${judge.upstream}"` });
    }
    const apiOf = new Map(config.upstreams.map((u) => [u.name, u.api] as const));
    config.routing.forEach((rule, index) => {
      if (!names.has(rule.upstream)) {
        ctx.addIssue({ code: 'custom', path: ['routing', index, 'upstream'], message: `unknown upstream "${rule.upstream}"` });
      }
      rule.fallbacks.forEach((name, at) => {
        const path = ['routing', index, 'fallbacks', at];
        const api = apiOf.get(name);
        if (api === undefined) ctx.addIssue({ code: 'custom', path, message: `unknown upstream "${name}"` });
        else if (apiOf.has(rule.upstream) && api !== apiOf.get(rule.upstream)) {
          ctx.addIssue({ code: 'custom', path, message: `"${name}" speaks ${api}, "${rule.upstream}" speaks ${String(apiOf.get(rule.upstream))}: a fallback must speak the same API` });
        }
      });
    });
  });

export type Config = z.infer<typeof ConfigSchema>;
