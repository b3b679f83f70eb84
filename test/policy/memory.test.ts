import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { CLARIFICATIONS_UNKNOWN, createConversationMemory } from '../../src/policy/memory.js';
import { createRedisClient } from '../../src/storage/redis.js';

async function waitFor<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 2000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function ready(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
}

const TURNS = {
  turns: [
    { role: 'user' as const, text: 'Write a haiku about Kyoto.' },
    { role: 'assistant' as const, text: 'Crimson leaves drift down' },
  ],
};

describe('remembered turns', () => {
  test('in process: recalled by key until the TTL ends', async () => {
    let now = 1_000_000;
    const memory = createConversationMemory({ redis: null, prefix: 'x:', ttlSeconds: 10, now: () => now });
    assert.equal(await memory.recallTurns('r::resp_1'), null);
    memory.rememberTurns('r::resp_1', TURNS);
    assert.deepEqual(await memory.recallTurns('r::resp_1'), TURNS);
    assert.equal(await memory.recallTurns('r::resp_2'), null);
    now += 10_001;
    assert.equal(await memory.recallTurns('r::resp_1'), null);
  });
});

describe('in-memory (no Redis)', () => {
  test('counts per conversation', async () => {
    const memory = createConversationMemory({ redis: null, prefix: 'x:', ttlSeconds: 60 });
    assert.equal(await memory.clarifications('a'), 0);
    memory.recordClarification('a');
    memory.recordClarification('a');
    memory.recordClarification('b');
    assert.equal(await memory.clarifications('a'), 2);
    assert.equal(await memory.clarifications('b'), 1);
    await memory.close();
    assert.equal(await memory.clarifications('a'), 0);
  });

  test('entries expire after the TTL (since the last clarification)', async () => {
    let now = 1_000_000;
    const memory = createConversationMemory({ redis: null, prefix: 'x:', ttlSeconds: 10, now: () => now });
    memory.recordClarification('a');
    now += 9_000;
    assert.equal(await memory.clarifications('a'), 1);
    memory.recordClarification('a');
    now += 9_000;
    assert.equal(await memory.clarifications('a'), 2, 'TTL restarts on each clarification');
    now += 1_001;
    assert.equal(await memory.clarifications('a'), 0);
  });

  test('bounded: the least recently clarified conversations are dropped first', async () => {
    const memory = createConversationMemory({ redis: null, prefix: 'x:', ttlSeconds: 60, maxEntries: 3 });
    for (const id of ['a', 'b', 'c']) memory.recordClarification(id);
    memory.recordClarification('a'); // a is now the most recent
    memory.recordClarification('d'); // evicts b
    assert.equal(await memory.clarifications('b'), 0);
    assert.equal(await memory.clarifications('a'), 2);
    assert.equal(await memory.clarifications('c'), 1);
    assert.equal(await memory.clarifications('d'), 1);
  });
});

