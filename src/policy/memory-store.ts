/**
 * Conversation memory as every backend stores it, two kinds of record:
 * - a clarification count per conversation that expires `ttlSeconds` after the last clarification;
 * - the last turns Clarion proxied, per response id and per conversation (RememberedTurns), so a
 *   request that only points at its earlier turns (`previous_response_id`, or only the latest turn
 *   of a conversation the app names) can be assessed with them in view.
 * Redis: src/storage/redis/memory.ts; in process (no Redis): src/storage/file/memory.ts. The
 * failure rules around it (a read that takes too long counts as "budget spent" / "context
 * unknown") are the policy's, in ./memory.ts.
 */
import { z } from 'zod';

/** Longest text kept per remembered turn (characters). */
export const MAX_REMEMBERED_CHARS = 2_048;
/** Most turns kept per record (the latest ones). */
export const MAX_REMEMBERED_TURNS = 4;

export const RememberedTurnSchema = z.object({
  role: z.enum(['user', 'assistant']),
  /** Redacted like stored event text, at most MAX_REMEMBERED_CHARS. */
  text: z.string().max(MAX_REMEMBERED_CHARS),
});

/** The latest turns of one exchange chain, oldest first. */
export const RememberedTurnsSchema = z.object({
  turns: z.array(RememberedTurnSchema).max(MAX_REMEMBERED_TURNS),
});
export type RememberedTurns = z.infer<typeof RememberedTurnsSchema>;

export interface MemoryStore {
  /** In this process: never slow, never unreachable (no timeout needed around reads). */
  readonly local: boolean;
  /** Clarifications recorded for the conversation, 0 when none or expired. Rejects when the store cannot answer. */
  clarifications(conversationId: string): Promise<number>;
  /** Counts one more clarification and restarts the expiry. A local store has counted it when this returns. */
  recordClarification(conversationId: string, ttlSeconds: number): Promise<void>;
  /** The turns remembered under `key`, null when none or expired. Rejects when the store cannot answer. */
  recallTurns(key: string): Promise<RememberedTurns | null>;
  /** Remembers `turns` under `key` for `ttlSeconds`, replacing what was there. */
  rememberTurns(key: string, turns: RememberedTurns, ttlSeconds: number): Promise<void>;
  /** Drops in-process state. Does not close a Redis client it was given. */
  close(): Promise<void>;
}
