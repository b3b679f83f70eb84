/**
 * No loss, exactly once: a dedicated redis-server is killed and restarted, and later paused (so
 * commands time out on the client but still run on the server), all under load. Every recorded
 * event must end up in the stream exactly once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync, utimesSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { buildEvent } from '../../src/events/build.js';
import { createIdGenerator } from '../../src/events/id.js';
import { createEventLog, type EventLog } from '../../src/events/log.js';
import { RedisEventStore } from '../../src/storage/redis/events.js';
import { startRedisServer } from '../helpers/redis-server.js';
import { eventInput, silentLogger, streamIds, testConfig } from './fixtures.js';

async function metricValue(registry: Registry, name: string): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  return metric?.values[0]?.value ?? NaN;
}

async function waitFor(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function drained(log: EventLog): Promise<void> {
  await waitFor(
    'the queue and spool to drain',
    () => {
      const h = log.health();
      return h.redis === 'up' && h.queued === 0 && h.spooled === 0;
    },
    15_000,
  );
  await log.flush();
}

test('kill, restart and pause Redis under load: every event is in the stream exactly once', { timeout: 30_000 }, async () => {
  // Durable (AOF, fsync always): what Redis acknowledged before the kill must survive it.
  const redisDir = mkdtempSync(join(tmpdir(), 'clarion-outage-redis-'));
  const server = await startRedisServer(['--appendonly', 'yes', '--appendfsync', 'always', '--dir', redisDir]);
  const dataDir = mkdtempSync(join(tmpdir(), 'clarion-outage-'));
  const config = testConfig({
    redisUrl: server.url,
    commandTimeoutMs: 250,
    events: { writer: { retryMs: 150, queueCapacity: 2_000, batchSize: 256 } },
  });
  const registry = new Registry();
  const log = await createEventLog({ config, dataDir, instanceId: 'outage-1', registry, logger: silentLogger });
  const recorded: string[] = [];
  const load = setInterval(() => {
    for (let i = 0; i < 20; i++) {
      const id = log.newId();
      recorded.push(id);
      log.record(eventInput({ id, text: `translate this, request ${recorded.length}` }));
    }
  }, 5);
  const admin = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  admin.on('error', () => undefined);
  try {
    await sleep(800);
    await server.kill();
    await sleep(1_200);
    const spooledWhileDown = log.health().spooled;
    assert.ok(spooledWhileDown > 0, 'events are spooled while Redis is down');
    assert.equal(log.health().redis, 'down');
    await server.restart();
    await sleep(1_000);
    // Paused clients: commands time out client-side but run later, so some batches land AND get spooled.
    await admin.connect();
    await admin.call('CLIENT', 'PAUSE', '900', 'ALL');
    await sleep(1_500);
    clearInterval(load);
    await drained(log);
    await log.close();

    const ids = await streamIds(admin, `${config.redis.prefix}events`);
    const counts = new Map<string, number>();
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    const duplicates = [...counts].filter(([, n]) => n > 1);
    const missing = recorded.filter((id) => !counts.has(id));
    assert.ok(recorded.length > 2_000, `load generated ${recorded.length} events`);
    assert.deepEqual(duplicates, [], 'no event twice');
    assert.deepEqual(missing, [], 'no event lost');
    assert.equal(ids.length, recorded.length);
    assert.ok((await metricValue(registry, 'clarion_events_spooled_total')) > 0);
    assert.ok((await metricValue(registry, 'clarion_events_replayed_total')) > 0);
    assert.equal(await metricValue(registry, 'clarion_events_dropped_total'), 0);
    // Batches that timed out while paused were stored but unconfirmed; their replay was skipped as duplicate.
    const stats = log.writerStats();
    assert.ok(stats.duplicates > 0, 'the pause produced unconfirmed writes that the replay deduplicated');
    assert.equal((await metricValue(registry, 'clarion_events_written_total')) + stats.duplicates, recorded.length);
    assert.deepEqual(readdirSync(join(dataDir, 'spool')), [], 'spool removed after replay');
  } finally {
    clearInterval(load);
    admin.disconnect();
    await log.close();
    await server.stop();
  }
});

test('a crash mid-replay creates no duplicates; torn lines are skipped; orphaned spools are adopted', { timeout: 20_000 }, async () => {
  const server = await startRedisServer();
  const dataDir = mkdtempSync(join(tmpdir(), 'clarion-replay-'));
  const config = testConfig({ redisUrl: server.url, events: { writer: { orphanSpoolAfterMs: 1_000 } } });
  const newId = createIdGenerator();
  const events = Array.from({ length: 300 }, () => buildEvent(eventInput({ id: newId() }), 'dead-1', config.events.redaction));
  const client = new Redis(server.url);
  try {
    // The first 120 made it to Redis before the "crash"; the spool still holds all 300 plus a torn line.
    const store = new RedisEventStore(client, config.redis.prefix, config.events, false);
    const first = await store.append(events.slice(0, 120));
    assert.equal(first.written, 120);
    const spoolDir = join(dataDir, 'spool');
    mkdirSync(spoolDir, { recursive: true });
    const lines = events.map((e) => JSON.stringify(e)).join('\n');
    writeFileSync(join(spoolDir, 'dead-1.jsonl'), `${lines}\n{"v":1,"id":"torn`);
    const old = new Date(Date.now() - 10_000);
    utimesSync(join(spoolDir, 'dead-1.jsonl'), old, old);

    const registry = new Registry();
    const log = await createEventLog({ config, dataDir, instanceId: 'alive-2', registry, logger: silentLogger });
    assert.equal(log.health().spooled, 300, 'orphaned spool counted at start (the torn line has no newline yet)');
    await drained(log);
    await log.close();

    const ids = await streamIds(client, `${config.redis.prefix}events`);
    assert.equal(ids.length, 300);
    assert.equal(new Set(ids).size, 300);
    assert.deepEqual(
      ids,
      events.map((e) => e.id),
      'replayed in spool order',
    );
    assert.equal(await metricValue(registry, 'clarion_events_written_total'), 180, 'only the missing 180 were written');
    assert.deepEqual(readdirSync(spoolDir), []);
  } finally {
    client.disconnect();
    await server.stop();
  }
});

test('starts without Redis, spools, flushes on close, and the next start replays', { timeout: 20_000 }, async () => {
  const server = await startRedisServer();
  await server.kill();
  const dataDir = mkdtempSync(join(tmpdir(), 'clarion-cold-'));
  const config = testConfig({ redisUrl: server.url, commandTimeoutMs: 200 });
  const started = Date.now();
  const log = await createEventLog({ config, dataDir, instanceId: 'cold-1', registry: new Registry(), logger: silentLogger });
  assert.ok(Date.now() - started < 500, 'start does not wait for Redis');
  const ids: string[] = [];
  for (let i = 0; i < 50; i++) {
    const id = log.newId();
    ids.push(id);
    const t = process.hrtime.bigint();
    log.record(eventInput({ id }));
    assert.ok(process.hrtime.bigint() - t < 5_000_000n, 'record() returns at once');
  }
  await log.close(); // SIGTERM path: Redis down, so the queue goes to the spool
  assert.equal(log.health().queued, 0);
  assert.equal(log.health().spooled, 50);

  await server.restart();
  const client = new Redis(server.url);
  const again = await createEventLog({ config, dataDir, instanceId: 'cold-1', registry: new Registry(), logger: silentLogger });
  try {
    await drained(again);
    assert.deepEqual(await streamIds(client, `${config.redis.prefix}events`), ids);
  } finally {
    await again.close();
    client.disconnect();
    await server.stop();
  }
});
