/**
 * The console's event list pages by stored position, not by skipping what earlier pages showed:
 * on many seeded events (file store and Redis), every page of a full walk reads a bounded number
 * of stored entries — counted at the source (bytes read from the day segments; XREVRANGE entries
 * and commands sent to Redis), not timed — the walk returns every event once, newest first, and a
 * rare filter gets short pages that never read more than the scan bound.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { EventsConfigSchema } from '../../../src/events/config.js';
import { createIdGenerator } from '../../../src/events/id.js';
import type { ClarionEvent } from '../../../src/events/schema.js';
import type { EventBackend, EventFilter, EventPage } from '../../../src/events/store.js';
import { eventPage, PAGE_SCAN } from '../../../src/http/console/paging.js';
import { readLines, readLinesBackward } from '../../../src/storage/lines.js';
import { FileEventStore } from '../../../src/storage/file/events.js';
import { RedisEventStore } from '../../../src/storage/redis/events.js';
import { deleteKeys, uniquePrefix } from '../../events/fixtures.js';
import { seedEvents } from './seed.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const COUNT = 40_000;
const LIMIT = 200;
/** One event in RARE_EVERY belongs to the tenant `rare`. */
const RARE_EVERY = 4_000;

test('readLinesBackward returns readLines reversed, from any line start, skipping a torn last line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'clarion-lines-'));
  try {
    const path = join(dir, 'segment.jsonl');
    const lines = ['a', 'bb', '', 'x'.repeat(70_000), 'ccc', 'é'.repeat(40_000), 'dd'];
    writeFileSync(path, `${lines.join('\n')}\n{"torn`);
    const forward: Array<{ text: string; start: number }> = [];
    let start = 0;
    for await (const line of readLines(path)) {
      forward.push({ text: line.text, start: line.end - Buffer.byteLength(line.text) - 1 });
      start = line.end;
    }
    assert.ok(start > 0);
    const backward: Array<{ text: string; start: number }> = [];
    for await (const line of readLinesBackward(path)) backward.push(line);
    assert.deepEqual(backward, [...forward].reverse());
    // From the start of `ccc`: the lines before it.
    const ccc = forward.find((l) => l.text === 'ccc');
    assert.ok(ccc);
    const before: string[] = [];
    for await (const line of readLinesBackward(path, ccc.start)) before.push(line.text);
    assert.deepEqual(before, ['x'.repeat(70_000), 'bb', 'a']);
    const none: string[] = [];
    for await (const line of readLinesBackward(join(dir, 'missing.jsonl'))) none.push(line.text);
    assert.deepEqual(none, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** COUNT small events over three days, newest last, built from real seeded ones. */
async function manyEvents(): Promise<{ events: ClarionEvent[]; lines: string[] }> {
  const templates: ClarionEvent[] = [];
  await seedEvents(
    {
      append: async (events) => {
        templates.push(...events);
        return { written: events.length, duplicates: 0, failed: [] };
      },
      label: async () => true,
    },
    { count: 60 },
  );
  const now = Date.now();
  const span = 3 * 86_400_000;
  let clock = now - span;
  const nextId = createIdGenerator(() => clock);
  const events: ClarionEvent[] = [];
  for (let i = 0; i < COUNT; i++) {
    clock = Math.round(now - span + (i * span) / COUNT);
    const template = templates[i % templates.length] as ClarionEvent;
    events.push({ ...template, id: nextId(), time: new Date(clock).toISOString(), tenant: i % RARE_EVERY === 7 ? 'rare' : template.tenant });
  }
  return { events, lines: events.map((e) => JSON.stringify(e)) };
}

async function append(store: EventBackend, events: ClarionEvent[], lines: string[]): Promise<void> {
  for (let i = 0; i < events.length; i += 4_000) {
    const outcome = await store.append(events.slice(i, i + 4_000), lines.slice(i, i + 4_000));
    assert.equal(outcome.failed.length, 0, String(outcome.error));
  }
}

interface Walk {
  ids: string[];
  pages: EventPage[];
  /** What the source counted during each page. */
  reads: number[][];
}

/** Follows the cursor to the end, recording `measure()` (a snapshot of counters) around each page. */
async function walk(store: EventBackend, filter: EventFilter, measure: () => number[]): Promise<Walk> {
  const result: Walk = { ids: [], pages: [], reads: [] };
  let cursor: string | undefined;
  for (let n = 0; n < 10_000; n++) {
    const before = measure();
    const page = await eventPage(store, filter, LIMIT, cursor);
    const after = measure();
    result.reads.push(after.map((v, i) => v - (before[i] ?? 0)));
    result.pages.push(page);
    result.ids.push(...page.events.map((e) => e.id));
    if (page.next === null) break;
    cursor = page.next;
  }
  return result;
}

function newestFirst(events: ClarionEvent[], keep: (e: ClarionEvent) => boolean = () => true): string[] {
  return events
    .filter(keep)
    .map((e) => e.id)
    .reverse();
}

describe('console paging on the file store', () => {
  let dir: string;
  let store: FileEventStore;
  let seeded: Awaited<ReturnType<typeof manyEvents>>;
  const counters = { bytes: 0, reads: 0 };
  let restore: () => void = () => undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'clarion-paging-'));
    store = new FileEventStore(dir, EventsConfigSchema.parse({}));
    seeded = await manyEvents();
    await append(store, seeded.events, seeded.lines);
    // Count what is read from disk through file handles (the segments' backward reads).
    const handle = await open(join(dir, 'labels-probe'), 'w');
    const proto = Object.getPrototypeOf(handle) as { read: (...args: unknown[]) => Promise<{ bytesRead: number }> };
    await handle.close();
    const original = proto.read;
    proto.read = async function (this: unknown, ...args: unknown[]) {
      const result = await original.apply(this, args);
      counters.reads++;
      counters.bytes += result.bytesRead;
      return result;
    };
    restore = () => {
      proto.read = original;
    };
  });

  after(() => {
    restore();
    rmSync(dir, { recursive: true, force: true });
  });

  test('every page of a walk through all the events reads about one page of bytes, and the walk returns each event once, newest first', async () => {
    const result = await walk(store, {}, () => [counters.bytes, counters.reads]);
    assert.deepEqual(result.ids, newestFirst(seeded.events));
    const longest = Math.max(...seeded.lines.map((l) => Buffer.byteLength(l) + 1));
    // A page parses LIMIT + 1 lines and reads them in 64 KiB chunks: at most that much plus a chunk each side.
    const bound = (LIMIT + 1) * longest + 2 * 64 * 1024;
    const bytes = result.reads.map((r) => r[0] ?? 0);
    assert.ok(result.pages.length >= COUNT / LIMIT, `${result.pages.length} pages`);
    assert.ok(Math.max(...bytes) <= bound, `most bytes read by a page: ${Math.max(...bytes)} > ${bound}`);
    // The last full page reads no more than the first: depth costs nothing.
    const deep = bytes[bytes.length - 2] ?? 0;
    assert.ok(deep <= (bytes[0] ?? 0) * 1.5 + 64 * 1024, `deep page ${deep} B, first ${bytes[0]} B`);
    assert.ok(
      result.pages.every((p) => p.scanned <= LIMIT + 1),
      'each page parses at most LIMIT + 1 events',
    );
    const total = bytes.reduce((a, b) => a + b, 0);
    const stored = seeded.lines.reduce((a, l) => a + Buffer.byteLength(l) + 1, 0);
    assert.ok(total <= stored * 1.2, `the walk read ${total} B of ${stored} B stored: each byte about once`);
  });

  test('a rare filter gets short pages bounded by the scan limit and still finds every match', async () => {
    const result = await walk(store, { tenants: ['rare'] }, () => [counters.bytes]);
    assert.deepEqual(
      result.ids,
      newestFirst(seeded.events, (e) => e.tenant === 'rare'),
    );
    assert.ok(
      result.pages.every((p) => p.scanned <= PAGE_SCAN),
      'no page parses more than PAGE_SCAN events',
    );
    assert.ok(result.pages.some((p) => p.partial && p.next !== null));
    assert.ok(result.pages.length >= COUNT / PAGE_SCAN, `${result.pages.length} pages`);
  });
});