describe('Redis (local 127.0.0.1:6379)', () => {
  const prefix = `clarion-test-${randomBytes(4).toString('hex')}:`;
  const a = createRedisClient('redis://127.0.0.1:6379', { name: 'test-memory-a', commandTimeoutMs: 1000 });
  const b = createRedisClient('redis://127.0.0.1:6379', { name: 'test-memory-b', commandTimeoutMs: 1000 });

  before(async () => {
    await Promise.all([ready(a), ready(b)]);
  });
  after(async () => {
    const keys = await a.keys(`${prefix}*`);
    if (keys.length > 0) await a.del(...keys);
    await Promise.all([a.quit(), b.quit()]);
  });

  test('two instances share the count; key has the prefix and a TTL', async () => {
    const one = createConversationMemory({ redis: a, prefix, ttlSeconds: 120 });
    const two = createConversationMemory({ redis: b, prefix, ttlSeconds: 120 });
    assert.equal(await two.clarifications('conv-1'), 0);
    one.recordClarification('conv-1');
    assert.equal(
      await waitFor(
        () => two.clarifications('conv-1'),
        (n) => n === 1,
      ),
      1,
    );
    two.recordClarification('conv-1');
    assert.equal(
      await waitFor(
        () => one.clarifications('conv-1'),
        (n) => n === 2,
      ),
      2,
    );
    const ttl = await a.ttl(`${prefix}conv:conv-1`);
    assert.ok(ttl > 100 && ttl <= 120, `ttl ${ttl}`);
    assert.equal(await one.clarifications('conv-2'), 0);
  });

  test('remembered turns are shared between instances, with a TTL; garbage under the key reads as nothing', async () => {
    const one = createConversationMemory({ redis: a, prefix, ttlSeconds: 120 });
    const errors: unknown[] = [];
    const two = createConversationMemory({ redis: b, prefix, ttlSeconds: 120, onError: (e) => errors.push(e) });
    one.rememberTurns('r:t:resp_9', TURNS);
    assert.deepEqual(
      await waitFor(
        () => two.recallTurns('r:t:resp_9'),
        (v) => v !== null,
      ),
      TURNS,
    );
    const ttl = await a.ttl(`${prefix}turns:r:t:resp_9`);
    assert.ok(ttl > 100 && ttl <= 120, `ttl ${ttl}`);
    await a.set(`${prefix}turns:r:t:bad`, '{"turns":[{"role":"system","text":"x"}]}');
    assert.equal(await two.recallTurns('r:t:bad'), null);
    assert.equal(errors.length, 1, 'a record that fails its schema is reported, not trusted');
  });

  test('the count expires with the TTL', async () => {
    const memory = createConversationMemory({ redis: a, prefix, ttlSeconds: 1 });
    memory.recordClarification('short');
    assert.equal(
      await waitFor(
        () => memory.clarifications('short'),
        (n) => n === 1,
      ),
      1,
    );
    const gone = await waitFor(
      () => memory.clarifications('short'),
      (n) => n === 0,
      3000,
    );
    assert.equal(gone, 0);
  });
});

describe('Redis failures count as budget spent', () => {
  let server: ChildProcess | null = null;
  let port = 0;

  before(async () => {
    port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
      });
    });
    server = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  });
  after(() => {
    server?.kill('SIGKILL');
  });

  test('a stopped Redis answers CLARIFICATIONS_UNKNOWN quickly and record never throws', async () => {
    const redis = createRedisClient(`redis://127.0.0.1:${port}`, { name: 'test-memory-dead', commandTimeoutMs: 1000 });
    redis.on('error', () => {});
    await ready(redis);
    const errors: unknown[] = [];
    const memory = createConversationMemory({ redis, prefix: 'x:', ttlSeconds: 60, timeoutMs: 50, onError: (e) => errors.push(e) });
    memory.recordClarification('c');
    assert.equal(
      await waitFor(
        () => memory.clarifications('c'),
        (n) => n === 1,
      ),
      1,
    );
    server?.kill('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    assert.equal(await memory.clarifications('c'), CLARIFICATIONS_UNKNOWN);
    assert.ok(Date.now() - started < 500);
    assert.doesNotThrow(() => memory.recordClarification('c'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(errors.length >= 1);
    redis.disconnect();
  });

  test('a slow Redis is cut off at timeoutMs', async () => {
    // A server that accepts connections but never answers.
    const silent = createServer(() => {}).listen(0, '127.0.0.1');
    await new Promise((resolve) => silent.once('listening', resolve));
    const address = silent.address();
    const silentPort = typeof address === 'object' && address !== null ? address.port : 0;
    const redis = new Redis({ port: silentPort, host: '127.0.0.1', lazyConnect: false, enableReadyCheck: false, maxRetriesPerRequest: 0 });
    redis.on('error', () => {});
    await new Promise<void>((resolve) => redis.once('connect', () => resolve()));
    const memory = createConversationMemory({ redis, prefix: 'x:', ttlSeconds: 60, timeoutMs: 40 });
    const started = Date.now();
    assert.equal(await memory.clarifications('c'), CLARIFICATIONS_UNKNOWN);
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 35 && elapsed < 400, `elapsed ${elapsed}`);
    // Remembered turns the same way: the context stays unknown rather than the request waiting.
    assert.equal(await memory.recallTurns('r::resp_1'), null);
    redis.disconnect();
    silent.close();
  });
});
