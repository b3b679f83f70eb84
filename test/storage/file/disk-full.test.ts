/**
 * A full disk (issue 10, item 12). A write that fails part-way must leave no torn line behind:
 * the next event must not be glued onto it (file store) or go missing from the spool replay, and
 * every event is either stored or counted as dropped. The disk is "filled" with the process's own
 * file-size limit (prlimit RLIMIT_FSIZE: the write stops part-way with EFBIG, as it would with
 * ENOSPC), lifted again once the batch has failed, as when an operator frees space.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { Registry } from 'prom-client';
import { buildEvent } from '../../../src/events/build.js';
import { EventsConfigSchema } from '../../../src/events/config.js';
import { createIdGenerator } from '../../../src/events/id.js';
import { createEventLog } from '../../../src/events/log.js';
import { Spool } from '../../../src/events/spool.js';
import type { ClarionEvent } from '../../../src/events/schema.js';
import { FileEventStore } from '../../../src/storage/file/events.js';
import { appendWhole } from '../../../src/storage/lines.js';
import { eventInput, silentLogger, testConfig } from '../../events/fixtures.js';
import { freePort } from '../../helpers/redis-server.js';

function hasPrlimit(): boolean {
  try {
    execFileSync('prlimit', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const skip = hasPrlimit() ? false : 'prlimit (util-linux) is not installed';

/** Runs `work` with regular files limited to `bytes` (writes past it fail part-way), then lifts the limit. */
async function withDiskFullAt<T>(bytes: number, work: () => Promise<T>): Promise<T> {
  execFileSync('prlimit', ['--pid', String(process.pid), `--fsize=${bytes}:unlimited`]);
  try {
    return await work();
  } finally {
    execFileSync('prlimit', ['--pid', String(process.pid), '--fsize=unlimited:unlimited']);
  }
}

const config = EventsConfigSchema.parse({});

function events(n: number): ClarionEvent[] {
  const next = createIdGenerator();
  return Array.from({ length: n }, (_, i) => buildEvent(eventInput({ id: next(), text: `translate this, number ${i}` }), 'disk', config.redaction));
}

/** Every line of a JSONL file parses (no torn or glued line), and the file ends with a newline. */
function assertWholeLines(path: string): number {
  const text = readFileSync(path, 'utf8');
  assert.ok(text.endsWith('\n'), `${path} ends with a newline`);
  const lines = text.slice(0, -1).split('\n');
  for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), `a whole line: ${line.slice(0, 80)}`);
  return lines.length;
}

/** A warn-level logger whose lines are kept in `messages`, for asserting what was reported. */
function warnLog(): { messages: string[]; logger: pino.Logger } {
  const messages: string[] = [];
  const logger = pino(
    { level: 'warn' },
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        messages.push(chunk.toString('utf8'));
        callback();
      },
    }),
  );
  return { messages, logger };
}

test('appendWhole: a write that fails part-way is cut back; a torn tail left by a crash is closed first', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'clarion-append-whole-'));
  const path = join(dir, 'x.jsonl');
  await appendWhole(path, '{"a":1}\n');
  await assert.rejects(withDiskFullAt(20, () => appendWhole(path, `{"b":"${'x'.repeat(100)}"}\n`)));
  assert.equal(statSync(path).size, 8, 'nothing of the failed write is left');
  writeFileSync(path, '{"torn":', { flag: 'a' });
  const start = await appendWhole(path, '{"c":3}\n');
  assert.equal(readFileSync(path, 'utf8'), '{"a":1}\n{"torn":\n{"c":3}\n');
  assert.equal(start, '{"a":1}\n{"torn":\n'.length, 'the offset where the new text starts');
});

test('file store: after a failed batch the next one is stored whole and found by id', { skip }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'clarion-disk-full-store-'));
  const store = new FileEventStore(dataDir, config);
  const [before, failing, after] = [events(20), events(20), events(20)];
  assert.equal((await store.append(before)).written, 20);
  const segment = store.segmentPath((before[0] as ClarionEvent).time.slice(0, 10));
  const size = statSync(segment).size;
  const outcome = await withDiskFullAt(size + 1_000, () => store.append(failing));
  assert.equal(outcome.failed.length, 20, 'the batch failed as a whole');
  assert.equal(statSync(segment).size, size, 'no torn line left in the segment');
  assert.equal((await store.append(after)).written, 20);

  assert.equal(assertWholeLines(segment), 40);
  const stored: string[] = [];
  for await (const event of store.list({ order: 'asc' })) stored.push(event.id);
  assert.deepEqual(
    stored,
    [...before, ...after].map((e) => e.id),
  );
  const fresh = new FileEventStore(dataDir, config);
  for (const event of after) assert.equal((await fresh.get(event.id))?.id, event.id, 'found through the index');
  for (const event of failing) assert.equal(await fresh.get(event.id), null);
});

