/**
 * Conversation memory: how many clarifications Clarion itself initiated in a conversation, so the
 * policy's clarification budget holds across turns — and across proxy instances when Redis is
 * configured. The store (Redis, or in process) is a MemoryStore (./memory-store.ts), chosen in
 * src/storage/index.ts.
 *
 * Failure rule — prefer NOT nagging users: when a remote store does not answer within
 * `timeoutMs`, or errors, clarifications() resolves to CLARIFICATIONS_UNKNOWN, which spends any
 * budget, so a clarify norm falls back to annotate (or pass) rather than risk asking the same
 * user twice.
 */
import type { RedisClient } from '../storage/redis.js';
import { memoryStoreFor } from '../storage/index.js';
import { CLARIFICATIONS_UNKNOWN } from './decide.js';
import type { MemoryStore } from './memory-store.js';

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

export interface MemoryRules {
  ttlSeconds: number;
  /** Longest wait for a remote store on the request path (default 50 ms). */
  timeoutMs?: number;
  /** Reports store failures (e.g. to a metric or a rate-limited log). */
  onError?: (error: unknown) => void;
}

export interface ConversationMemoryOptions extends MemoryRules {
  redis: RedisClient | null;
  prefix: string;
  /** In-process store: most conversations kept (least recently used are dropped first). */
  maxEntries?: number;
  /** Clock for the in-process expiry (tests). */
  now?: () => number;
}

/** Conversation memory over the store for this Redis client, or in process without one. */
export function createConversationMemory(options: ConversationMemoryOptions): ConversationMemory {
  const store = memoryStoreFor(options.redis, { prefix: options.prefix, maxEntries: options.maxEntries ?? 100_000, now: options.now });
  return conversationMemory(store, options);
}

export function conversationMemory(store: MemoryStore, rules: MemoryRules): ConversationMemory {
  const timeoutMs = rules.timeoutMs ?? 50;
  const onError = rules.onError ?? (() => {});
  return {
    clarifications(conversationId) {
      if (store.local) return store.clarifications(conversationId);
      return withinTimeout(store.clarifications(conversationId), timeoutMs, onError);
    },
    recordClarification(conversationId) {
      try {
        store.recordClarification(conversationId, rules.ttlSeconds).catch(onError);
      } catch (error) {
        onError(error);
      }
    },
    close: () => store.close(),
  };
}

/** The count, or CLARIFICATIONS_UNKNOWN when it fails or takes longer than `timeoutMs`. */
function withinTimeout(read: Promise<number>, timeoutMs: number, onError: (error: unknown) => void): Promise<number> {
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
    read.then(finish, (error: unknown) => {
      onError(error);
      finish(CLARIFICATIONS_UNKNOWN);
    });
  });
}
