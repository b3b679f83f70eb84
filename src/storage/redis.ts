/**
 * The one way Clarion opens a Redis connection, for every Redis user (event writer, conversation
 * memory, review queue, labels, policy history, the CLI). The config's `redis` section picks the
 * topology:
 *
 *   redis.url (REDIS_URL)                          standalone            ioredis `Redis`
 *   redis.sentinel { name, sentinels }             master via Sentinel   ioredis `Redis` with `sentinels`
 *   redis.cluster { nodes } (REDIS_CLUSTER_NODES)  Redis Cluster         ioredis `Cluster`
 *
 * Usage: `const client = connectRedis(config.redis, { name: 'clarion-labels' })`, then plain ioredis
 * commands on it (typed `RedisClient`), `closeRedis(client)` at shutdown. On Cluster, keys a script
 * or pipeline touches together must share a hash tag (see ./redis/keys.ts).
 *
 * A dead or slow Redis must cost the request path nothing, whatever the topology: no offline queue
 * (commands fail at once while disconnected or failing over, instead of piling up), a per-command
 * timeout, no retries of a failed command, and capped exponential reconnect backoff. Callers fail
 * open: the event log spools, conversation memory counts the budget as spent.
 */
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisSettings } from '../config/schema.js';

export type { Cluster, Redis };

/** Whether `client` talks to a Redis Cluster (keys of one script or pipeline must then share a slot). */
export function isCluster(client: RedisClient): client is Cluster {
  return client instanceof Cluster;
}
/** A connection of any topology; both ioredis classes take the same commands. */
export type RedisClient = Redis | Cluster;

export interface RedisClientOptions {
  /** Connection name shown by CLIENT LIST, e.g. `clarion-events`. */
  name: string;
  /** Per-command timeout (default: `redis.commandTimeoutMs`). */
  commandTimeoutMs?: number;
  /** Upper bound of the reconnect backoff. */
  maxBackoffMs?: number;
}

/** Whether the config names a Redis at all (else Clarion uses its embedded file store). */
export function redisConfigured(settings: RedisSettings): boolean {
  return (settings.url !== undefined && settings.url !== '') || settings.sentinel !== undefined || settings.cluster !== undefined;
}

/** `standalone`, `sentinel` or `cluster`, for logs and the key layout. */
export type RedisTopology = 'standalone' | 'sentinel' | 'cluster';

export function redisTopology(settings: RedisSettings): RedisTopology {
  if (settings.cluster !== undefined) return 'cluster';
  if (settings.sentinel !== undefined) return 'sentinel';
  return 'standalone';
}

function hostPort(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  return { host, port: Number(address.slice(colon + 1)) };
}

function backoff(maxBackoffMs: number): (attempt: number) => number {
  return (attempt) => Math.min(50 * 2 ** Math.min(attempt, 10), maxBackoffMs);
}

/** The per-connection options every topology shares. */
function connectionOptions(options: Required<RedisClientOptions>): RedisOptions {
  return {
    connectionName: options.name,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: Math.max(options.commandTimeoutMs, 1_000),
    maxRetriesPerRequest: 0,
    lazyConnect: false,
  };
}

/** Opens a connection of the configured topology. Does not wait for it: see waitForReady / openRedis. */
export function connectRedis(settings: RedisSettings, options: RedisClientOptions): RedisClient {
  const resolved: Required<RedisClientOptions> = {
    name: options.name,
    commandTimeoutMs: options.commandTimeoutMs ?? settings.commandTimeoutMs,
    maxBackoffMs: options.maxBackoffMs ?? 2_000,
  };
  const auth = {
    ...(settings.username !== undefined && { username: settings.username }),
    ...(settings.password !== undefined && { password: settings.password }),
  };
  if (settings.cluster !== undefined) {
    const clusterOptions: ClusterOptions = {
      enableOfflineQueue: false,
      // A node gone: refresh the slot map soon so commands reach the promoted replica.
      clusterRetryStrategy: backoff(resolved.maxBackoffMs),
      retryDelayOnFailover: 100,
      retryDelayOnClusterDown: 100,
      slotsRefreshTimeout: Math.max(resolved.commandTimeoutMs, 1_000),
      slotsRefreshInterval: 2_000,
      redisOptions: { ...connectionOptions(resolved), ...auth },
    };
    return new Cluster(settings.cluster.nodes.map(hostPort), clusterOptions);
  }
  const common: RedisOptions = {
    ...connectionOptions(resolved),
    enableOfflineQueue: false,
    retryStrategy: backoff(resolved.maxBackoffMs),
  };
  if (settings.sentinel !== undefined) {
    return new Redis({
      ...common,
      ...auth,
      name: settings.sentinel.name,
      sentinels: settings.sentinel.sentinels.map(hostPort),
      ...(settings.sentinel.password !== undefined && { sentinelPassword: settings.sentinel.password }),
      sentinelCommandTimeout: Math.max(resolved.commandTimeoutMs, 1_000),
      sentinelRetryStrategy: backoff(resolved.maxBackoffMs),
      // A replica promoted behind our back answers READONLY to writes: reconnect to ask Sentinel again.
      reconnectOnError: (error) => error.message.startsWith('READONLY'),
    });
  }
  return new Redis(settings.url ?? '', common);
}

/** A standalone connection to `url` with Clarion's options (tests, tools). */
export function createRedisClient(url: string, options: RedisClientOptions & { commandTimeoutMs: number }): Redis {
  return connectRedis({ url, prefix: '', commandTimeoutMs: options.commandTimeoutMs }, options) as Redis;
}

/** Another connection like `client` (same topology and nodes), e.g. for a blocking read. */
export function duplicateRedis(client: RedisClient, options: { name: string; commandTimeoutMs: number }): RedisClient {
  if (isCluster(client)) {
    return client.duplicate(undefined, {
      redisOptions: { ...client.options.redisOptions, connectionName: options.name, commandTimeout: options.commandTimeoutMs },
    });
  }
  return client.duplicate({ connectionName: options.name, commandTimeout: options.commandTimeoutMs });
}

/** Resolves once the client is connected and ready; rejects after `timeoutMs` (the client keeps reconnecting). */
export function waitForReady(client: RedisClient, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    let lastError: unknown = null;
    const onError = (error: unknown): void => {
      lastError = error;
    };
    const onReady = (): void => {
      cleanup();
      resolve();
    };
    const timer = setTimeout(() => {
      cleanup();
      const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
      reject(Object.assign(new Error(`Redis not reachable within ${timeoutMs} ms${reason}`), { code: 'CLARION_REDIS_UNAVAILABLE' }));
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('error', onError);
    };
    client.on('ready', onReady);
    client.on('error', onError);
  });
}

/** For the CLI and tools: connects and waits until Redis answers; throws CLARION_REDIS_UNAVAILABLE when it cannot be reached. */
export async function openRedis(settings: RedisSettings, options: RedisClientOptions & { waitMs: number }): Promise<RedisClient> {
  const client = connectRedis(settings, options);
  client.on('error', () => undefined);
  try {
    await waitForReady(client, options.waitMs);
  } catch (error) {
    client.disconnect();
    throw error;
  }
  return client;
}

/** Closes politely (QUIT), giving up and dropping the connection after `waitMs`. Never throws. */
export async function closeRedis(client: RedisClient, waitMs = 1_000): Promise<void> {
  const quit = client.quit().then(
    () => undefined,
    () => undefined,
  );
  await Promise.race([quit, new Promise<void>((resolve) => setTimeout(resolve, waitMs).unref())]);
  client.disconnect();
}
