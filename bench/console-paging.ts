/**
 * The console's event list at a million events in Redis: seeds EVENTS (default 1,000,000) small
 * events into a dedicated redis-server (pipelined XADDs in the store's entry format; stopped, and
 * its memory freed, at the end), then times the first page, a walk of 20 pages, and a page from a
 * cursor half-way down. Bounded: seeding stops after SEED_SECONDS (default 180) and reports how
 * many it stored. Prints one JSON line.
 *
 *   npx tsx bench/console-paging.ts
 */
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { EventsConfigSchema } from '../src/events/config.js';
import { createIdGenerator } from '../src/events/id.js';
import type { ClarionEvent } from '../src/events/schema.js';
import { eventPage } from '../src/http/console/paging.js';
import { RedisEventStore } from '../src/storage/redis/events.js';
import { startRedisServer } from '../test/helpers/redis-server.js';
import { seedEvents } from '../test/http/console/seed.js';

const EVENTS = Number(process.env.EVENTS ?? 1_000_000);
const SEED_SECONDS = Number(process.env.SEED_SECONDS ?? 180);
const BATCH = 10_000;
const LIMIT = 50;
const PREFIX = 'clarion-bench-paging:';

async function templates(): Promise<ClarionEvent[]> {
  const found: ClarionEvent[] = [];
  await seedEvents(
    {
      append: async (events) => {
        found.push(...events);
        return { written: events.length, duplicates: 0, failed: [] };
      },
      label: async () => true,
    },
    { count: 60 },
  );
  return found;
}

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = await run();
  const used = process.cpuUsage(cpu);
  return { value, ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
}

async function main(): Promise<void> {
  const server = await startRedisServer();
  const client = new Redis(server.url);
  try {
    const config = EventsConfigSchema.parse({ retention: { strategy: 'maxlen', maxLen: EVENTS * 2 } });
    const store = new RedisEventStore(client, PREFIX, config, false, 30_000);
    const stream = store.keys.stream;
    // Each template serialized once, split where the id and time go.
    // Minimal events: no feature vector (the bulk of a stored event), the rest as recorded.
    const base = (await templates()).map((t) => JSON.stringify({ ...t, id: '@ID@', time: '@TIME@', features: null }).split(/@ID@|@TIME@/));
    const now = Date.now();
    const span = 30 * 86_400_000;
    let clock = now - span;
    const nextId = createIdGenerator(() => clock);
    const deadline = performance.now() + SEED_SECONDS * 1000;
    let seeded = 0;
    // The first entry id of each batch: a deep page's cursor points at the middle one.
    const batchStarts: string[] = [];
    const seedStart = performance.now();
    while (seeded < EVENTS && performance.now() < deadline) {
      const pipeline = client.pipeline();
      const n = Math.min(BATCH, EVENTS - seeded);
      for (let i = 0; i < n; i++) {
        const k = seeded + i;
        clock = Math.round(now - span + (k * span) / EVENTS);
        const [a, b, c] = base[k % base.length] as string[];
        const id = nextId();
        pipeline.xadd(stream, '*', 'id', id, 'event', `${a}${id}${b}${new Date(clock).toISOString()}${c}`);
      }
      const results = (await pipeline.exec()) ?? [];
      const firstEntry = results[0]?.[1];
      batchStarts.push(typeof firstEntry === 'string' ? firstEntry : '');
      seeded += n;
    }
    const seedSeconds = (performance.now() - seedStart) / 1000;

    const first = await timed(() => eventPage(store, {}, LIMIT));
    let cursor = first.value.next ?? undefined;
    const walk = await timed(async () => {
      for (let i = 0; i < 20 && cursor !== undefined; i++) cursor = (await eventPage(store, {}, LIMIT, cursor)).next ?? undefined;
      return cursor;
    });
    // The store's cursor format (`r:(<entry id>` for one shard): a page starting half-way down.
    const middle = batchStarts[Math.floor(batchStarts.length / 2)] ?? '';
    const deep = await timed(() => eventPage(store, {}, LIMIT, `r:(${middle}`));
    const filtered = await timed(() => eventPage(store, { actions: ['defer'] }, LIMIT));
    process.stdout.write(
      `${JSON.stringify({
        bench: 'console-paging',
        events: seeded,
        seedSeconds: Math.round(seedSeconds),
        streamLength: await client.xlen(stream),
        limit: LIMIT,
        firstPage: { ms: Math.round(first.ms), cpuMs: Math.round(first.cpuMs), events: first.value.events.length, scanned: first.value.scanned },
        next20PagesAvg: { ms: Math.round(walk.ms / 20), cpuMs: Math.round(walk.cpuMs / 20) },
        pageHalfWayDown: { ms: Math.round(deep.ms), cpuMs: Math.round(deep.cpuMs), events: deep.value.events.length, scanned: deep.value.scanned },
        rareFilterPage: {
          ms: Math.round(filtered.ms),
          cpuMs: Math.round(filtered.cpuMs),
          events: filtered.value.events.length,
          scanned: filtered.value.scanned,
          partial: filtered.value.partial,
        },
      })}\n`,
    );
  } finally {
    client.disconnect();
    await server.stop();
  }
}

await main();
