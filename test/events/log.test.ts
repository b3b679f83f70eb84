import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import pino from 'pino';
import { Registry } from 'prom-client';
import { createEventLog } from '../../src/events/log.js';
import { openEventStore } from '../../src/storage/index.js';
import { freePort, startRedisServer } from '../helpers/redis-server.js';
import { deleteKeys, eventInput, silentLogger, streamIds, testConfig, uniquePrefix } from './fixtures.js';

async function metric(registry: Registry, name: string): Promise<number> {
  return (await registry.getSingleMetric(name)?.get())?.values[0]?.value ?? NaN;
}

function capturingLogger(): { logger: pino.Logger; lines: { level: number; msg: string }[] } {
  const lines: { level: number; msg: string }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(JSON.parse(line) as { level: number; msg: string });
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

test('metrics: every event-log metric is registered; Redis up is 1 when connected', async () => {
  const prefix = uniquePrefix('metrics');
  const registry = new Registry();
  const log = await createEventLog({
    config: testConfig({ redisUrl: 'redis://127.0.0.1:6379', prefix }),
    dataDir: mkdtempSync(join(tmpdir(), 'clarion-m-')),
    instanceId: 'm',
    registry,
    logger: silentLogger,
  });
  const admin = new Redis();
  try {
    for (let i = 0; i < 100 && log.health().redis !== 'up'; i++) await sleep(20);
    assert.deepEqual(log.health(), { store: 'redis', redis: 'up', dropping: false, queued: 0, spooled: 0 });
    assert.equal(await metric(registry, 'clarion_redis_up'), 1);
    for (let i = 0; i < 10; i++) log.record(eventInput({ id: log.newId() }));
    assert.equal(await metric(registry, 'clarion_events_queued'), 10);
    await log.flush();
    assert.equal(await metric(registry, 'clarion_events_queued'), 0);
    assert.equal(await metric(registry, 'clarion_events_written_total'), 10);
    for (const name of ['clarion_events_spooled_total', 'clarion_events_replayed_total', 'clarion_events_dropped_total']) {
      assert.equal(await metric(registry, name), 0, name);
    }
  } finally {
    await log.close();
    await deleteKeys(admin, prefix);
    admin.disconnect();
  }
});

test('the queue stays bounded while Redis stalls: overflow goes to the spool, nothing is lost', { timeout: 20_000 }, async () => {
  const server = await startRedisServer();
  const config = testConfig({ redisUrl: server.url, commandTimeoutMs: 300, events: { writer: { queueCapacity: 500, retryMs: 100 } } });
  const registry = new Registry();
  const log = await createEventLog({ config, dataDir: mkdtempSync(join(tmpdir(), 'clarion-bound-')), instanceId: 'b', registry, logger: silentLogger });
  const admin = new Redis(server.url);
  try {
    for (let i = 0; i < 100 && log.health().redis !== 'up'; i++) await sleep(20);
    await admin.call('CLIENT', 'PAUSE', '1500', 'ALL');
    const ids: string[] = [];
    let maxQueued = 0;
    for (let turn = 0; turn < 40; turn++) {
      for (let i = 0; i < 200; i++) {
        const id = log.newId();
        ids.push(id);
        log.record(eventInput({ id }));
      }
      maxQueued = Math.max(maxQueued, log.health().queued);
      await sleep(5);
    }
    assert.ok(maxQueued <= 500 + 200, `queue peaked at ${maxQueued}`);
    assert.ok((await metric(registry, 'clarion_events_spooled_total')) > 0);
    for (let i = 0; i < 300 && (log.health().spooled > 0 || log.health().queued > 0 || log.health().redis !== 'up'); i++) await sleep(50);
    await log.flush();
    const stored = await streamIds(admin, `${config.redis.prefix}events`);
    assert.equal(stored.length, ids.length);
    assert.deepEqual(new Set(stored), new Set(ids));
    assert.equal(await metric(registry, 'clarion_events_dropped_total'), 0);
  } finally {
    await log.close();
    admin.disconnect();
    await server.stop();
  }
});

test('dropped only when the disk fails, and then loudly at error level', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'clarion-drop-'));
  writeFileSync(join(dir, 'not-a-dir'), '');
  const config = testConfig({
    redisUrl: `redis://127.0.0.1:${await freePort()}`,
    commandTimeoutMs: 100,
    events: { writer: { spoolDir: join(dir, 'not-a-dir', 'spool') } },
  });
  const registry = new Registry();
  const { logger, lines } = capturingLogger();
  const log = await createEventLog({ config, dataDir: dir, instanceId: 'd', registry, logger });
  for (let i = 0; i < 7; i++) log.record(eventInput({ id: log.newId() }));
  await log.flush();
  await log.close();
  assert.equal(await metric(registry, 'clarion_events_dropped_total'), 7);
  assert.ok(
    lines.some((l) => l.level >= 50 && /DROPPED/.test(l.msg)),
    JSON.stringify(lines),
  );
});

