/**
 * Conversation memory: how many clarifications Clarion itself initiated in a conversation, so the
 * policy's clarification budget holds across turns — and across proxy instances when Redis is
 * configured (key `<prefix>conv:<id>`, INCR + EXPIRE, so it disappears `ttlSeconds` after the
 * last clarification). Without Redis a bounded in-process LRU with the same TTL is used.
 *
 * Failure rule — prefer NOT nagging users: when Redis does not answer within `timeoutMs`, or
 * errors, clarifications() resolves to CLARIFICATIONS_UNKNOWN, which spends any budget, so a
 * clarify norm falls back to annotate (or pass) rather than risk asking the same user twice.
 */
import type { Redis } from 'ioredis';
import { CLARIFICATIONS_UNKNOWN } from './decide.js';

/** What clarifications() returns when the count cannot be read: decide() treats it as "budget spent". */
export { CLARIFICATIONS_UNKNOWN };

export interface ConversationMemory {
  /** Clarifications Clarion initiated in this conversation; resolves within timeoutMs, never rejects. */
  clarifications(conversationId: string): Promise<number>;
  /** Counts one more clarification. Fire-and-forget; never throws. */
  recordClarification(conversationId: string): void;
  /** Stops timers and drops in-memory state. Does not close the Redis client it was given. */
  close(): Promise<void>;
}

export interface ConversationMemoryOptions {
  redis: Redis | null;
  prefix: string;
  ttlSeconds: number;
  /** Longest wait for Redis on the request path (default 50 ms). */
  timeoutMs?: number;
  /** In-memory backend: most conversations kept (least recently used are dropped first). */
  maxEntries?: number;
  /** Reports Redis failures (e.g. to a metric or a rate-limited log). */
  onError?: (error: unknown) => void;
  /** Clock for the in-memory TTL (tests). */
  now?: () => number;
}

export function createConversationMemory(options: ConversationMemoryOptions): ConversationMemory {
  return options.redis !== null ? redisMemory(options.redis, options) : localMemory(options);
}

function redisMemory(redis: Redis, options: ConversationMemoryOptions): ConversationMemory {
  const timeoutMs = options.timeoutMs ?? 50;
  const ttl = Math.max(1, Math.floor(options.ttlSeconds));
  const onError = options.onError ?? (() => {});
  const keyOf = (id: string): string => `${options.prefix}conv:${id}`;
  return {
    clarifications(conversationId) {
      return new Promise<number>((settle) => {
        let done = false;
        const finish = (value: number): void => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          settle(value);
        };
        const timer = setTimeout(() => {
          onError(new Error(`conversation memory: Redis did not answer within ${timeoutMs} ms`));
          finish(CLARIFICATIONS_UNKNOWN);
        }, timeoutMs);
        timer.unref();
        try {
          redis.get(keyOf(conversationId)).then(
            (value) => {
              const count = value === null ? 0 : Number.parseInt(value, 10);
              finish(Number.isFinite(count) && count >= 0 ? count : CLARIFICATIONS_UNKNOWN);
            },
            (error: unknown) => {
              onError(error);
              finish(CLARIFICATIONS_UNKNOWN);
            },
          );
        } catch (error) {
          onError(error);
          finish(CLARIFICATIONS_UNKNOWN);
        }
      });
    },
    recordClarification(conversationId) {
      try {
        const key = keyOf(conversationId);
        redis
          .multi()
          .incr(key)
          .expire(key, ttl)
          .exec()
          .then(
            (results) => {
              const failed = results?.find(([error]) => error !== null);
              if (failed !== undefined) onError(failed[0]);
            },
            (error: unknown) => onError(error),
          );
      } catch (error) {
        onError(error);
      }
    },
    async close() {},
  };
}

interface LocalEntry {
  count: number;
  expiresAt: number;
}

function localMemory(options: ConversationMemoryOptions): ConversationMemory {
  const ttlMs = Math.max(1, options.ttlSeconds) * 1000;
  const maxEntries = options.maxEntries ?? 100_000;
  const now = options.now ?? Date.now;
  // A Map iterates in insertion order: re-inserting on write keeps the oldest entries first.
  const entries = new Map<string, LocalEntry>();
  const read = (id: string): number => {
    const entry = entries.get(id);
    if (entry === undefined) return 0;
    if (entry.expiresAt <= now()) {
      entries.delete(id);
      return 0;
    }
    return entry.count;
  };
  return {
    clarifications: (conversationId) => Promise.resolve(read(conversationId)),
    recordClarification(conversationId) {
      const count = read(conversationId) + 1;
      entries.delete(conversationId);
      entries.set(conversationId, { count, expiresAt: now() + ttlMs });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done === true) break;
        entries.delete(oldest.value);
      }
    },
    async close() {
      entries.clear();
    },
  };
}
