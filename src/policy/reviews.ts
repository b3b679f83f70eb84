/**
 * The review queue filled by the `defer` action: requests a human should look at.
 *
 * With Redis: items go to the stream `<prefix>reviews` (trimmed to about 100k entries) and
 * resolutions to the hash `<prefix>reviews:resolutions`, so every proxy instance and the CLI see
 * one queue. Without Redis: one append-only JSON-lines file, `<dataDir>/reviews/reviews.jsonl`,
 * holding item lines and resolution lines; the state is the fold of the file.
 *
 * enqueue() is called on the request path: it assigns the id synchronously, redacts the text with
 * the injected function, and writes in the background; it never throws.
 */
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';

export interface ReviewResolution {
  by?: string;
  note?: string;
  /** ISO time of the resolution. */
  time: string;
}

export interface ReviewItem {
  id: string;
  /** The ambiguity event this review belongs to, when one was recorded. */
  eventId: string | null;
  /** ISO time the request arrived. */
  time: string;
  conversationId: string;
  tenant: string | null;
  model: string;
  protocol: string;
  /** The decision's reason. */
  reason: string;
  norm: string | null;
  /** The request's text as the reviewer sees it, redacted. */
  text: string;
  status: 'open' | 'resolved';
  resolution?: ReviewResolution;
}

export type NewReviewItem = Omit<ReviewItem, 'id' | 'status' | 'resolution'>;
export type ReviewStatusFilter = 'open' | 'resolved' | 'all';

export interface ReviewQueue {
  /** Returns the new item's id at once; the write happens in the background and never throws. */
  enqueue(item: NewReviewItem): string;
  /** Newest first; status defaults to `open`, limit to 100. */
  list(options?: { status?: ReviewStatusFilter; limit?: number }): Promise<ReviewItem[]>;
  /** False when no item has this id. Resolving again replaces the resolution. */
  resolve(id: string, resolution: { by?: string; note?: string }): Promise<boolean>;
  /** Waits for pending writes. Does not close the Redis client it was given. */
  close(): Promise<void>;
}

export interface ReviewQueueOptions {
  redis: Redis | null;
  prefix: string;
  dataDir: string;
  redact: (text: string) => string;
  /** Reports background write failures. */
  onError?: (error: unknown) => void;
}

/** Longest text kept per item, after redaction. */
export const MAX_REVIEW_TEXT = 8_000;
const STREAM_MAXLEN = 100_000;
const ID_PATTERN = /^rv-(\d{13})-[0-9a-f]{8}$/;

/** `rv-<epoch ms>-<8 hex>`: sortable, unique across instances, and tells where to look in the stream. */
export function newReviewId(now: number = Date.now()): string {
  return `rv-${String(now).padStart(13, '0')}-${randomBytes(4).toString('hex')}`;
}

function prepare(item: NewReviewItem, redact: (text: string) => string): Omit<ReviewItem, 'status'> {
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
    conversationId: item.conversationId,
    tenant: item.tenant,
    model: item.model,
    protocol: item.protocol,
    reason: item.reason,
    norm: item.norm,
    text,
  };
}

function withStatus(item: Omit<ReviewItem, 'status'>, resolution: ReviewResolution | undefined): ReviewItem {
  const out: ReviewItem = { ...item, status: resolution === undefined ? 'open' : 'resolved' };
  if (resolution !== undefined) out.resolution = resolution;
  else delete out.resolution;
  return out;
}

function wanted(status: ReviewStatusFilter, item: ReviewItem): boolean {
  return status === 'all' || item.status === status;
}

function makeResolution(input: { by?: string; note?: string }): ReviewResolution {
  const out: ReviewResolution = { time: new Date().toISOString() };
  if (input.by !== undefined) out.by = input.by;
  if (input.note !== undefined) out.note = input.note;
  return out;
}

export function createReviewQueue(options: ReviewQueueOptions): ReviewQueue {
  return options.redis !== null ? redisQueue(options.redis, options) : fileQueue(options);
}

// ---- Redis ------------------------------------------------------------------------------------

function parseFields(fields: string[]): Omit<ReviewItem, 'status'> | null {
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] !== 'item') continue;
    try {
      return JSON.parse(fields[i + 1] as string) as Omit<ReviewItem, 'status'>;
    } catch {
      return null;
    }
  }
  return null;
}

