/**
 * Conversation memory as every backend stores it: a clarification count per conversation that
 * expires `ttlSeconds` after the last clarification. Redis: src/storage/redis/memory.ts; in
 * process (no Redis): src/storage/file/memory.ts. The failure rules around it (a read that takes
 * too long counts as "budget spent") are the policy's, in ./memory.ts.
 */

export interface MemoryStore {
  /** In this process: never slow, never unreachable (no timeout needed around reads). */
  readonly local: boolean;
  /** Clarifications recorded for the conversation, 0 when none or expired. Rejects when the store cannot answer. */
  clarifications(conversationId: string): Promise<number>;
  /** Counts one more clarification and restarts the expiry. A local store has counted it when this returns. */
  recordClarification(conversationId: string, ttlSeconds: number): Promise<void>;
  /** Drops in-process state. Does not close a Redis client it was given. */
  close(): Promise<void>;
}
