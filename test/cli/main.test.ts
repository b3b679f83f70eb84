/**
 * The whole `clarion` command tree, walked from its declaration: every command and group answers
 * --help (exit 0, naming each option and argument), and every kind of usage mistake on every
 * command is one line plus a hint, exit 2.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveEntry, type Command, type Group } from '../../src/cli/framework/command.js';
import { CLARION } from '../../src/cli/main.js';
import { clarion, type CliResult } from '../helpers/cli.js';

interface Node {
  path: string[];
  node: Command | Group;
}

async function walk(path: string[], node: Command | Group): Promise<Node[]> {
  const out: Node[] = [{ path, node }];
  if (node.kind === 'group') {
    for (const [name, entry] of Object.entries(node.commands)) {
      assert.ok((entry.summary ?? '').length > 0, `clarion ${[...path, name].join(' ')} has a summary where it is listed`);
      out.push(...(await walk([...path, name], await resolveEntry(entry))));
    }
  }
  return out;
}

const nodes = await walk([], CLARION);
const commands = nodes.filter((n): n is { path: string[]; node: Command } => n.node.kind === 'command');
const name = (path: string[]): string => ['clarion', ...path].join(' ');

/** One line `clarion <cmd>: <problem>` and the hint, nothing on stdout, exit 2. */
function assertUsageError(result: CliResult, path: string[], problem: RegExp): void {
  assert.equal(result.code, 2, `${name(path)}: ${result.stderr}`);
  assert.equal(result.stdout, '');
  const lines = result.stderr.split('\n');
  assert.equal(lines.length, 3, `two lines: ${result.stderr}`);
  assert.ok(lines[0]?.startsWith(`${name(path)}: `), lines[0]);
  assert.match(lines[0]?.slice(name(path).length + 2) ?? '', problem);
  assert.equal(lines[1], `run '${name(path)} --help' for usage`);
}

test('the tree has every command of the fixed interface', () => {
  const paths = commands.map((c) => c.path.join(' '));
  for (const expected of [
    'serve',
    'score',
    'config check',
    'policy check',
    'policy test',
    'events tail',
    'events list',
    'events show',
    'events stats',
    'events export',
    'events label',
    'replay',
    'reviews list',
    'reviews resolve',
  ]) {
    assert.ok(paths.includes(expected), `clarion ${expected}`);
  }
});

describe('--help on every command and group', () => {
  for (const { path, node } of nodes) {
    test(name(path), async () => {
      const result = await clarion([...path, '--help']);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stderr, '');
      assert.ok(result.stdout.startsWith(`usage: ${name(path)} `), result.stdout);
      if (node.kind === 'group') {
        for (const child of Object.keys(node.commands)) assert.match(result.stdout, new RegExp(`^ {2}${child} `, 'm'), child);
      } else {
        for (const option of Object.keys(node.options)) assert.match(result.stdout, new RegExp(`--${option}\\b`), `--${option}`);
        for (const arg of node.args) assert.match(result.stdout, new RegExp(`\\b${arg.name.toUpperCase()}\\b`), arg.name);
        assert.match(result.stdout, /-h, --help/);
      }
      assert.deepEqual(await clarion([...path, '-h']), result);
      if (path.length > 0) assert.deepEqual(await clarion(['help', ...path]), result);
    });
  }
});

