/**
 * The embedded file store's write path: day segments created on demand, and a data directory
 * removed under a running proxy is recreated instead of losing the batch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEvent } from '../../../src/events/build.js';
import { EventsConfigSchema } from '../../../src/events/config.js';
import { FileEventStore } from '../../../src/storage/file/events.js';
import { createIdGenerator, eventIdTime } from '../../../src/events/id.js';
import { eventInput } from '../../events/fixtures.js';

test('appends to the day segment, recreating a removed events directory', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'clarion-fs-'));
  const config = EventsConfigSchema.parse({});
  const store = new FileEventStore(dataDir, config);
  const ids = createIdGenerator();
  const first = buildEvent(eventInput({ id: ids() }), 'test', config.redaction);
  await store.append([first]);
  rmSync(join(dataDir, 'events'), { recursive: true, force: true });
  const second = buildEvent(eventInput({ id: ids() }), 'test', config.redaction);
  await store.append([second]);
  const segment = readFileSync(store.segmentPath(second.time.slice(0, 10)), 'utf8');
  assert.ok(segment.includes(second.id), 'the batch after the removal is stored');
  assert.equal(segment.trim().split('\n').length, 1);
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('get(id) goes through the index of the id day: a fresh store finds every event, and no other segment is read', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'clarion-fs-idx-'));
  const config = EventsConfigSchema.parse({});
  const writer = new FileEventStore(dataDir, config);
  const ids = createIdGenerator();
  const events = Array.from({ length: 50 }, () => buildEvent(eventInput({ id: ids() }), 'test', config.redaction));
  await writer.append(events.slice(0, 20));
  await writer.append(events.slice(20));
  // A "segment" of a far-away day that cannot be read at all: scanning every segment would throw.
  mkdirSync(join(dataDir, 'events', '2020-01-01.jsonl'));
  const reader = new FileEventStore(dataDir, config);
  for (const event of [events[0], events[19], events[20], events[49]]) {
    assert.equal((await reader.get(event?.id ?? ''))?.id, event?.id);
  }
  const index = readFileSync(reader.indexPath(new Date(eventIdTime(events[0]?.id ?? '') ?? 0).toISOString().slice(0, 10)), 'utf8')
    .trim()
    .split('\n');
  assert.equal(index.length, 50);
  assert.equal(await reader.get(ids()), null, 'an unknown id of the same day: the index says no');
  assert.equal(await reader.label(ids(), { verdict: 'needed', note: null, time: 't', source: 'analyst' }), false);
  assert.equal(await reader.label(events[7]?.id ?? '', { verdict: 'needed', note: null, time: 't', source: 'analyst' }), true);
  assert.deepEqual(
    (await reader.get(events[7]?.id ?? ''))?.labels.map((l) => l.source),
    ['analyst'],
  );
  rmSync(dataDir, { recursive: true, force: true });
});
