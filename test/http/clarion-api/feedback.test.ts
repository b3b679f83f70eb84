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
    const ok = await app.inject({ method: 'POST', url: FEEDBACK_PATH, payload: { eventId: id, verdict: 'unneeded', note: "this question wasn't necessary" } });
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(ok.json(), { ok: true });

    for (const payload of [{ eventId: id, verdict: 'meh' }, { verdict: 'needed' }, { eventId: id, verdict: 'needed', extra: 1 }, 'not json']) {
      const bad = await app.inject({ method: 'POST', url: FEEDBACK_PATH, payload, headers: { 'content-type': 'application/json' } });
      assert.equal(bad.statusCode, 400, JSON.stringify(payload));
      const body = bad.json() as { error: { message: string; type: string; code: string } };
      assert.equal(body.error.type, 'invalid_request_error');
      assert.equal(body.error.code, typeof payload === 'object' ? 'CLARION_INVALID_REQUEST' : 'CLARION_INVALID_JSON');
      assert.equal(typeof body.error.message, 'string');
    }

    const unknown = await app.inject({ method: 'POST', url: FEEDBACK_PATH, payload: { eventId: '01ZZZZZZZZZZZZZZZZZZZZZZZZ', verdict: 'needed' } });
    assert.equal(unknown.statusCode, 404);
    assert.equal((unknown.json() as { error: { code: string } }).error.code, 'CLARION_NOT_FOUND');
    const garbage = await app.inject({ method: 'POST', url: FEEDBACK_PATH, payload: { eventId: 'nope', verdict: 'needed' } });
    assert.equal(garbage.statusCode, 404);

    await log.flush();
    const store = await openEventStore(config, dataDir);
    const event = await store.get(id);
    assert.deepEqual(
      event?.labels.map((l) => [l.verdict, l.note, l.source]),
      [['unneeded', "this question wasn't necessary", 'api']],
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
    const res = await app.inject({ method: 'POST', url: FEEDBACK_PATH, payload: { eventId: log.newId(), verdict: 'helpful' } });
    assert.equal(res.statusCode, 503);
    assert.equal((res.json() as { error: { type: string } }).error.type, 'api_error');
  } finally {
    await app.close();
    await log.close();
  }
});
