/**
 * The review queue in Redis, one queue for every proxy instance and the CLI: items in the stream
 * `<prefix>reviews` (trimmed to about 100k entries), resolutions in the hash
 * `<prefix>reviews:resolutions`.
 */
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
    await this.redis.xadd(this.stream, 'MAXLEN', '~', String(STREAM_MAXLEN), '*', 'item', JSON.stringify(item));
  }

  async list(status: ReviewStatusFilter, limit: number): Promise<ReviewItem[]> {
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

  async resolve(id: string, resolution: ReviewResolution): Promise<boolean> {
    const match = ID_TIME.exec(id);
    if (match === null) return false;
    // The id carries the enqueue time: look near it first (allowing for clock skew between
    // instances and Redis), then everywhere else.
    const near = Math.max(0, Number(match[1]) - 10 * 60_000);
    const found = (await this.existsBetween(id, `${near}-0`, '+')) || (near > 0 && (await this.existsBetween(id, '-', `(${near}-0`)));
    if (!found) return false;
    await this.redis.hset(this.resolutions, id, JSON.stringify(resolution));
    return true;
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
  private async existsBetween(id: string, start: string, end: string): Promise<boolean> {
    let from = start;
    for (;;) {
      const page = await this.redis.xrange(this.stream, from, end, 'COUNT', PAGE);
      for (const [, fields] of page) if (itemOf(fields)?.id === id) return true;
      if (page.length < PAGE) return false;
      const last = page[page.length - 1];
      if (last === undefined) return false;
      from = `(${last[0]}`;
    }
  }
}
