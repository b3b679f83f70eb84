/**
 * `/admin/reviews` while Redis is paused or down (issue 10, item 15): 503
 * CLARION_STORE_UNAVAILABLE in the OpenAI shape within the command timeout, never a 500 or a
 * hung request; it serves again once Redis does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { adminApi } from '../../../src/http/admin/index.js';
import type { PolicyStatus } from '../../../src/policy/load.js';
import { createReviewQueue } from '../../../src/policy/reviews.js';
import { createRedisClient, waitForReady } from '../../../src/storage/redis.js';
import { silentLogger } from '../../events/fixtures.js';
import { startRedisServer } from '../../helpers/redis-server.js';

const TOKEN = 'test-admin';
const auth = { authorization: `Bearer ${TOKEN}` };
const policy = { status: (): PolicyStatus => ({}) as PolicyStatus, reload: async () => true };

test('/admin/reviews answers 503 in the catalogue shape while Redis is paused, and again when it is stopped', { timeout: 30_000 }, async () => {
  const server = await startRedisServer();
  const client = createRedisClient(server.url, { name: 'clarion-reviews-test', commandTimeoutMs: 300 });
  client.on('error', () => undefined);
  const admin = new Redis(server.url);
  const queue = createReviewQueue({ redis: client, prefix: 'rv-test:', dataDir: mkdtempSync(join(tmpdir(), 'clarion-reviews-outage-')), redact: (t) => t });
  const app = Fastify();
  await app.register(adminApi, { prefix: '/admin', token: TOKEN, policy, reviews: queue, logger: silentLogger, closing: () => false });
  try {
    await waitForReady(client, 5_000);
    const id = queue.enqueue({
      eventId: null,
      time: new Date().toISOString(),
      conversationId: 'c',
      tenant: 'acme',
      model: 'gpt-4o',
      protocol: 'openai-chat',
      reason: 'r',
      norm: 'defer-it',
      text: 'please review',
    });
    await queue.close();
    assert.equal((await app.inject({ method: 'GET', url: '/admin/reviews', headers: auth })).statusCode, 200);

    await admin.call('CLIENT', 'PAUSE', '2500', 'ALL');
    const started = Date.now();
    const paused = await app.inject({ method: 'GET', url: '/admin/reviews', headers: auth });
    const resolving = await app.inject({
      method: 'POST',
      url: `/admin/reviews/${id}/resolve`,
      payload: {},
      headers: { ...auth, 'content-type': 'application/json' },
    });
    assert.ok(Date.now() - started < 2_000, `answered in ${Date.now() - started} ms, not held for the pause`);
    for (const res of [paused, resolving]) {
      assert.equal(res.statusCode, 503);
      const error = (res.json() as { error: { code: string; type: string } }).error;
      assert.equal(error.code, 'CLARION_STORE_UNAVAILABLE');
      assert.equal(error.type, 'api_error');
    }

    await sleep(2_700);
    const back = await app.inject({ method: 'GET', url: '/admin/reviews', headers: auth });
    assert.equal(back.statusCode, 200);

    await server.kill();
    const down = await app.inject({ method: 'GET', url: '/admin/reviews', headers: auth });
    assert.equal(down.statusCode, 503);
    assert.equal((down.json() as { error: { code: string } }).error.code, 'CLARION_STORE_UNAVAILABLE');
  } finally {
    admin.disconnect();
    client.disconnect();
    await app.close();
    await server.stop();
  }
});
