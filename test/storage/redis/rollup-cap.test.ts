/**
 * Rollup cardinality (issue 10, item 14): client-chosen `model` and tenant values cannot grow a
 * day's rollup hash without bound. At most `events.retention.rollupMaxValues` distinct values per
 * dimension and day are counted by name; later new values are counted under `other`, and the
 * totals stay exact.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { buildEvent } from '../../../src/events/build.js';
import { EventsConfigSchema } from '../../../src/events/config.js';
import { createIdGenerator } from '../../../src/events/id.js';
import { RedisEventStore } from '../../../src/storage/redis/events.js';
import { deleteKeys, eventInput, uniquePrefix } from '../../events/fixtures.js';

const client = new Redis();
const prefixes: string[] = [];
after(async () => {
  for (const prefix of prefixes) await deleteKeys(client, prefix);
  client.disconnect();
});

const redaction = EventsConfigSchema.parse({}).redaction;

function events(n: number, vary: (i: number) => { model: string; tenant: string }) {
  const next = createIdGenerator();
  const time = Date.now();
  return Array.from({ length: n }, (_, i) => buildEvent(eventInput({ id: next(), time, context: vary(i) }), 'i', redaction));
}

test('distinct models and tenants past the cap are counted as other; totals stay exact', async () => {
  const prefix = uniquePrefix('rollup-cap');
  prefixes.push(prefix);
  const store = new RedisEventStore(client, prefix, EventsConfigSchema.parse({ retention: { rollupMaxValues: 20 } }), false);
  // 200 events, each with its own 2 KB model and tenant, in two batches (the cap holds across calls).
  const batch = events(200, (i) => ({ model: `m${i}-${'x'.repeat(2_000)}`, tenant: `t${i}` }));
  await store.append(batch.slice(0, 120));
  await store.append(batch.slice(120));
  const day = new Date().toISOString().slice(0, 10);
  const rollup = await client.hgetall(store.keys.rollup(day));
  const models = Object.keys(rollup).filter((f) => f.startsWith('model:'));
  const tenants = Object.keys(rollup).filter((f) => f.startsWith('tenant:'));
  assert.equal(models.length, 21, '20 by name + other');
  assert.equal(tenants.length, 21);
  assert.equal(rollup['model:other'], '180');
  assert.equal(rollup['tenant:other'], '180');
  assert.equal(rollup.total, '200');
  assert.ok(((await client.memory('USAGE', store.keys.rollup(day))) ?? 0) < 100_000, 'bounded size');

  // A value already counted keeps being counted by name after the cap is reached.
  const named = tenants.find((f) => f !== 'tenant:other') ?? '';
  await store.append(events(3, () => ({ model: 'gpt-4o-mini', tenant: named.slice('tenant:'.length) })));
  const after3 = await client.hgetall(store.keys.rollup(day));
  assert.equal(after3[named], '4');
  assert.equal(after3['model:other'], '183', 'a new model past the cap');
  assert.equal(after3['tenant:other'], '180');

  const stats = await store.stats({});
  assert.equal(stats.total, 203);
  assert.equal(stats.byTenant.other, 180);
  assert.equal(Object.keys(stats.byTenant).length, 21, 'the distinct-value counters are not a tenant');
});
