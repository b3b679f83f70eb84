/**
 * Where Clarion keeps its data, decided once from the config: Redis when the `redis` section names
 * one (`url`, `sentinel` or `cluster`; event streams and a few keys shared by every proxy instance
 * and the CLI), else the embedded store in
 * the data directory (one instance per directory; conversation memory in process).
 *
 *   kind of data          interface                    Redis                     embedded
 *   events                EventBackend (events/store)  redis/events.ts           file/events.ts
 *   review queue          ReviewStore                  redis/reviews.ts          file/reviews.ts
 *   conversation memory   MemoryStore                  redis/memory.ts           file/memory.ts
 *
 * Redis connections come from one client factory (./redis.ts: connectRedis / openRedis), key
 * names and hash tags from ./redis/keys.ts. A new backend implements the
 * three interfaces in a folder beside redis/ and file/, and is chosen here.
 */
import { resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import type { EventBackend, EventStore, StorageKind } from '../events/store.js';
import type { MemoryStore } from '../policy/memory-store.js';
import type { ReviewStore } from '../policy/review-store.js';
import { FileEventStore } from './file/events.js';
import { InProcessMemoryStore } from './file/memory.js';
import { FileReviewStore } from './file/reviews.js';
import { closeRedis, connectRedis, redisConfigured, type RedisClient } from './redis.js';
import { openRedisEventStore, RedisEventStore } from './redis/events.js';
import { RedisMemoryStore } from './redis/memory.js';
import { RedisReviewStore } from './redis/reviews.js';

/** Redis when the config names one, else the embedded file store. */
export function storageKind(config: Pick<Config, 'redis'>): StorageKind {
  return redisConfigured(config.redis) ? 'redis' : 'file';
}

/** The event backend the event log writes through. Does not wait for Redis: the log spools until it answers. */
export function openEventBackend(config: Config, dataDir: string): EventBackend {
  if (storageKind(config) === 'file') return new FileEventStore(dataDir, config.events);
  const client = connectRedis(config.redis, { name: 'clarion-events' });
  // Errors reach the event log through onAvailability; until it listens, keep ioredis from printing them.
  client.on('error', () => {});
  return new RedisEventStore(client, config.redis.prefix, config.events, true, config.redis.commandTimeoutMs);
}

/** The event store for reading (`clarion events`, `clarion replay`). Throws when Redis cannot be reached. */
export async function openEventStore(config: Config, dataDir: string): Promise<EventStore> {
  if (storageKind(config) === 'redis') return openRedisEventStore(config);
  return new FileEventStore(resolve(dataDir), config.events);
}

/** The review queue's store: in Redis through `client`, or in `dataDir` without one. */
export function reviewStoreFor(client: RedisClient | null, options: { prefix: string; dataDir: string }): ReviewStore {
  return client !== null ? new RedisReviewStore(client, options.prefix) : new FileReviewStore(options.dataDir);
}

/** Conversation memory's store: in Redis through `client`, or in process without one. */
export function memoryStoreFor(client: RedisClient | null, options: { prefix: string; maxEntries: number; now?: (() => number) | undefined }): MemoryStore {
  if (client !== null) return new RedisMemoryStore(client, options.prefix);
  return new InProcessMemoryStore({ maxEntries: options.maxEntries, now: options.now });
}

/** The stores the proxy keeps its state in besides events, over one Redis connection when there is one. */
export interface StateStores {
  readonly kind: StorageKind;
  reviews: ReviewStore;
  memory: MemoryStore;
  /** Closes the Redis connection (after the queue and memory are closed). */
  close(): Promise<void>;
}

export function openStateStores(config: Config, dataDir: string): StateStores {
  const kind = storageKind(config);
  const client = kind === 'redis' ? connectRedis(config.redis, { name: 'clarion-state' }) : null;
  // Errors surface through command failures (handled where used); keep ioredis from printing them.
  client?.on('error', () => {});
  const { prefix } = config.redis;
  return {
    kind,
    reviews: reviewStoreFor(client, { prefix, dataDir }),
    memory: memoryStoreFor(client, { prefix, maxEntries: config.policy.memoryMaxEntries }),
    async close() {
      if (client !== null) await closeRedis(client);
    },
  };
}