async function redisReachable(): Promise<boolean> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

describe('console paging on Redis', () => {
  let client: Redis;
  let store: RedisEventStore;
  let seeded: Awaited<ReturnType<typeof manyEvents>>;
  const prefix = uniquePrefix('console-paging');
  const counters = { commands: 0, entries: 0 };
  let skip: string | false = false;

  before(async () => {
    if (!(await redisReachable())) {
      skip = `no Redis at ${REDIS_URL}`;
      return;
    }
    client = new Redis(REDIS_URL);
    store = new RedisEventStore(client, prefix, EventsConfigSchema.parse({ retention: { strategy: 'maxlen', maxLen: COUNT * 2 } }), false, 10_000);
    seeded = await manyEvents();
    await append(store, seeded.events, seeded.lines);
    // Count every command sent, and the stream entries XRANGE/XREVRANGE bring back.
    const send = client.sendCommand.bind(client);
    client.sendCommand = ((command: Parameters<typeof send>[0], stream?: Parameters<typeof send>[1]) => {
      counters.commands++;
      const name = command.name.toLowerCase();
      if (name === 'xrevrange' || name === 'xrange') {
        void command.promise.then(
          (reply: unknown) => {
            if (Array.isArray(reply)) counters.entries += reply.length;
          },
          () => undefined,
        );
      }
      return send(command, stream);
    }) as typeof client.sendCommand;
  });

  after(async () => {
    if (skip !== false) return;
    await deleteKeys(client, prefix);
    client.disconnect();
  });

  test('every page of a walk through all the events reads about one page of stream entries in a few commands', async (t) => {
    if (skip !== false) return t.skip(skip);
    const result = await walk(store, {}, () => [counters.entries, counters.commands]);
    assert.deepEqual(result.ids, newestFirst(seeded.events));
    const entries = result.reads.map((r) => r[0] ?? 0);
    const commands = result.reads.map((r) => r[1] ?? 0);
    assert.ok(result.pages.length >= COUNT / LIMIT, `${result.pages.length} pages`);
    assert.ok(Math.max(...entries) <= 2 * (LIMIT + 1), `most entries read by a page: ${Math.max(...entries)}`);
    // XREVRANGE and HMGET for the labels, once or twice: never more for a deeper page.
    assert.ok(Math.max(...commands) <= 4, `most commands sent by a page: ${Math.max(...commands)}`);
    assert.equal(entries[entries.length - 2], entries[0], 'a deep page reads what the first does');
    const total = entries.reduce((a, b) => a + b, 0);
    assert.ok(total <= COUNT * 1.05, `the walk read ${total} entries of ${COUNT}: each about once`);
  });

  test('a rare filter gets short pages bounded by the scan limit and still finds every match', async (t) => {
    if (skip !== false) return t.skip(skip);
    const result = await walk(store, { tenants: ['rare'] }, () => [counters.entries]);
    assert.deepEqual(
      result.ids,
      newestFirst(seeded.events, (e) => e.tenant === 'rare'),
    );
    const entries = result.reads.map((r) => r[0] ?? 0);
    // The scan bound, plus what the last read of a page fetched ahead (one read of at most 500).
    assert.ok(Math.max(...entries) <= PAGE_SCAN + 500, `most entries read by a page: ${Math.max(...entries)}`);
    assert.ok(result.pages.some((p) => p.partial && p.next !== null));
  });

  test('a cursor from another store or a forged one is refused', async (t) => {
    if (skip !== false) return t.skip(skip);
    for (const cursor of ['f:2026-01-01:10', 'r:', 'r:+,+', 'r:(abc', 'not-a-cursor']) {
      await assert.rejects(eventPage(store, {}, 10, cursor), /cursor/, cursor);
    }
  });
});