test('spool: after a failed append nothing is missing from the replay', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'clarion-disk-full-spool-'));
  const spool = new Spool(dir, 'disk-1', 60_000);
  await spool.init();
  const lines = (list: ClarionEvent[]) => `${list.map((e) => JSON.stringify(e)).join('\n')}\n`;
  const [before, failing, after] = [events(49), events(10), events(50)];
  await spool.append(lines(before), before.length);
  const size = statSync(spool.file).size;
  await assert.rejects(withDiskFullAt(size + 500, () => spool.append(lines(failing), failing.length)));
  await spool.append(lines(after), after.length);
  assert.equal(spool.pending, 99);

  const replayed: string[] = [];
  let corrupt = 0;
  for (let batch = await spool.nextBatch(1_000); batch !== null; batch = await spool.nextBatch(1_000)) {
    replayed.push(...batch.events.map((e) => e.id));
    corrupt += batch.corrupt;
    await batch.commit();
  }
  assert.equal(corrupt, 0);
  assert.deepEqual(
    replayed,
    [...before, ...after].map((e) => e.id),
    '99 spooled, 99 replayed',
  );
});

test('event log on the file store: every event is stored or counted as dropped, and readiness says so', { skip }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'clarion-disk-full-log-'));
  const registry = new Registry();
  const log = await createEventLog({ config: testConfig(), dataDir, instanceId: 'disk-log', registry, logger: silentLogger });
  const record = (n: number) => {
    for (let i = 0; i < n; i++) log.record(eventInput({ id: log.newId(), text: `translate this, ${i}` }));
  };
  try {
    record(30);
    await log.flush();
    const sizeNow = statSync(join(dataDir, 'events', `${new Date().toISOString().slice(0, 10)}.jsonl`)).size;
    await withDiskFullAt(sizeNow + 2_000, async () => {
      record(30);
      await log.flush();
    });
    assert.equal(log.health().dropping, true, 'readiness reports the loss');
    record(30);
    await log.flush();
    const dropped = (await registry.getSingleMetric('clarion_events_dropped_total')?.get())?.values[0]?.value ?? 0;
    let stored = 0;
    const store = new FileEventStore(dataDir, config);
    for await (const _ of store.list({})) stored++;
    assert.equal(dropped, 30, 'the failed batch is counted');
    assert.equal(stored, 60, 'the rest is stored whole');
    assert.equal(stored + dropped, 90);
  } finally {
    await log.close();
  }
});

test('event log on the file store: a batch that failed is retried once, and stored when space came back', { skip }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'clarion-disk-full-retry-'));
  const registry = new Registry();
  const { messages, logger } = warnLog();
  const log = await createEventLog({ config: testConfig({ events: { writer: { retryMs: 300 } } }), dataDir, instanceId: 'disk-retry', registry, logger });
  const record = (n: number) => {
    for (let i = 0; i < n; i++) log.record(eventInput({ id: log.newId(), text: `translate this, ${i}` }));
  };
  try {
    record(30);
    await log.flush();
    const sizeNow = statSync(join(dataDir, 'events', `${new Date().toISOString().slice(0, 10)}.jsonl`)).size;
    let flushed: Promise<void> = Promise.resolve();
    await withDiskFullAt(sizeNow + 2_000, async () => {
      record(30);
      flushed = log.flush();
      const deadline = Date.now() + 10_000;
      while (!messages.some((m) => m.includes('retrying once')) && Date.now() < deadline) await sleep(20);
    });
    // Space is back before the retry.
    await flushed;
    const dropped = (await registry.getSingleMetric('clarion_events_dropped_total')?.get())?.values[0]?.value ?? 0;
    let stored = 0;
    for await (const _ of new FileEventStore(dataDir, config).list({})) stored++;
    assert.ok(
      messages.some((m) => m.includes('retrying once')),
      'the failure was reported',
    );
    assert.equal(dropped, 0);
    assert.equal(stored, 60);
  } finally {
    await log.close();
  }
});

test('event log spooling (Redis away): a spool write the disk refused is retried once, and every event is spooled or counted', { skip }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'clarion-disk-full-spool-log-'));
  const registry = new Registry();
  const { messages, logger } = warnLog();
  const redisUrl = `redis://127.0.0.1:${await freePort()}`;
  const config = testConfig({ redisUrl, commandTimeoutMs: 200, events: { writer: { retryMs: 300 } } });
  const log = await createEventLog({ config, dataDir, instanceId: 'spool-retry', registry, logger });
  const record = (n: number) => {
    for (let i = 0; i < n; i++) log.record(eventInput({ id: log.newId(), text: `translate this, ${i}` }));
  };
  const dropped = async () => (await registry.getSingleMetric('clarion_events_dropped_total')?.get())?.values[0]?.value ?? 0;
  try {
    record(30);
    await log.flush();
    const spoolFile = join(dataDir, 'spool', 'spool-retry.jsonl');
    // Space comes back before the retry: nothing is lost.
    let flushed: Promise<void> = Promise.resolve();
    await withDiskFullAt(statSync(spoolFile).size + 2_000, async () => {
      record(30);
      flushed = log.flush();
      const deadline = Date.now() + 10_000;
      while (!messages.some((m) => m.includes('spool write failed; retrying once')) && Date.now() < deadline) await sleep(20);
    });
    await flushed;
    assert.equal(await dropped(), 0);
    assert.equal(log.health().spooled, 60);
    // It does not: counted.
    await withDiskFullAt(statSync(spoolFile).size + 2_000, async () => {
      record(30);
      await log.flush();
    });
    assert.equal(await dropped(), 30);
    assert.equal(log.health().spooled, 60);
    assert.equal(assertWholeLines(spoolFile), 60);
  } finally {
    await log.close();
  }
});
