/**
 * Conversation memory: how many clarifications Clarion itself initiated in a conversation, so the
 * policy's clarification budget holds across turns — and across proxy instances when Redis is
 * configured. The store (Redis, or in process) is a MemoryStore (./memory-store.ts), chosen in
 * src/storage/index.ts.
 *
 * Failure rule — prefer NOT nagging users: when a remote store does not answer within
 * `timeoutMs`, or errors, clarifications() resolves to CLARIFICATIONS_UNKNOWN, which spends any
 * budget, so a clarify norm falls back to annotate (or pass) rather than risk asking the same
 * user twice. The same rule for remembered turns: recallTurns() resolves to null (the context
 * stays unknown, and the detector claims no gap those turns could have filled).
 */
import type { RedisClient } from '../storage/redis.js';
import { memoryStoreFor } from '../storage/index.js';
import { CLARIFICATIONS_UNKNOWN } from './decide.js';
import type { MemoryStore, RememberedTurns } from './memory-store.js';

/** What clarifications() returns when the count cannot be read: decide() treats it as "budget spent". */
export { CLARIFICATIONS_UNKNOWN };

export interface ConversationMemory {
  /** Clarifications Clarion initiated in this conversation; resolves within timeoutMs, never rejects. */
  clarifications(conversationId: string): Promise<number>;
  /** Counts one more clarification. Fire-and-forget; never throws. */
  recordClarification(conversationId: string): void;
  /** The turns remembered under `key`; null when none, on error, or after timeoutMs. Never rejects. */
  recallTurns(key: string): Promise<RememberedTurns | null>;
  /** Remembers turns under `key` for the conversation TTL. Fire-and-forget; never throws. */
  rememberTurns(key: string, turns: RememberedTurns): void;
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
      return withinTimeout(store.clarifications(conversationId), timeoutMs, CLARIFICATIONS_UNKNOWN, onError);
    },
    recordClarification(conversationId) {
      try {
        store.recordClarification(conversationId, rules.ttlSeconds).catch(onError);
      } catch (error) {
        onError(error);
      }
    },
    recallTurns(key) {
      if (store.local) return store.recallTurns(key);
      return withinTimeout(store.recallTurns(key), timeoutMs, null, onError);
    },
    rememberTurns(key, turns) {
      try {
        store.rememberTurns(key, turns, rules.ttlSeconds).catch(onError);
      } catch (error) {
        onError(error);
      }
    },
    close: () => store.close(),
  };
}

/** The value read, or `fallback` when the read fails or takes longer than `timeoutMs`. */
function withinTimeout<T>(read: Promise<T>, timeoutMs: number, fallback: T, onError: (error: unknown) => void): Promise<T> {
  return new Promise<T>((settle) => {
    let done = false;
    const finish = (value: T): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      settle(value);
    };
    const timer = setTimeout(() => {
      onError(new Error(`conversation memory: Redis did not answer within ${timeoutMs} ms`));
      finish(fallback);
    }, timeoutMs);
    timer.unref();
    read.then(finish, (error: unknown) => {
      onError(error);
      finish(fallback);
    });
  });
}
