/**
 * The review queue in Redis, one queue for every proxy instance and the CLI: items in the stream
 * `<prefix>reviews` (trimmed to about 100k entries), resolutions in the hash
 * `<prefix>reviews:resolutions`.
 */
import { ClarionError } from '../../errors.js';
import type { RedisClient } from '../redis.js';
import {
  hasStatus,
  parseStored,
  ReviewResolutionSchema,
  StoredReviewSchema,
  withStatus,
  type ReviewItem,
  type ReviewResolution,
  type ReviewStatusFilter,
  type ReviewStore,
  type StoredReview,
} from '../../policy/review-store.js';

const STREAM_MAXLEN = 100_000;
const PAGE = 200;
const ID_TIME = /^rv-(\d{13})-[0-9a-f]{8}$/;

function itemOf(fields: string[]): StoredReview | null {
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 'item') return parseStored(StoredReviewSchema, fields[i + 1]);
  }
  return null;
}

/**
 * `work`, with a Redis failure (down, paused: the command timed out, failing over) as
 * CLARION_STORE_UNAVAILABLE, so the admin API answers 503 in the catalogue's shape, not 500.
 */
async function unavailableOnFailure<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw new ClarionError('CLARION_STORE_UNAVAILABLE', `review queue: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

export class RedisReviewStore implements ReviewStore {
  private readonly stream: string;
  private readonly resolutions: string;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.stream = `${prefix}reviews`;
    this.resolutions = `${prefix}reviews:resolutions`;
  }

  async add(item: StoredReview): Promise<void> {
    await unavailableOnFailure(this.redis.xadd(this.stream, 'MAXLEN', '~', String(STREAM_MAXLEN), '*', 'item', JSON.stringify(item)));
  }

  list(status: ReviewStatusFilter, limit: number): Promise<ReviewItem[]> {
    return unavailableOnFailure(this.listFrom(status, limit));
  }

  resolve(id: string, resolution: ReviewResolution): Promise<StoredReview | null> {
    return unavailableOnFailure(this.resolveIn(id, resolution));
  }

  private async listFrom(status: ReviewStatusFilter, limit: number): Promise<ReviewItem[]> {
    const out: ReviewItem[] = [];
    let end = '+';
    while (out.length < limit) {
      const page = await this.redis.xrevrange(this.stream, end, '-', 'COUNT', PAGE);
      const items = page.map(([, fields]) => itemOf(fields)).filter((x): x is StoredReview => x !== null);
      const resolved = await this.resolutionsFor(items.map((item) => item.id));
      for (const item of items) {
        const full = withStatus(item, resolved.get(item.id));
        if (hasStatus(status, full)) out.push(full);
        if (out.length >= limit) break;
      }
      const last = page[page.length - 1];
      if (page.length < PAGE || last === undefined) break;
      end = `(${last[0]}`;
    }
    return out;
  }

  private async resolveIn(id: string, resolution: ReviewResolution): Promise<StoredReview | null> {
    const match = ID_TIME.exec(id);
    if (match === null) return null;
    // The id carries the enqueue time: look near it first (allowing for clock skew between
    // instances and Redis), then everywhere else.
    const near = Math.max(0, Number(match[1]) - 10 * 60_000);
    const found = (await this.findBetween(id, `${near}-0`, '+')) ?? (near > 0 ? await this.findBetween(id, '-', `(${near}-0`) : null);
    if (found === null) return null;
    await this.redis.hset(this.resolutions, id, JSON.stringify(resolution));
    return found;
  }

  async close(): Promise<void> {}

  private async resolutionsFor(ids: string[]): Promise<Map<string, ReviewResolution>> {
    const out = new Map<string, ReviewResolution>();
    if (ids.length === 0) return out;
    const values = await this.redis.hmget(this.resolutions, ...ids);
    values.forEach((value, i) => {
      const id = ids[i];
      // An unreadable resolution counts as unresolved.
      const resolution = parseStored(ReviewResolutionSchema, value);
      if (id !== undefined && resolution !== null) out.set(id, resolution);
    });
    return out;
  }

  /** Scans [start, end] of the stream in pages for the item with this id. */
  private async findBetween(id: string, start: string, end: string): Promise<StoredReview | null> {
    let from = start;
    for (;;) {
      const page = await this.redis.xrange(this.stream, from, end, 'COUNT', PAGE);
      for (const [, fields] of page) {
        const item = itemOf(fields);
        if (item?.id === id) return item;
      }
      if (page.length < PAGE) return null;
      const last = page[page.length - 1];
      if (last === undefined) return null;
      from = `(${last[0]}`;
    }
  }
}
