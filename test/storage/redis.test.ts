import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { createRedisClient, waitForReady } from '../../src/storage/redis.js';
import { freePort, startRedisServer } from '../helpers/redis-server.js';

test('a dead Redis costs nothing: commands fail at once, waitForReady gives up with a code', async () => {
  const client = createRedisClient(`redis://127.0.0.1:${await freePort()}`, { name: 't', commandTimeoutMs: 500 });
  client.on('error', () => undefined);
  try {
    const start = Date.now();
    await assert.rejects(client.set('k', 'v'));
    assert.ok(Date.now() - start < 100, `failed after ${Date.now() - start} ms`);
    await assert.rejects(waitForReady(client, 300), (error: Error & { code?: string }) => error.code === 'CLARION_REDIS_UNAVAILABLE');
  } finally {
    client.disconnect();
  }
});

test('a stalled Redis costs at most the command timeout', async () => {
  const server = await startRedisServer();
  const client = createRedisClient(server.url, { name: 't', commandTimeoutMs: 200 });
  client.on('error', () => undefined);
  const admin = new Redis(server.url);
  try {
    await waitForReady(client, 2_000);
    await admin.call('CLIENT', 'PAUSE', '1500', 'ALL');
    const start = Date.now();
    await assert.rejects(client.get('k'), /timed out/i);
    const took = Date.now() - start;
    assert.ok(took >= 150 && took < 600, `took ${took} ms`);
  } finally {
    client.disconnect();
    admin.disconnect();
    await server.stop();
  }
});