test('record() never throws, even on a malformed input', async () => {
  const registry = new Registry();
  const log = await createEventLog({
    config: testConfig(),
    dataDir: mkdtempSync(join(tmpdir(), 'clarion-bad-')),
    instanceId: 'x',
    registry,
    logger: silentLogger,
  });
  const broken = { ...eventInput({ id: log.newId() }), conversation: undefined } as unknown as Parameters<typeof log.record>[0];
  assert.doesNotThrow(() => log.record(broken));
  await log.close();
  assert.equal(await metric(registry, 'clarion_events_dropped_total'), 1);
});

test('file store: health, writes off the request path, torn lines skipped, old day segments pruned', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'clarion-file-'));
  const config = testConfig({ events: { retention: { days: 7 } } });
  mkdirSync(join(dataDir, 'events'), { recursive: true });
  const oldDay = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
  writeFileSync(join(dataDir, 'events', `${oldDay}.jsonl`), '');
  const log = await createEventLog({ config, dataDir, instanceId: 'f', registry: new Registry(), logger: silentLogger });
  assert.deepEqual(log.health(), { store: 'file', redis: 'disabled', dropping: false, queued: 0, spooled: 0 });
  const ids = [log.newId(), log.newId(), log.newId()];
  for (const id of ids) log.record(eventInput({ id }));
  assert.equal(log.health().queued, 3, 'record() only queues');
  await log.close();
  assert.equal(existsSync(join(dataDir, 'events', `${oldDay}.jsonl`)), false, 'segment older than retention.days removed');
  appendFileSync(join(dataDir, 'events', `${new Date().toISOString().slice(0, 10)}.jsonl`), '{"v":1,"id":"torn');
  // A later run appends after the torn line without gluing its first event to it.
  const next = await createEventLog({ config, dataDir, instanceId: 'f2', registry: new Registry(), logger: silentLogger });
  const later = next.newId();
  next.record(eventInput({ id: later }));
  await next.close();
  const store = await openEventStore(config, dataDir);
  const listed: string[] = [];
  for await (const event of store.list({})) listed.push(event.id);
  assert.deepEqual(listed, [...ids, later]);
});

test('a label right after the response finds its event, even while traffic never stops', async () => {
  const prefix = uniquePrefix('label-load');
  const log = await createEventLog({
    config: testConfig({ redisUrl: 'redis://127.0.0.1:6379', prefix }),
    dataDir: mkdtempSync(join(tmpdir(), 'clarion-ll-')),
    instanceId: 'l',
    registry: new Registry(),
    logger: silentLogger,
  });
  const admin = new Redis();
  // Steady traffic of a few thousand events/s — more than a busy proxy records (only decisions
  // that are not a plain pass, plus samples), and well within the writer's capacity even when the
  // machine is busy with other tests; the point is that the queue never goes quiet.
  const load = setInterval(() => {
    for (let i = 0; i < 3; i++) log.record(eventInput({ id: log.newId() }));
  }, 1);
  try {
    for (let i = 0; i < 100 && log.health().redis !== 'up'; i++) await sleep(20);
    await sleep(200);
    const id = log.newId();
    log.record(eventInput({ id }));
    // Found while the writer is busy: the label waits for the event's batch, not for a quiet queue.
    assert.equal(await log.label(id, 'helpful'), true);
  } finally {
    clearInterval(load);
    await log.close();
    await deleteKeys(admin, prefix);
    admin.disconnect();
  }
});
