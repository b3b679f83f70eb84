import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { adminApi } from '../../../src/http/admin/index.js';
import type { PolicyStatus } from '../../../src/policy/load.js';
import { createReviewQueue, type ReviewQueue } from '../../../src/policy/reviews.js';
import { silentLogger } from '../../events/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'clarion-review-routes-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function newQueue(sub: string) {
  return createReviewQueue({ redis: null, prefix: 'x:', dataDir: join(dir, sub), redact: (t) => t });
}

const TOKEN = 'test-admin';
const auth = { authorization: `Bearer ${TOKEN}` };
const policy = { status: (): PolicyStatus => ({}) as PolicyStatus, reload: async () => true };

/** The admin surface with only the review queue behind it. */
async function adminApp(queue: ReviewQueue) {
  const app = Fastify();
  await app.register(adminApi, { prefix: '/admin', token: TOKEN, policy, reviews: queue, logger: silentLogger, closing: () => false });
  return app;
}

const sample = {
  eventId: null,
  time: new Date().toISOString(),
  conversationId: 'c',
  tenant: 'acme',
  model: 'gpt-4o',
  protocol: 'openai-chat',
  reason: 'r',
  norm: 'defer-it',
  text: 'please review',
};

test('GET lists, POST resolves', async () => {
  const queue = newQueue('lists');
  const app = await adminApp(queue);
  const id = queue.enqueue(sample);

  const listed = await app.inject({ method: 'GET', url: '/admin/reviews', headers: auth });
  assert.equal(listed.statusCode, 200);
  const body = listed.json() as { reviews: Array<{ id: string; status: string; text: string }> };
  assert.deepEqual(
    body.reviews.map((r) => [r.id, r.status, r.text]),
    [[id, 'open', 'please review']],
  );

  const resolved = await app.inject({ method: 'POST', url: `/admin/reviews/${id}/resolve`, payload: { by: 'ana', note: 'done' }, headers: auth });
  assert.equal(resolved.statusCode, 200);
  assert.deepEqual(resolved.json(), { id, status: 'resolved' });

  assert.equal((await app.inject({ method: 'GET', url: '/admin/reviews', headers: auth })).json().reviews.length, 0);
  const done = (await app.inject({ method: 'GET', url: '/admin/reviews?status=resolved', headers: auth })).json() as {
    reviews: Array<{ resolution: { by: string; note: string } }>;
  };
  assert.equal(done.reviews[0]?.resolution.by, 'ana');
  assert.equal((await app.inject({ method: 'GET', url: '/admin/reviews?status=all&limit=1', headers: auth })).json().reviews.length, 1);
  await app.close();
});

test('unknown ids are 404, bad input is 400, in the OpenAI error shape', async () => {
  const queue = newQueue('errors');
  const app = await adminApp(queue);
  const missing = await app.inject({ method: 'POST', url: '/admin/reviews/rv-0000000000001-00000000/resolve', payload: {}, headers: auth });
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().error.code, 'CLARION_NOT_FOUND');
  const badStatus = await app.inject({ method: 'GET', url: '/admin/reviews?status=closed', headers: auth });
  assert.equal(badStatus.statusCode, 400);
  assert.equal(badStatus.json().error.code, 'CLARION_INVALID_REQUEST');
  const badBody = await app.inject({ method: 'POST', url: '/admin/reviews/x/resolve', payload: { by: 42 }, headers: auth });
  assert.equal(badBody.statusCode, 400);
  await app.close();
});
