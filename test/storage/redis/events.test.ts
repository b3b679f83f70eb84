import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { buildEvent } from '../../../src/events/build.js';
import { EventsConfigSchema } from '../../../src/events/config.js';
import { createIdGenerator } from '../../../src/events/id.js';
import { RedisEventStore } from '../../../src/storage/redis/events.js';
import { shardOf } from '../../../src/storage/redis/keys.js';
import { deleteKeys, eventInput, streamIds, uniquePrefix } from '../../events/fixtures.js';

const client = new Redis();
const prefixes: string[] = [];
after(async () => {
  for (const prefix of prefixes) {
    await deleteKeys(client, prefix);
    await deleteKeys(client, `{${prefix}`);
  }
  client.disconnect();
});

function events(n: number, time = Date.now()) {
  const next = createIdGenerator();
  const redaction = EventsConfigSchema.parse({}).redaction;
  return Array.from({ length: n }, () => buildEvent(eventInput({ id: next(), time }), 'i', redaction));
}

function store(prefix: string, events: Record<string, unknown> = {}): RedisEventStore {
  prefixes.push(prefix);
  return new RedisEventStore(client, prefix, EventsConfigSchema.parse(events), false);
}

/** Redis Cluster's key slot: CRC16/XMODEM of the hash tag (or the whole key) mod 16384. */
function keySlot(key: string): number {
  const open = key.indexOf('{');
  const close = open >= 0 ? key.indexOf('}', open + 1) : -1;
  const hashed = open >= 0 && close > open + 1 ? key.slice(open + 1, close) : key;
  let crc = 0;
  for (const byte of Buffer.from(hashed)) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16_384;
}

test('writing the same events twice stores them once (idempotent ids)', async () => {
  const s = store(uniquePrefix('dedupe'));
  const batch = events(50);
  assert.deepEqual({ ...(await s.append(batch)), failed: [] }, { written: 50, duplicates: 0, failed: [] });
  const again = await s.append([...batch.slice(10, 20), ...events(5)]);
  assert.equal(again.written, 5);
  assert.equal(again.duplicates, 10);
  assert.equal((await streamIds(client, s.keys.stream)).length, 55);
});

test('with a hash-tagged prefix every key lands in one Redis Cluster slot', async () => {
  const prefix = `{clarion-test-${process.pid}-${Date.now()}}:`;
  const s = store(prefix);
  const batch = events(3);
  await s.append(batch);
  await s.label(batch[0]?.id ?? '', { verdict: 'needed', note: null, time: new Date().toISOString(), source: 'analyst' });
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await client.scan(cursor, 'MATCH', `${prefix}*`.replace(/[{}]/g, '\\$&'), 'COUNT', 1000);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  assert.deepEqual(
    keys
      .map((k) =>
        k
          .slice(prefix.length)
          .replace(/\d{4}-\d{2}-\d{2}/, 'DAY')
          .replace(batch[0]?.id ?? '', 'ID'),
      )
      .sort(),
    ['events', 'index:DAY', 'labels:ID', 'labels:latest', 'rollup:DAY', 'rollup:days'],
  );
  assert.equal(new Set(keys.map(keySlot)).size, 1);
});

test('retention: approximate MAXLEN keeps the stream near maxLen', async () => {
  const s = store(uniquePrefix('maxlen'), { retention: { strategy: 'maxlen', maxLen: 100 } });
  for (let i = 0; i < 10; i++) await s.append(events(100));
  const length = await client.xlen(s.keys.stream);
  assert.ok(length >= 100 && length <= 300, `stream length ${length}`);
});

test('retention: MINID drops entries older than retention.days', async () => {
  const s = store(uniquePrefix('minid'), { retention: { strategy: 'minid', days: 1 } });
  const oldMs = Date.now() - 3 * 86_400_000;
  for (let i = 0; i < 300; i++) await client.xadd(s.keys.stream, `${oldMs}-${i}`, 'id', `old-${i}`, 'event', '{}');
  await s.append(events(10));
  const ids = await streamIds(client, s.keys.stream);
  const old = ids.filter((id) => id.startsWith('old-')).length;
  assert.ok(old < 300, `old entries left: ${old}`);
  assert.equal(ids.length - old, 10);
});

test('get: through the day index, and by scanning when the index has expired', async () => {
  const s = store(uniquePrefix('get'));
  const batch = events(20);
  await s.append(batch);
  const target = batch[13];
  assert.ok(target !== undefined);
  assert.equal((await s.get(target.id))?.id, target.id);
  await client.del(s.keys.index(target.time.slice(0, 10)));
  assert.equal((await s.get(target.id))?.requestId, target.requestId);
  assert.equal(await s.get('01ZZZZZZZZZZZZZZZZZZZZZZZZ'), null);
});

