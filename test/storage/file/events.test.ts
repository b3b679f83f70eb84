/**
 * The embedded file store's write path: day segments created on demand, and a data directory
 * removed under a running proxy is recreated instead of losing the batch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEvent } from '../../../src/events/build.js';
import { EventsConfigSchema } from '../../../src/events/config.js';
import { FileEventStore } from '../../../src/storage/file/events.js';
import { createIdGenerator } from '../../../src/events/id.js';
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
