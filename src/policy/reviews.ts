/**
 * The review queue filled by the `defer` action: requests a human should look at. The queue's
 * rules live here — ids, redaction, length cap, writes that never hold up a request — over a
 * ReviewStore (./review-store.ts): Redis, so every proxy instance and the CLI see one queue, or
 * the embedded file store, chosen in src/storage/index.ts.
 *
 * enqueue() is called on the request path: it assigns the id synchronously, redacts the text with
 * the injected function, and writes in the background; it never throws.
 */
import { randomBytes } from 'node:crypto';
import type { RedisClient } from '../storage/redis.js';
import { addLabel, type LabelTarget } from '../events/labels.js';
import { protectIdentifier } from '../events/redact.js';
import type { Verdict } from '../events/schema.js';
import { reviewStoreFor } from '../storage/index.js';
import type { ReviewItem, ReviewResolution, ReviewStatusFilter, ReviewStore, StoredReview } from './review-store.js';

export type { ReviewItem, ReviewResolution, ReviewStatusFilter };
export type NewReviewItem = Omit<ReviewItem, 'id' | 'status' | 'resolution'>;

export interface ReviewQueue {
  /** Returns the new item's id at once; the write happens in the background and never throws. */
  enqueue(item: NewReviewItem): string;
  /** Newest first; status defaults to `open`, limit to 100. */
  list(options?: { status?: ReviewStatusFilter; limit?: number }): Promise<ReviewItem[]>;
  /**
   * False when no item has this id. Resolving again replaces the resolution. When the queue has
   * a label target, the item's event gets a `reviewer` label (verdict default `needed`: the review
   * was warranted; a failed label is reported through onError, the resolution stands).
   */
  resolve(id: string, resolution: ResolutionInput): Promise<boolean>;
  /** Waits for pending writes. Does not close the Redis client it was given. */
  close(): Promise<void>;
}

export interface ResolutionInput {
  by?: string;
  note?: string;
  verdict?: Verdict;
}

export interface ReviewRules {
  redact: (text: string) => string;
  /** Where resolving labels the item's event (the event store or the proxy's event log). */
  labels?: LabelTarget;
  /** Reports background write failures. */
  onError?: (error: unknown) => void;
}

export interface ReviewQueueOptions extends ReviewRules {
  redis: RedisClient | null;
  prefix: string;
  dataDir: string;
}

/** Longest text kept per item, after redaction. */
export const MAX_REVIEW_TEXT = 8_000;

/** `rv-<epoch ms>-<8 hex>`: sortable, unique across instances, and tells where to look in the stream. */
export function newReviewId(now: number = Date.now()): string {
  return `rv-${String(now).padStart(13, '0')}-${randomBytes(4).toString('hex')}`;
}

/** The queue over the store for this Redis client, or the embedded store in `dataDir` without one. */
export function createReviewQueue(options: ReviewQueueOptions): ReviewQueue {
  return reviewQueue(reviewStoreFor(options.redis, { prefix: options.prefix, dataDir: options.dataDir }), options);
}

export function reviewQueue(store: ReviewStore, rules: ReviewRules): ReviewQueue {
  const onError = rules.onError ?? (() => {});
  const pending = new Set<Promise<void>>();
  return {
    enqueue(item) {
      const prepared = prepare(item, rules.redact);
      const write = store.add(prepared).catch(onError);
      pending.add(write);
      void write.finally(() => pending.delete(write));
      return prepared.id;
    },
    list: (options = {}) => store.list(options.status ?? 'open', options.limit ?? 100),
    async resolve(id, resolution) {
      const item = await store.resolve(id, makeResolution(resolution));
      if (item === null) return false;
      if (rules.labels !== undefined && item.eventId !== null) {
        const request = { verdict: resolution.verdict ?? ('needed' as const), source: 'reviewer' as const, note: resolution.note };
        await addLabel(rules.labels, item.eventId, request).catch(onError);
      }
      return true;
    },
    async close() {
      await Promise.allSettled([...pending]);
      await store.close();
    },
  };
}

function prepare(item: NewReviewItem, redact: (text: string) => string): StoredReview {
  let text: string;
  try {
    text = redact(item.text);
  } catch {
    // A failing redactor must not leak the raw text.
    text = '[redaction failed]';
  }
  if (text.length > MAX_REVIEW_TEXT) text = `${text.slice(0, MAX_REVIEW_TEXT - 1)}…`;
  return {
    id: newReviewId(),
    eventId: item.eventId,
    time: item.time,
    // Client-supplied identifiers: hashed when they carry a credential or an e-mail address.
    conversationId: protectIdentifier(item.conversationId),
    tenant: item.tenant === null ? null : protectIdentifier(item.tenant),
    model: protectIdentifier(item.model),
    protocol: item.protocol,
    reason: item.reason,
    norm: item.norm,
    text,
  };
}

function makeResolution(input: ResolutionInput): ReviewResolution {
  const out: ReviewResolution = { time: new Date().toISOString() };
  if (input.by !== undefined) out.by = input.by;
  if (input.note !== undefined) out.note = input.note;
  if (input.verdict !== undefined) out.verdict = input.verdict;
  return out;
}
