/**
 * Where precedents live, beside the conversation memory: the answers a user (or tenant) gave to
 * kinds of gaps, each expiring `ttlSeconds` after it was given, and — per conversation, until
 * answered — which gaps Clarion just asked about. Redis: src/storage/redis/precedent.ts; in
 * process: src/storage/file/precedent.ts. Keys are hashes (see precedentKey); values are closed-
 * list answers or redacted short text (see answerFor).
 */
import { z } from 'zod';

/** What Clarion asked about in a conversation, waiting for the user's answer. */
export const PendingGapsSchema = z.object({
  /** precedentKey() of whoever is answering. */
  key: z.string().min(1),
  gaps: z.array(z.object({ kind: z.string().min(1), options: z.array(z.string()).optional() })).min(1),
  /** How long the answers are kept (the norm's `precedent.ttl`). */
  ttlSeconds: z.number().int().positive(),
});
export type PendingGaps = z.infer<typeof PendingGapsSchema>;

export interface PrecedentStore {
  /** In this process: never slow, never unreachable. */
  readonly local: boolean;
  /** The stored answers among `kinds` for `key` (kinds without one are absent). Rejects when the store cannot answer. */
  answers(key: string, kinds: readonly string[]): Promise<Record<string, string>>;
  /** Stores one answer, replacing an earlier one, for `ttlSeconds`. */
  remember(key: string, kind: string, value: string, ttlSeconds: number): Promise<void>;
  /** Notes what Clarion asked about in a conversation (kept `ttlSeconds`). */
  expect(conversationId: string, pending: PendingGaps, ttlSeconds: number): Promise<void>;
  /** Takes (reads and removes) what Clarion asked about in a conversation; null when nothing is pending. */
  takePending(conversationId: string): Promise<PendingGaps | null>;
  close(): Promise<void>;
}
