import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { buildEvent } from '../../../src/events/build.js';
import { EventsConfigSchema } from '../../../src/events/config.js';
import { createIdGenerator } from '../../../src/events/id.js';
import { RedisEventStore } from '../../../src/storage/redis/events.js';
import { deleteKeys, eventInput, streamIds, uniquePrefix } from '../../events/fixtures.js';

const client = new Redis();
const prefixes: string[] = [];
after(async () => {
  for (const prefix of prefixes) await deleteKeys(client, prefix);
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
