/**
 * Data read back from storage is validated, never cast: a record that does not fit its schema (a
 * torn line, an edit by hand, another program's key) is skipped or reported, never handed on as
 * if it were what the code expects.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { CLARIFICATIONS_UNKNOWN, conversationMemory } from '../../src/policy/memory.js';
import { FileReviewStore } from '../../src/storage/file/reviews.js';
import { createRedisClient } from '../../src/storage/redis.js';
import { RedisMemoryStore } from '../../src/storage/redis/memory.js';
import { RedisReviewStore } from '../../src/storage/redis/reviews.js';
import { deleteKeys, uniquePrefix } from '../events/fixtures.js';

const GOOD = {
  id: 'rv-1700000000000-0123abcd',
  eventId: null,
  time: '2023-11-14T22:13:20.000Z',
  conversationId: 'c',
  tenant: null,
  model: 'gpt-4o',
  protocol: 'openai-chat',
  reason: 'r',
  norm: null,
  text: 'please review',
};

const dir = mkdtempSync(join(tmpdir(), 'clarion-read-back-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('file review store: lines that do not fit the schema are skipped', async () => {
  mkdirSync(join(dir, 'reviews'), { recursive: true });
  writeFileSync(
    join(dir, 'reviews', 'reviews.jsonl'),
    [
      JSON.stringify({ kind: 'item', item: GOOD }),
      JSON.stringify({ kind: 'item', item: { ...GOOD, id: 'rv-2', model: 42 } }),
      JSON.stringify({ kind: 'resolution', id: GOOD.id, resolution: { by: 7 } }),
      JSON.stringify({ kind: 'mystery' }),
      '{"kind":"item","item":{"id":"torn',
    ].join('\n'),
  );
  const store = new FileReviewStore(dir);
  const all = await store.list('all', 10);
  assert.deepEqual(
    all.map((r) => [r.id, r.status]),
    [[GOOD.id, 'open']],
    'the bad item is skipped and the bad resolution does not resolve anything',
  );
});

describe('Redis stores', () => {
  let redis: Redis;
  const prefix = uniquePrefix('read-back');
  before(async () => {
    redis = createRedisClient('redis://127.0.0.1:6379', { name: 'test-read-back', commandTimeoutMs: 1000 });
    if (redis.status !== 'ready') await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
  });
  after(async () => {
    await deleteKeys(redis, prefix);
    redis.disconnect();
  });

  test('review items and resolutions that do not fit are skipped', async () => {
    await redis.xadd(`${prefix}reviews`, '*', 'item', JSON.stringify(GOOD));
    await redis.xadd(`${prefix}reviews`, '*', 'item', JSON.stringify({ ...GOOD, id: 'rv-x', text: null }));
    await redis.xadd(`${prefix}reviews`, '*', 'item', 'not json');
    await redis.hset(`${prefix}reviews:resolutions`, GOOD.id, JSON.stringify({ note: 'no time' }));
    const store = new RedisReviewStore(redis, prefix);
    assert.deepEqual(
      (await store.list('all', 10)).map((r) => [r.id, r.status]),
      [[GOOD.id, 'open']],
    );
  });

  test('a conversation count that is not a count spends the budget and is reported', async () => {
    await redis.set(`${prefix}conv:weird`, 'lots');
    const errors: unknown[] = [];
    const memory = conversationMemory(new RedisMemoryStore(redis, prefix), { ttlSeconds: 60, timeoutMs: 500, onError: (e) => errors.push(e) });
    assert.equal(await memory.clarifications('weird'), CLARIFICATIONS_UNKNOWN);
    assert.equal(errors.length, 1);
    assert.equal(await memory.clarifications('absent'), 0);
    memory.recordClarification('fresh');
    for (let i = 0; i < 50 && (await redis.get(`${prefix}conv:fresh`)) === null; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(await memory.clarifications('fresh'), 1);
  });
});
