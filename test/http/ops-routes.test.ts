/**
 * What the unauthenticated ops routes show: /readyz says ready or not and why (policy ok, event
 * store), but the instance name and the policy's absolute path only to the admin token. Readiness
 * goes to 503 while events are being dropped, so an orchestrator takes the instance out.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import type { EventLogHealth } from '../../src/events/log.js';
import { bearerMatches } from '../../src/http/guards.js';
import { opsRoutes } from '../../src/http/ops-routes.js';
import type { PolicyHolder } from '../../src/policy/load.js';
import { silentLogger } from '../events/fixtures.js';

const policy = {
  status: () => ({ ok: true, version: 'v7', file: '/secret/place/policy.yaml', lastError: null, loadedAt: '2026-01-01T00:00:00.000Z' }),
} as unknown as PolicyHolder;

describe('/readyz', () => {
  let app: FastifyInstance;
  let health: EventLogHealth;

  before(async () => {
    app = Fastify();
    await app.register(opsRoutes, {
      instanceId: 'host-1234',
      policy,
      events: { health: () => health },
      registry: new Registry(),
      logger: silentLogger,
      closing: () => false,
      adminToken: 's3cret',
    });
  });
  after(() => app.close());

  test('without the admin token: status, no instance name, no policy path', async () => {
    health = { store: 'file', redis: 'disabled', queued: 0, spooled: 0, dropping: false };
    const res = await app.inject({ url: '/readyz' });
    assert.equal(res.statusCode, 200);
    assert.doesNotMatch(res.body, /host-1234|\/secret\/place/);
    assert.equal(res.json().policy.version, 'v7');
  });

  test('with the admin token (any case of the scheme): the detail', async () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      const res = await app.inject({ url: '/readyz', headers: { authorization: `${scheme} s3cret` } });
      assert.match(res.body, /host-1234/);
      assert.match(res.body, /\/secret\/place/);
    }
    const wrong = await app.inject({ url: '/readyz', headers: { authorization: 'Bearer s3cre' } });
    assert.doesNotMatch(wrong.body, /host-1234/);
  });

  test('503 while events are being dropped', async () => {
    health = { store: 'redis', redis: 'down', queued: 0, spooled: 0, dropping: true };
    const res = await app.inject({ url: '/readyz' });
    assert.equal(res.statusCode, 503);
    assert.equal(res.json().status, 'dropping-events');
  });
});

test('bearerMatches: exact token, scheme case-insensitive, nothing else', () => {
  assert.equal(bearerMatches('Bearer abc', 'abc'), true);
  assert.equal(bearerMatches('bearer abc', 'abc'), true);
  assert.equal(bearerMatches('Bearer  abc', 'abc'), true);
  assert.equal(bearerMatches('Bearer abcd', 'abc'), false);
  assert.equal(bearerMatches('Bearer ab', 'abc'), false);
  assert.equal(bearerMatches('Basic abc', 'abc'), false);
  assert.equal(bearerMatches('abc', 'abc'), false);
  assert.equal(bearerMatches(undefined, 'abc'), false);
});