test('sharded: each event goes to the shard of its id, each shard keeps all its keys in its own slot', async () => {
  const prefix = uniquePrefix('shards');
  const s = store(prefix, { shards: 3 });
  const batch = events(90);
  assert.deepEqual({ ...(await s.append(batch)), failed: [] }, { written: 90, duplicates: 0, failed: [] });
  await s.label(batch[0]?.id ?? '', { verdict: 'needed', note: null, time: new Date().toISOString(), source: 'analyst' });
  const perShard = await Promise.all(s.shards.map((keys) => streamIds(client, keys.stream)));
  perShard.forEach((ids, shard) => {
    assert.ok(ids.length > 10, `shard ${shard} holds ${ids.length} of 90`);
    for (const id of ids) assert.equal(shardOf(id, 3), shard);
  });
  assert.deepEqual(perShard.flat().sort(), batch.map((e) => e.id).sort());
  const keys: string[] = [];
  for (let shard = 0; shard < 3; shard++) {
    const tag = `{${prefix}events:${shard}}`;
    const [, found] = await client.scan('0', 'MATCH', `${tag.replace(/[{}]/g, '\\$&')}*`, 'COUNT', 10_000);
    assert.ok(found.length >= 4, `shard ${shard} keys: ${found.join(' ')}`);
    assert.equal(new Set(found.map(keySlot)).size, 1, `shard ${shard} keys share one slot`);
    assert.equal(keySlot(found[0] ?? ''), keySlot(tag));
    keys.push(...found);
  }
  // Nothing of the events lives outside the shards' tags.
  const [, untagged] = await client.scan('0', 'MATCH', `${prefix}*`, 'COUNT', 10_000);
  assert.deepEqual(untagged, []);
});

test('sharded: a replay is skipped per shard; list, show, label and stats read across the shards', async () => {
  const single = store(uniquePrefix('one-shard'));
  const sharded = store(uniquePrefix('four-shards'), { shards: 4 });
  const batch = events(60);
  for (const s of [single, sharded]) {
    await s.append(batch.slice(0, 40));
    const again = await s.append(batch.slice(30));
    assert.deepEqual([again.written, again.duplicates], [20, 10]);
  }
  const ids = async (s: RedisEventStore, order: 'asc' | 'desc', limit?: number): Promise<string[]> => {
    const out: string[] = [];
    for await (const event of s.list({ order, limit })) out.push(event.id);
    return out;
  };
  // One writer: insertion order is id order in both layouts, so the merge must give exactly the single stream's order.
  assert.deepEqual(await ids(sharded, 'asc'), await ids(single, 'asc'));
  assert.deepEqual(
    await ids(sharded, 'asc'),
    batch.map((e) => e.id),
  );
  assert.deepEqual(
    await ids(sharded, 'desc', 7),
    batch
      .slice(-7)
      .map((e) => e.id)
      .reverse(),
  );
  const target = batch[17];
  assert.ok(target !== undefined);
  assert.equal((await sharded.get(target.id))?.id, target.id);
  assert.equal(await sharded.label(target.id, { verdict: 'unneeded', note: null, time: new Date().toISOString(), source: 'analyst' }), true);
  assert.deepEqual(
    (await sharded.get(target.id))?.labels.map((l) => l.verdict),
    ['unneeded'],
  );
  const rollup = await sharded.stats({});
  const scanned = await sharded.stats({}, { forceScan: true });
  assert.equal(rollup.source, 'rollup');
  assert.equal(rollup.total, 60);
  assert.deepEqual({ ...rollup, source: 'scan' }, scanned);
  assert.deepEqual(rollup.byVerdict, { unneeded: 1 });
});

test('sharded: tail follows every shard', async () => {
  const s = store(uniquePrefix('tail-shards'), { shards: 3 });
  const controller = new AbortController();
  const seen = new Set<string>();
  const following = (async () => {
    for await (const event of s.tail({}, { signal: controller.signal })) seen.add(event.id);
  })();
  // The tail starts after the newest entries it found when it started: write fresh batches until
  // one arrives whole (the first may be written before the readers are in place).
  const deadline = Date.now() + 30_000;
  let whole: string[] = [];
  try {
    while (whole.length === 0 && Date.now() < deadline) {
      const written = events(12);
      await s.append(written);
      const until = Date.now() + 2_000;
      while (Date.now() < until && !written.every((e) => seen.has(e.id))) await new Promise((resolve) => setTimeout(resolve, 50));
      if (written.every((e) => seen.has(e.id))) whole = written.map((e) => e.id);
    }
  } finally {
    controller.abort();
    await following;
  }
  assert.equal(whole.length, 12);
  assert.ok(new Set(whole.map((id) => shardOf(id, 3))).size > 1, 'the batch spans several shards');
});

test('writer.waitReplicas on a master without replicas: writes count, and later batches do not wait for a replica it does not have', async () => {
  const watcher = new Redis();
  const monitor = await watcher.monitor();
  const waits: string[][] = [];
  monitor.on('monitor', (_time: string, args: string[]) => {
    if (args[0]?.toLowerCase() === 'wait') waits.push(args.slice(1));
  });
  try {
    const s = store(uniquePrefix('wait'), { writer: { waitReplicas: 1 } });
    const first = await s.append(events(3));
    const second = await s.append(events(2));
    assert.deepEqual([first.written, first.failed.length, second.written, second.failed.length], [3, 0, 2, 0]);
    // The first batch asks for the configured replica (ROLE then says there is none); the next asks for none.
    await until(() => waits.length >= 2);
    assert.deepEqual(waits.slice(0, 2), [
      ['1', '500'],
      ['0', '0'],
    ]);
  } finally {
    monitor.disconnect();
    watcher.disconnect();
  }
});

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
}
