/**
 * The review queue's data as every backend stores it, and the interface they implement (Redis:
 * src/storage/redis/reviews.ts; the embedded file store: src/storage/file/reviews.ts). What is read
 * back is validated with these schemas; a record that does not fit is skipped, never cast.
 */
import { z } from 'zod';
import { VerdictSchema } from '../events/schema.js';

export const ReviewResolutionSchema = z.object({
  by: z.string().optional(),
  note: z.string().optional(),
  /** The reviewer's verdict on the decision to defer (also stored as a `reviewer` label on the event). */
  verdict: VerdictSchema.optional(),
  /** ISO time of the resolution. */
  time: z.string(),
});
export type ReviewResolution = z.infer<typeof ReviewResolutionSchema>;

/** An item as stored: what the defer action queued (its status comes from the resolutions). */
export const StoredReviewSchema = z.object({
  id: z.string(),
  /** The ambiguity event this review belongs to, when one was recorded. */
  eventId: z.string().nullable(),
  /** ISO time the request arrived. */
  time: z.string(),
  conversationId: z.string(),
  tenant: z.string().nullable(),
  model: z.string(),
  protocol: z.string(),
  /** The decision's reason. */
  reason: z.string(),
  norm: z.string().nullable(),
  /** The request's text as the reviewer sees it, redacted. */
  text: z.string(),
});
export type StoredReview = z.infer<typeof StoredReviewSchema>;

export type ReviewItem = StoredReview & { status: 'open' | 'resolved'; resolution?: ReviewResolution };
export type ReviewStatusFilter = 'open' | 'resolved' | 'all';

export interface ReviewStore {
  /** Stores a new item. Rejects when the store cannot be written. */
  add(item: StoredReview): Promise<void>;
  /** Items with the wanted status, newest first, at most `limit`. */
  list(status: ReviewStatusFilter, limit: number): Promise<ReviewItem[]>;
  /** The item resolved, or null when no item has this id. Resolving again replaces the resolution. */
  resolve(id: string, resolution: ReviewResolution): Promise<StoredReview | null>;
  /** Waits for writes in progress. Does not close a Redis client it was given. */
  close(): Promise<void>;
}

export function withStatus(item: StoredReview, resolution: ReviewResolution | undefined): ReviewItem {
  return resolution === undefined ? { ...item, status: 'open' } : { ...item, status: 'resolved', resolution };
}

export function hasStatus(status: ReviewStatusFilter, item: ReviewItem): boolean {
  return status === 'all' || item.status === status;
}

/** A value read back from storage as JSON text, validated; null when it is not JSON or does not fit. */
export function parseStored<T>(schema: z.ZodType<T>, text: string | null | undefined): T | null {
  if (text === null || text === undefined) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
