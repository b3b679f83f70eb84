/**
 * `clarion_redis_up` follows Redis after a stall (issue 10, item 15). A paused Redis keeps its
 * connection open, so no reconnect ever announces it is back: the gauge must come back to 1 from
 * the first write that succeeds again, not stay at 0 while Redis serves.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { createEventLog } from '../../src/events/log.js';
import { startRedisServer } from '../helpers/redis-server.js';
import { eventInput, silentLogger, testConfig } from './fixtures.js';

async function gauge(registry: Registry, name: string): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  return metric?.values[0]?.value ?? NaN;
}

async function waitForGauge(registry: Registry, value: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await gauge(registry, 'clarion_redis_up')) !== value) {
    if (Date.now() > deadline) throw new Error(`clarion_redis_up did not become ${value} within ${timeoutMs} ms`);
    await sleep(50);
  }
}

test('clarion_redis_up goes to 0 during a Redis stall and back to 1 when Redis answers again', { timeout: 30_000 }, async () => {
  const server = await startRedisServer();
  const dataDir = mkdtempSync(join(tmpdir(), 'clarion-redis-up-'));
  const config = testConfig({ redisUrl: server.url, commandTimeoutMs: 200, events: { writer: { retryMs: 100 } } });
  const registry = new Registry();
  const log = await createEventLog({ config, dataDir, instanceId: 'up-1', registry, logger: silentLogger });
  const admin = new Redis(server.url);
  try {
    log.record(eventInput({ id: log.newId() }));
    await log.flush();
    await waitForGauge(registry, 1, 5_000);

    await admin.call('CLIENT', 'PAUSE', '1500', 'WRITE');
    log.record(eventInput({ id: log.newId() }));
    await waitForGauge(registry, 0, 5_000);

    // Redis serves again after the pause; the connection never dropped, so no 'ready' event comes.
    await waitForGauge(registry, 1, 8_000);
    assert.equal(log.health().redis, 'up');
  } finally {
    admin.disconnect();
    await log.close();
    await server.stop();
  }
});
