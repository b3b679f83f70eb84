/**
 * The one way Clarion opens a Redis connection. A dead or slow Redis must cost the request path
 * nothing: no offline queue (commands fail at once while disconnected instead of piling up),
 * a per-command timeout, and capped exponential reconnect backoff.
 */
import { Redis } from 'ioredis';

export interface RedisClientOptions {
  /** Connection name shown by CLIENT LIST, e.g. `clarion-events`. */
  name: string;
  commandTimeoutMs: number;
  /** Upper bound of the reconnect backoff. */
  maxBackoffMs?: number;
}

export function createRedisClient(url: string, options: RedisClientOptions): Redis {
  const maxBackoff = options.maxBackoffMs ?? 2_000;
  return new Redis(url, {
    connectionName: options.name,
    enableOfflineQueue: false,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: Math.max(options.commandTimeoutMs, 1_000),
    maxRetriesPerRequest: 0,
    lazyConnect: false,
    retryStrategy: (attempt: number) => Math.min(50 * 2 ** Math.min(attempt, 10), maxBackoff),
  });
}

export type { Redis };

/** Resolves once the client is connected and ready; rejects after `timeoutMs` (the client keeps reconnecting). */
export function waitForReady(client: Redis, timeoutMs: number): Promise<void> {
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
