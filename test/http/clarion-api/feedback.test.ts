import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { Registry } from 'prom-client';
import { createEventLog } from '../../../src/events/log.js';
import { openEventStore } from '../../../src/storage/index.js';
import { FEEDBACK_PATH } from '../../../src/http/clarion-api/feedback.js';
import { CLARION_API_PREFIX, clarionApi } from '../../../src/http/clarion-api/index.js';
import { freePort } from '../../helpers/redis-server.js';
import { eventInput, silentLogger, testConfig } from '../../events/fixtures.js';

test('POST /v1/clarion/feedback: 200 labels the event, 400 bad body (OpenAI shape), 404 unknown id', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'clarion-feedback-'));
  const config = testConfig();
  const log = await createEventLog({ config, dataDir, instanceId: 'fb', registry: new Registry(), logger: silentLogger });
  const app = Fastify();
  await app.register(clarionApi, { prefix: CLARION_API_PREFIX, events: log, logger: silentLogger, closing: () => false });
  try {
    const id = log.newId();
    log.record(eventInput({ id }));
    const token = log.token(id);
    const ok = await app.inject({
      method: 'POST',
      url: FEEDBACK_PATH,
      payload: { eventId: token, verdict: 'unneeded', note: "this question wasn't necessary" },
    });
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(ok.json(), { ok: true });

    for (const payload of [{ eventId: token, verdict: 'meh' }, { verdict: 'needed' }, { eventId: token, verdict: 'needed', extra: 1 }, 'not json']) {
      const bad = await app.inject({ method: 'POST', url: FEEDBACK_PATH, payload, headers: { 'content-type': 'application/json' } });
      assert.equal(bad.statusCode, 400, JSON.stringify(payload));
      const body = bad.json() as { error: { message: string; type: string; code: string } };
      assert.equal(body.error.type, 'invalid_request_error');
      assert.equal(body.error.code, typeof payload === 'object' ? 'CLARION_INVALID_REQUEST' : 'CLARION_INVALID_JSON');
      assert.equal(typeof body.error.message, 'string');
    }

    const unknown = await app.inject({ method: 'POST', url: FEEDBACK_PATH, payload: { eventId: log.token('01ZZZZZZZZZZZZZZZZZZZZZZZZ'), verdict: 'needed' } });
    assert.equal(unknown.statusCode, 404);
    assert.equal((unknown.json() as { error: { code: string } }).error.code, 'CLARION_NOT_FOUND');
    const garbage = await app.inject({ method: 'POST', url: FEEDBACK_PATH, payload: { eventId: 'nope', verdict: 'needed' } });
    assert.equal(garbage.statusCode, 403);

    await log.flush();
    const store = await openEventStore(config, dataDir);
    const event = await store.get(id);
    assert.deepEqual(
      event?.labels.map((l) => [l.verdict, l.note, l.source]),
      [['unneeded', "this question wasn't necessary", 'app']],
    );
  } finally {
    await app.close();
    await log.close();
  }
});

test('feedback answers 503 when Redis is down, never hangs', async () => {
  const config = testConfig({ redisUrl: `redis://127.0.0.1:${await freePort()}`, commandTimeoutMs: 200 });
  const log = await createEventLog({
    config,
    dataDir: mkdtempSync(join(tmpdir(), 'clarion-fb503-')),
    instanceId: 'fb',
    registry: new Registry(),
    logger: silentLogger,
  });
  const app = Fastify();
  await app.register(clarionApi, { prefix: CLARION_API_PREFIX, events: log, logger: silentLogger, closing: () => false });
  try {
    const res = await app.inject({ method: 'POST', url: FEEDBACK_PATH, payload: { eventId: log.token(log.newId()), verdict: 'helpful' } });
    assert.equal(res.statusCode, 503);
    assert.equal((res.json() as { error: { type: string } }).error.type, 'api_error');
  } finally {
    await app.close();
    await log.close();
  }
});

test('feedback needs the capability: a bare or forged id is refused (403), the token as received labels', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'clarion-feedback-cap-'));
  const config = testConfig();
  const log = await createEventLog({ config, dataDir, instanceId: 'fb', registry: new Registry(), logger: silentLogger });
  const app = Fastify();
  await app.register(clarionApi, { prefix: CLARION_API_PREFIX, events: log, logger: silentLogger, closing: () => false });
  try {
    const id = log.newId();
    log.record(eventInput({ id }));
    const token = log.token(id);
    assert.match(token, /^[0-9A-Z]{26}\.[A-Za-z0-9_-]{22}$/);
    const next = `${id.slice(0, -1)}${id.endsWith('0') ? '1' : '0'}`;
    const forged = [id, `${id}.`, `${id}.${'A'.repeat(22)}`, `${next}.${token.slice(27)}`];
    for (const eventId of forged) {
      const res = await app.inject({ method: 'POST', url: FEEDBACK_PATH, payload: { eventId, verdict: 'unneeded' } });
      assert.equal(res.statusCode, 403, eventId);
      assert.equal((res.json() as { error: { code: string } }).error.code, 'CLARION_FORBIDDEN');
    }
    const ok = await app.inject({ method: 'POST', url: FEEDBACK_PATH, payload: { eventId: token, verdict: 'missed' } });
    assert.equal(ok.statusCode, 200, ok.body);
    await log.flush();
    const store = await openEventStore(config, dataDir);
    assert.deepEqual(
      (await store.get(id))?.labels.map((l) => l.verdict),
      ['missed'],
    );
  } finally {
    await app.close();
    await log.close();
  }
});

test('feedback refuses text/plain (415) and bodies over maxBodyBytes (413), and is rate-limited per address (429)', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'clarion-feedback-lim-'));
  const config = testConfig();
  const log = await createEventLog({ config, dataDir, instanceId: 'fb', registry: new Registry(), logger: silentLogger });
  const app = Fastify();
  await app.register(clarionApi, {
    prefix: CLARION_API_PREFIX,
    events: log,
    feedback: { ratePerMinute: 1, burst: 4, maxBodyBytes: 512 },
    logger: silentLogger,
    closing: () => false,
  });
  try {
    const token = log.token(log.newId());
    const plain = await app.inject({
      method: 'POST',
      url: FEEDBACK_PATH,
      headers: { 'content-type': 'text/plain' },
      payload: JSON.stringify({ eventId: token, verdict: 'needed' }),
    });
    assert.equal(plain.statusCode, 415);
    const big = await app.inject({ method: 'POST', url: FEEDBACK_PATH, payload: { eventId: token, verdict: 'needed', note: 'x'.repeat(600) } });
    assert.equal(big.statusCode, 413);
    const other = await app.inject({ method: 'POST', url: FEEDBACK_PATH, payload: { eventId: 'x', verdict: 'needed' } });
    assert.equal(other.statusCode, 403, 'the burst of 4 is not yet spent');
    const fourth = await app.inject({ method: 'POST', url: FEEDBACK_PATH, payload: { eventId: token, verdict: 'needed' } });
    assert.equal(fourth.statusCode, 404, 'the last call of the burst (an event never recorded)');
    const limited = await app.inject({ method: 'POST', url: FEEDBACK_PATH, payload: { eventId: token, verdict: 'needed' } });
    assert.equal(limited.statusCode, 429);
    assert.ok(Number(limited.headers['retry-after']) > 0);
    const elsewhere = await app.inject({ method: 'POST', url: FEEDBACK_PATH, remoteAddress: '10.9.8.7', payload: { eventId: 'x', verdict: 'needed' } });
    assert.equal(elsewhere.statusCode, 403, 'another address has its own bucket');
  } finally {
    await app.close();
    await log.close();
  }
});
