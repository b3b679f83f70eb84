import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { closeRedis, connectRedis, createRedisClient, isCluster, openRedis, waitForReady, type RedisClient } from '../../src/storage/redis.js';
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

test('Sentinel and Cluster clients come from the same factory, and fail as fast as a standalone one when nothing answers', async () => {
  const dead = `127.0.0.1:${await freePort()}`;
  const clients: RedisClient[] = [
    connectRedis({ prefix: 'x:', commandTimeoutMs: 500, sentinel: { name: 'mymaster', sentinels: [dead] } }, { name: 't-sentinel' }),
    connectRedis({ prefix: 'x:', commandTimeoutMs: 500, cluster: { nodes: [dead] } }, { name: 't-cluster' }),
  ];
  for (const client of clients) client.on('error', () => undefined);
  try {
    assert.equal(clients[0] instanceof Redis, true);
    assert.equal(isCluster(clients[1] as RedisClient), true);
    for (const client of clients) {
      // No offline queue: a command while not connected is refused at once instead of waiting.
      await assert.rejects(client.set('k', 'v'));
      await assert.rejects(waitForReady(client, 300), (error: Error & { code?: string }) => error.code === 'CLARION_REDIS_UNAVAILABLE');
    }
  } finally {
    for (const client of clients) client.disconnect();
  }
});

test('openRedis connects a standalone Redis from the config section and closeRedis quits it', async () => {
  const client = await openRedis({ url: 'redis://127.0.0.1:6379', prefix: 'x:', commandTimeoutMs: 1_000 }, { name: 'test-open-redis', waitMs: 5_000 });
  assert.equal(await client.ping(), 'PONG');
  assert.equal(await client.call('CLIENT', 'GETNAME'), 'test-open-redis');
  await closeRedis(client);
  await assert.rejects(client.ping());
});
