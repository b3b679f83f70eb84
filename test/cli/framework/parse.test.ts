/** Command line -> typed values: every option kind, arguments, and the usage error for each mistake. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { arg, command, optionalArg, restArgs } from '../../../src/cli/framework/command.js';
import { choice, custom, flag, list, number, string, UsageError } from '../../../src/cli/framework/options.js';
import { nearest, parseCommandLine } from '../../../src/cli/framework/parse.js';

const example = command({
  args: [arg('id', 'an id'), optionalArg('verdict', 'a verdict')],
  options: {
    json: flag('json'),
    limit: number('N', 'how many', { integer: true, min: 1, default: 50 }),
    score: number('X', 'a score', { min: 0, max: 1 }),
    format: choice(['table', 'jsonl'], 'format'),
    action: list('A[,B]', 'actions', { choices: ['pass', 'clarify', 'defer'] }),
    model: list('M[,N]', 'models'),
    note: string('TEXT', 'a note'),
    backlog: number('N', 'backlog', { short: 'n', integer: true, min: 0, default: 10 }),
    day: custom('D', 'a day', (raw) => {
      if (!/^\d{4}-\d\d-\d\d$/.test(raw)) throw new UsageError(`not a day: "${raw}"`);
      return raw;
    }),
  },
  async run() {
    return 0;
  },
});

function parse(...argv: string[]) {
  const line = parseCommandLine(example, argv);
  assert.equal(line.help, false);
  if (line.help) throw new Error('unreachable');
  return line;
}

function usageError(argv: string[], message: RegExp): void {
  assert.throws(
    () => parseCommandLine(example, argv),
    (error: unknown) => error instanceof UsageError && message.test(error.message),
    argv.join(' '),
  );
}

describe('parseCommandLine', () => {
  test('defaults, flags off, absent values undefined', () => {
    const { values, args } = parse('e1');
    assert.deepEqual(values, {
      json: false,
      limit: 50,
      score: undefined,
      format: undefined,
      action: undefined,
      model: undefined,
      note: undefined,
      backlog: 10,
      day: undefined,
    });
    assert.deepEqual(args, { id: 'e1', verdict: undefined });
  });

  test('values typed by kind, in every spelling: --x v, --x=v, -n v, -nV; options and arguments interleaved', () => {
    const { values, args } = parse('--limit', '5', 'e1', '--score=0.25', '-n3', '--format', 'jsonl', 'needed', '--json', '--day', '2026-11-01');
    assert.equal(values.limit, 5);
    assert.equal(values.score, 0.25);
    assert.equal(values.backlog, 3);
    assert.equal(values.format, 'jsonl');
    assert.equal(values.json, true);
    assert.equal(values.day, '2026-11-01');
    assert.deepEqual(args, { id: 'e1', verdict: 'needed' });
    assert.equal(parse('e1', '-n', '7').values.backlog, 7);
  });

  test('lists split on commas and add up when repeated', () => {
    assert.deepEqual(parse('e1', '--action', 'pass,clarify', '--action', 'defer').values.action, ['pass', 'clarify', 'defer']);
    assert.deepEqual(parse('e1', '--model', ' gpt-4o , claude ').values.model, ['gpt-4o', 'claude']);
  });

  test('negative numbers and "-" are values; a value after -- is an argument', () => {
    assert.throws(() => parse('e1', '--score', '-0.5'), /--score: expected a number in \[0, 1\], got "-0.5"/);
    assert.equal(parse('e1', '--note', '-').values.note, '-');
    assert.equal(parse('e1', '--note=--loud').values.note, '--loud');
    assert.deepEqual(parse('--', '--json').args, { id: '--json', verdict: undefined });
  });

  test('--help or -h anywhere before -- wins over everything else, mistakes included', () => {
    assert.equal(parseCommandLine(example, ['--bogus', '--help']).help, true);
    assert.equal(parseCommandLine(example, ['-h']).help, true);
    assert.equal(parseCommandLine(example, ['e1', '--', '--help']).help, false);
  });

  test('each mistake is a UsageError that says what is wrong', () => {
    usageError(['e1', '--bogus'], /^unknown option --bogus$/);
    usageError(['e1', '--limt', '3'], /^unknown option --limt \(did you mean --limit\?\)$/);
    usageError(['e1', '-x'], /^unknown option -x$/);
    usageError(['e1', '--limit'], /^--limit needs a value \(N\)$/);
    usageError(['e1', '--note', '--json'], /^--note needs a value \(TEXT\)$/);
    usageError(['e1', '--json=yes'], /^--json takes no value$/);
    usageError(['e1', '--limit', 'many'], /^--limit: expected an integer >= 1, got "many"$/);
    usageError(['e1', '--limit', '2.5'], /^--limit: expected an integer >= 1, got "2.5"$/);
    usageError(['e1', '--limit', ''], /^--limit: expected an integer >= 1, got ""$/);
    usageError(['e1', '--score', '2'], /^--score: expected a number in \[0, 1\], got "2"$/);
    usageError(['e1', '--format', 'xml'], /^--format: unknown value "xml" \(one of: table, jsonl\)$/);
    usageError(['e1', '--action', 'pass,explode'], /^--action: unknown value "explode" \(one of: pass, clarify, defer\)$/);
    usageError(['e1', '--action', ','], /^--action: expected A\[,B\], got ","$/);
    usageError(['e1', '--day', 'monday'], /^--day: not a day: "monday"$/);
    usageError([], /^missing ID$/);
    usageError(['e1', 'needed', 'extra'], /^unexpected argument "extra"$/);
  });

  test('required options, argument choices and variadic arguments', () => {
    const strict = command({
      args: [arg('verdict', 'v', { choices: ['needed', 'unneeded'] }), restArgs('words', 'w')],
      options: { policy: string('FILE', 'the policy', { required: true }) },
      async run() {
        return 0;
      },
    });
    assert.throws(() => parseCommandLine(strict, ['needed']), /^UsageError: missing --policy FILE$/);
    assert.throws(() => parseCommandLine(strict, ['maybe', '--policy', 'p']), /^UsageError: VERDICT: unknown value "maybe" \(one of: needed, unneeded\)$/);
    const line = parseCommandLine(strict, ['needed', 'a', 'b', '--policy', 'p.yaml', 'c']);
    assert.deepEqual(line.help ? null : [line.values, line.args], [{ policy: 'p.yaml' }, { verdict: 'needed', words: ['a', 'b', 'c'] }]);
  });
});

test('nearest suggests only close names', () => {
  assert.equal(nearest('limt', ['limit', 'list']), 'limit');
  assert.equal(nearest('stat', ['stats', 'show', 'tail']), 'stats');
  assert.equal(nearest('frobnicate', ['stats', 'show', 'tail']), undefined);
});