function redisQueue(redis: Redis, options: ReviewQueueOptions): ReviewQueue {
  const stream = `${options.prefix}reviews`;
  const resolutions = `${options.prefix}reviews:resolutions`;
  const onError = options.onError ?? (() => {});
  const pending = new Set<Promise<unknown>>();
  const PAGE = 200;

  async function resolutionsFor(ids: string[]): Promise<Map<string, ReviewResolution>> {
    const out = new Map<string, ReviewResolution>();
    if (ids.length === 0) return out;
    const values = await redis.hmget(resolutions, ...ids);
    values.forEach((value, i) => {
      const id = ids[i];
      if (value === null || id === undefined) return;
      try {
        out.set(id, JSON.parse(value) as ReviewResolution);
      } catch {
        // An unreadable resolution counts as unresolved.
      }
    });
    return out;
  }

  /** Scans [start, end] of the stream in pages for the item with this id. */
  async function existsBetween(id: string, start: string, end: string): Promise<boolean> {
    let from = start;
    for (;;) {
      const page = await redis.xrange(stream, from, end, 'COUNT', PAGE);
      for (const [, fields] of page) if (parseFields(fields)?.id === id) return true;
      if (page.length < PAGE) return false;
      const last = page[page.length - 1];
      if (last === undefined) return false;
      from = `(${last[0]}`;
    }
  }

  return {
    enqueue(item) {
      const prepared = prepare(item, options.redact);
      const write = redis.xadd(stream, 'MAXLEN', '~', String(STREAM_MAXLEN), '*', 'item', JSON.stringify(prepared)).then(
        () => undefined,
        (error: unknown) => onError(error),
      );
      pending.add(write);
      void write.finally(() => pending.delete(write));
      return prepared.id;
    },
    async list(listOptions = {}) {
      const status = listOptions.status ?? 'open';
      const limit = listOptions.limit ?? 100;
      const out: ReviewItem[] = [];
      let end = '+';
      while (out.length < limit) {
        const page = await redis.xrevrange(stream, end, '-', 'COUNT', PAGE);
        const items = page.map(([, fields]) => parseFields(fields)).filter((x): x is Omit<ReviewItem, 'status'> => x !== null);
        const resolved = await resolutionsFor(items.map((item) => item.id));
        for (const item of items) {
          const full = withStatus(item, resolved.get(item.id));
          if (wanted(status, full)) out.push(full);
          if (out.length >= limit) break;
        }
        const last = page[page.length - 1];
        if (page.length < PAGE || last === undefined) break;
        end = `(${last[0]}`;
      }
      return out;
    },
    async resolve(id, resolution) {
      const match = ID_PATTERN.exec(id);
      if (match === null) return false;
      // The id carries the enqueue time: look near it first (allowing for clock skew between
      // instances and Redis), then everywhere else.
      const near = Math.max(0, Number(match[1]) - 10 * 60_000);
      const found = (await existsBetween(id, `${near}-0`, '+')) || (near > 0 && (await existsBetween(id, '-', `(${near}-0`)));
      if (!found) return false;
      await redis.hset(resolutions, id, JSON.stringify(makeResolution(resolution)));
      return true;
    },
    async close() {
      await Promise.allSettled([...pending]);
    },
  };
}

// ---- file -------------------------------------------------------------------------------------

type FileLine = { kind: 'item'; item: Omit<ReviewItem, 'status'> } | { kind: 'resolution'; id: string; resolution: ReviewResolution };

function fileQueue(options: ReviewQueueOptions): ReviewQueue {
  const dir = join(options.dataDir, 'reviews');
  const file = join(dir, 'reviews.jsonl');
  const onError = options.onError ?? (() => {});
  // Appends are chained so lines land in call order and readers can wait for them.
  let chain: Promise<void> = Promise.resolve();
  let dirReady = false;

  function append(line: FileLine): Promise<void> {
    const next = chain.then(async () => {
      if (!dirReady) {
        await mkdir(dir, { recursive: true });
        dirReady = true;
      }
      await appendFile(file, `${JSON.stringify(line)}\n`, 'utf8');
    });
    chain = next.catch((error: unknown) => onError(error));
    return next;
  }

  async function fold(): Promise<ReviewItem[]> {
    await chain;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const items = new Map<string, Omit<ReviewItem, 'status'>>();
    const resolved = new Map<string, ReviewResolution>();
    for (const raw of text.split('\n')) {
      if (raw === '') continue;
      let line: FileLine;
      try {
        line = JSON.parse(raw) as FileLine;
      } catch {
        continue; // a torn last line from a crash is skipped, not fatal
      }
      if (line.kind === 'item') items.set(line.item.id, line.item);
      else if (line.kind === 'resolution') resolved.set(line.id, line.resolution);
    }
    const out: ReviewItem[] = [];
    for (const item of items.values()) out.push(withStatus(item, resolved.get(item.id)));
    return out.reverse();
  }

  return {
    enqueue(item) {
      const prepared = prepare(item, options.redact);
      void append({ kind: 'item', item: prepared }).catch(() => {});
      return prepared.id;
    },
    async list(listOptions = {}) {
      const status = listOptions.status ?? 'open';
      const limit = listOptions.limit ?? 100;
      return (await fold()).filter((item) => wanted(status, item)).slice(0, limit);
    },
    async resolve(id, resolution) {
      const items = await fold();
      if (!items.some((item) => item.id === id)) return false;
      await append({ kind: 'resolution', id, resolution: makeResolution(resolution) });
      return true;
    },
    async close() {
      await chain;
    },
  };
}
