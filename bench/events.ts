/**
 * Event-writer throughput against the local Redis (REDIS_URL or redis://127.0.0.1:6379) and the
 * file store: how many events per second the writer stores, how deep its pipelines get, and what
 * record() costs the request path. Bounded to a few seconds per store.
 *
 *   npx tsx bench/events.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import pino from 'pino';
import { Registry } from 'prom-client';
import type { Config } from '../src/config/schema.js';
import type { EventInput } from '../src/events/input.js';
import { createEventLog, type EventLog } from '../src/events/log.js';
import { deleteKeys, eventInput, testConfig } from '../test/events/fixtures.js';

export interface EventsBenchResult {
  /** Redis: events stored per second (record -> confirmed in the stream). */
  eventsPerSecond: number;
  /** Average events per Redis pipeline (one round trip). */
  pipelineDepth: number;
  maxPipelineDepth: number;
  events: number;
  seconds: number;
  /** File store: events appended per second. */
  fileEventsPerSecond: number;
  /** Cost of one record() call on the request path, nanoseconds. */
  recordNanos: number;
  /** p99 event-loop delay while the Redis writer ran flat out (what a concurrent request could wait), ms. */
  loopDelayP99Ms: number;
}

const EVENTS = 100_000;
const TIME_BUDGET_MS = 6_000;
const CHUNK = 2_000;

/** A realistic event (the tests' builder) varied by `i` across models, tenants, conversations and actions. */
function input(id: string, i: number): EventInput {
  const pass = i % 3 === 0;
  return {
    ...eventInput({
      id,
      text: `Translate this paragraph for the newsletter, version ${i}; contact ops@example.com if unclear.`,
      context: {
        model: i % 2 === 0 ? 'gpt-4o-mini' : 'claude-sonnet-4',
        tenant: `tenant-${i % 7}`,
        headers: {},
        conversationId: `conv-${i % 1000}`,
      },
      assessment: { score: 0.81, categories: ['aleatoric', 'linguistic'], detectorVersion: 'bench' },
      decision: { action: pass ? 'pass' : 'clarify', mode: pass ? null : 'respond', policyVersion: 'bench', reason: 'bench' },
    }),
    requestId: `req-${i}`,
    detectorMicros: 35,
    upstreamStatus: 200,
    upstreamMs: 900,
  };
}

function config(redisUrl: string | undefined, prefix: string): Config {
  // A queue large enough that the bench measures the store, not the spill to disk.
  return testConfig({ ...(redisUrl === undefined ? {} : { redisUrl }), prefix, events: { writer: { queueCapacity: 1_000_000 } } });
}

/** Records as fast as the loop allows (yielding between chunks), then waits until everything is stored. */
async function drive(log: EventLog): Promise<{ events: number; seconds: number; recordNanos: number }> {
  const start = process.hrtime.bigint();
  let recordTime = 0n;
  let n = 0;
  while (n < EVENTS && Number(process.hrtime.bigint() - start) / 1e6 < TIME_BUDGET_MS) {
    const inputs: EventInput[] = [];
    for (let i = 0; i < CHUNK; i++) inputs.push(input(log.newId(), n + i));
    const t = process.hrtime.bigint();
    for (const item of inputs) log.record(item);
    recordTime += process.hrtime.bigint() - t;
    n += CHUNK;
    await new Promise((resolve) => setImmediate(resolve));
  }
  await log.flush();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { events: n, seconds, recordNanos: Number(recordTime) / n };
}

export async function benchEvents(): Promise<EventsBenchResult> {
  const logger = pino({ level: 'warn' });
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `clarion-bench:${process.pid}:${Date.now()}:`;
  const dataDir = mkdtempSync(join(tmpdir(), 'clarion-bench-events-'));
  const redisLog = await createEventLog({ config: config(url, prefix), dataDir, instanceId: 'bench', registry: new Registry(), logger });
  const admin = new Redis(url);
  try {
    for (let i = 0; i < 100 && redisLog.health().redis !== 'up'; i++) await new Promise((r) => setTimeout(r, 20));
    if (redisLog.health().redis !== 'up') throw new Error(`Redis at ${url} is not reachable`);
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const redis = await drive(redisLog);
    loop.disable();
    const health = redisLog.health();
    if (health.spooled > 0 || health.queued > 0) throw new Error(`bench did not drain: ${JSON.stringify(health)}`);
    const stats = redisLog.writerStats();
    await redisLog.close();
    const stored = await admin.xlen(`${prefix}events`);
    if (stored !== redis.events) throw new Error(`stored ${stored} of ${redis.events} events`);

    const fileLog = await createEventLog({ config: config(undefined, prefix), dataDir, instanceId: 'bench', registry: new Registry(), logger });
    const file = await drive(fileLog);
    await fileLog.close();
    return {
      eventsPerSecond: Math.round(redis.events / redis.seconds),
      pipelineDepth: Math.round(stats.events / Math.max(1, stats.pipelines)),
      maxPipelineDepth: stats.maxDepth,
      events: redis.events,
      seconds: Number(redis.seconds.toFixed(2)),
      fileEventsPerSecond: Math.round(file.events / file.seconds),
      recordNanos: Math.round(redis.recordNanos),
      loopDelayP99Ms: Number((loop.percentile(99) / 1e6).toFixed(2)),
    };
  } finally {
    await redisLog.close();
    await deleteKeys(admin, prefix);
    admin.disconnect();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await benchEvents();
  process.stdout.write(
    [
      `event writer, Redis:      ${result.eventsPerSecond.toLocaleString('en-US')} events/s (${result.events} events in ${result.seconds} s)`,
      `pipeline depth:           ${result.pipelineDepth} events per round trip on average, ${result.maxPipelineDepth} at most`,
      `event writer, file store: ${result.fileEventsPerSecond.toLocaleString('en-US')} events/s`,
      `record() on the request path: ${result.recordNanos} ns per event`,
      `event-loop delay p99 while writing flat out: ${result.loopDelayP99Ms} ms`,
    ].join('\n') + '\n',
  );
}