describe('usage errors: one line plus a hint, exit 2', () => {
  test('an unknown option on every command', async () => {
    for (const { path } of commands) assertUsageError(await clarion([...path, '--no-such-option']), path, /^unknown option --no-such-option$/);
  });

  test('a missing value on every option that takes one', async () => {
    for (const { path, node } of commands) {
      for (const [option, spec] of Object.entries(node.options)) {
        if (spec.kind === 'value') assertUsageError(await clarion([...path, `--${option}`]), path, new RegExp(`^--${option} needs a value`));
      }
    }
  });

  test('a missing argument on every command that requires one', async () => {
    for (const { path, node } of commands) {
      const required = node.args.filter((a) => a.required);
      if (required[0] !== undefined) assertUsageError(await clarion(path), path, new RegExp(`^missing ${required[0].name.toUpperCase()}$`));
    }
  });

  test('unknown commands, bad values, conflicting and missing choices', async () => {
    const cases: [string[], string[], RegExp][] = [
      [['frob'], [], /^unknown command "frob"$/],
      [['event', 'list'], [], /^unknown command "event" \(did you mean "events"\?\)$/],
      [['events', 'lst'], ['events'], /^unknown command "lst" \(did you mean "list"\?\)$/],
      [['--bogus'], [], /^unknown option --bogus$/],
      [['events', 'list', '--limit', '0'], ['events', 'list'], /^--limit: expected an integer >= 1, got "0"$/],
      [['events', 'list', '--since', 'someday'], ['events', 'list'], /^--since: not a time: "someday"/],
      [['events', 'list', '--action', 'explode'], ['events', 'list'], /^--action: unknown value "explode" \(one of: pass, /],
      [['events', 'list', '--format', 'json'], ['events', 'list'], /^--format: unknown value "json" \(one of: table, jsonl\)$/],
      [['events', 'list', '--json', '--format', 'table'], ['events', 'list'], /^--json conflicts with --format table$/],
      [['events', 'export', '--json', '--format', 'csv'], ['events', 'export'], /^--json conflicts with --format csv$/],
      [['events', 'list', 'extra'], ['events', 'list'], /^unexpected argument "extra"$/],
      [['events', 'label', '01ABC', 'bogus'], ['events', 'label'], /^VERDICT: unknown value "bogus" \(one of: needed, /],
      [['events', 'tail', '-n', '-1'], ['events', 'tail'], /^-n: expected an integer >= 0, got "-1"$/],
      [['events', 'list', '--json=yes'], ['events', 'list'], /^--json takes no value$/],
      [['score'], ['score'], /^nothing to score: give TEXT, --request FILE or --jsonl$/],
      [['score', 'hello', '--jsonl'], ['score'], /^give only one of TEXT, --request FILE, --jsonl$/],
      [['score', 'x', '--threshold', '1.5'], ['score'], /^--threshold: expected a number in \[0, 1\], got "1.5"$/],
      [['policy', 'test', 'config/policy.yaml'], ['policy', 'test'], /^missing --cases CASES$/],
      [['policy', 'frobnicate', 'x'], ['policy'], /^unknown command "frobnicate"$/],
      [['replay'], ['replay'], /^missing --policy FILE$/],
      [['reviews', 'list', '--status', 'closed'], ['reviews', 'list'], /^--status: unknown value "closed" \(one of: open, resolved, all\)$/],
      [['config', 'check', 'a.yaml', 'b.yaml'], ['config', 'check'], /^unexpected argument "b.yaml"$/],
      [['serve', '--port', '8080'], ['serve'], /^unknown option --port$/],
    ];
    for (const [argv, path, problem] of cases) assertUsageError(await clarion(argv), path, problem);
  });

  test('a group given no command prints its help on stderr, exit 2', async () => {
    for (const { path, node } of nodes) {
      if (node.kind !== 'group') continue;
      const result = await clarion(path);
      assert.equal(result.code, 2, name(path));
      assert.equal(result.stdout, '');
      assert.ok(result.stderr.startsWith(`usage: ${name(path)} <command>`), result.stderr);
    }
  });
});

test('--json is offered by every command but serve (whose logs are JSON already)', () => {
  for (const { path, node } of commands) {
    if (path[0] === 'serve') continue;
    assert.equal(node.options.json?.kind, 'flag', name(path));
  }
});

test('--version prints the package version', async () => {
  const { code, stdout } = await clarion(['--version']);
  assert.equal(code, 0);
  assert.match(stdout, /^\d+\.\d+\.\d+\n$/);
});
