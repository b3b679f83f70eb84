/** The event filters' values: times in every accepted form, and the options mapped onto an EventFilter. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { command } from '../../../src/cli/framework/command.js';
import { UsageError } from '../../../src/cli/framework/options.js';
import { parseCommandLine } from '../../../src/cli/framework/parse.js';
import { eventFilter, FILTER_OPTIONS, parseTime } from '../../../src/cli/events/filters.js';

const NOW = Date.parse('2026-11-05T15:30:00Z');

test('parseTime: ISO dates and times, a time ago, today and yesterday (UTC midnight)', () => {
  assert.equal(parseTime('2026-11-01', NOW), Date.parse('2026-11-01T00:00:00Z'));
  assert.equal(parseTime('2026-11-01T12:00:00Z', NOW), Date.parse('2026-11-01T12:00:00Z'));
  assert.equal(parseTime('30m', NOW), NOW - 30 * 60_000);
  assert.equal(parseTime('1.5h', NOW), NOW - 90 * 60_000);
  assert.equal(parseTime('7d', NOW), NOW - 7 * 86_400_000);
  assert.equal(parseTime('2w', NOW), NOW - 14 * 86_400_000);
  assert.equal(parseTime('today', NOW), Date.parse('2026-11-05T00:00:00Z'));
  assert.equal(parseTime('yesterday', NOW), Date.parse('2026-11-04T00:00:00Z'));
  assert.throws(
    () => parseTime('last tuesday', NOW),
    (error: unknown) => error instanceof UsageError && /not a time: "last tuesday"/.test(error.message),
  );
});

test('eventFilter: only the given filters, lists merged across repeats', () => {
  const probe = command({ options: FILTER_OPTIONS, run: async () => 0 });
  const line = parseCommandLine(probe, [
    '--since',
    '2026-11-01',
    '--action',
    'clarify',
    '--action',
    'defer,pass',
    '--tenant',
    '-',
    '--min-score',
    '0.5',
    '--verdict',
    'unneeded',
  ]);
  assert.ok(!line.help);
  assert.deepEqual(eventFilter(line.values), {
    since: Date.parse('2026-11-01'),
    actions: ['clarify', 'defer', 'pass'],
    tenants: ['-'],
    minScore: 0.5,
    verdicts: ['unneeded'],
  });
  const none = parseCommandLine(probe, []);
  assert.ok(!none.help);
  assert.deepEqual(eventFilter(none.values), {});
});
