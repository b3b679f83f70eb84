import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createIdGenerator, eventIdTime, isEventId } from '../../src/events/id.js';
import { cpuMillis } from '../helpers/cpu.js';

test('ids are 26 Crockford base32 characters that encode their millisecond', () => {
  const now = 1_795_000_000_123;
  const id = createIdGenerator(() => now)();
  assert.ok(isEventId(id), id);
  assert.equal(eventIdTime(id), now);
  assert.equal(eventIdTime('not-an-id'), null);
});

test('one generator: strictly increasing, even when the clock steps back', () => {
  let t = 1_795_000_000_000;
  const steps = [0, 0, 1, -5, 0, 3];
  let i = 0;
  const next = createIdGenerator(() => (t += steps[i++ % steps.length] ?? 0));
  const ids = Array.from({ length: 10_000 }, () => next());
  for (let k = 1; k < ids.length; k++) assert.ok((ids[k - 1] ?? '') < (ids[k] ?? ''), `${ids[k - 1]} < ${ids[k]}`);
});

test('several generators (instances) in the same millisecond never collide and sort by time first', () => {
  const fixed = () => 1_795_000_000_000;
  const gens = Array.from({ length: 8 }, () => createIdGenerator(fixed));
  const seen = new Set<string>();
  for (let k = 0; k < 20_000; k++) for (const gen of gens) seen.add(gen());
  assert.equal(seen.size, 8 * 20_000);
  const early = createIdGenerator(() => 1_795_000_000_000)();
  const late = createIdGenerator(() => 1_795_000_000_001)();
  assert.ok(early < late);
});

test('generating an id takes well under a microsecond', () => {
  const next = createIdGenerator();
  for (let k = 0; k < 10_000; k++) next();
  const n = 200_000;
  const nsPerId =
    (cpuMillis(() => {
      for (let k = 0; k < n; k++) next();
    }) *
      1e6) /
    n;
  assert.ok(nsPerId < 1_000, `${nsPerId.toFixed(0)} ns of CPU per id`);
});
