/** From a command line to an exit code: 0 done, 1 the command failed, 2 the command line is wrong. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { arg, command, group, lazy } from '../../../src/cli/framework/command.js';
import { dispatch } from '../../../src/cli/framework/dispatch.js';
import { write } from '../../../src/cli/framework/io.js';
import { flag, UsageError } from '../../../src/cli/framework/options.js';
import { PolicyError } from '../../../src/policy/load.js';
import { Capture } from '../../helpers/cli.js';

let loads = 0;
const calls: unknown[] = [];

const echo = command({
  summary: 'print the id',
  args: [arg('id', 'an id')],
  options: { loud: flag('shout') },
  async run({ args, values, io, path }) {
    calls.push({ args, values, path });
    await write(io.stdout, `${values.loud ? args.id.toUpperCase() : args.id}\n`);
    return 0;
  },
});

const tree = group({
  summary: 'a test tool',
  commands: {
    echo,
    fail: command({ summary: 'fails', options: {}, run: async () => 1 }),
    crash: command({
      summary: 'throws',
      options: {},
      run: async () => {
        throw new Error('store unreachable');
      },
    }),
    misuse: command({
      summary: 'finds a usage problem itself',
      options: {},
      run: async () => {
        throw new UsageError('give one of A or B');
      },
    }),
    invalid: command({
      summary: 'reads a bad file',
      options: {},
      run: async () => {
        throw new PolicyError('/etc/p.yaml', ['norms[0].then.action: Invalid option', 'extra: unknown field']);
      },
    }),
    sub: lazy('a lazily loaded group', async () => {
      loads++;
      return { default: group({ commands: { echo } }) };
    }),
  },
});

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await dispatch(tree, 'tool', argv, { stdout, stderr, env: {}, cwd: '/' });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** A usage error: exactly one problem line and one hint line on stderr, nothing on stdout, exit 2. */
function assertUsageError(result: { code: number; stdout: string; stderr: string }, line: string, hintPath: string): void {
  assert.equal(result.code, 2);
  assert.equal(result.stdout, '');
  assert.equal(result.stderr, `${line}\nrun '${hintPath} --help' for usage\n`);
}

describe('dispatch', () => {
  test('runs the command with typed values and its path', async () => {
    calls.length = 0;
    assert.deepEqual(await run('echo', 'hi', '--loud'), { code: 0, stdout: 'HI\n', stderr: '' });
    assert.deepEqual(calls, [{ args: { id: 'hi' }, values: { loud: true }, path: 'tool echo' }]);
  });

  test('the exit code is the handler result; a thrown error is one line on stderr and exit 1', async () => {
    assert.equal((await run('fail')).code, 1);
    assert.deepEqual(await run('crash'), { code: 1, stdout: '', stderr: 'tool crash: store unreachable\n' });
  });

  test('an invalid file: the file and one line per problem, exit 1', async () => {
    const { code, stderr } = await run('invalid');
    assert.equal(code, 1);
    assert.equal(stderr, 'tool invalid: invalid policy /etc/p.yaml:\n  norms[0].then.action: Invalid option\n  extra: unknown field\n');
  });

  test('usage errors, wherever they are found: one line plus a hint, exit 2', async () => {
    assertUsageError(await run('constructor'), 'tool: unknown command "constructor"', 'tool');
    assertUsageError(await run('echo', 'a', '--toString'), 'tool echo: unknown option --toString', 'tool echo');
    assertUsageError(await run('ech'), 'tool: unknown command "ech" (did you mean "echo"?)', 'tool');
    assertUsageError(await run('--verbose'), 'tool: unknown option --verbose', 'tool');
    assertUsageError(await run('echo'), 'tool echo: missing ID', 'tool echo');
    assertUsageError(await run('echo', 'a', '--quiet'), 'tool echo: unknown option --quiet', 'tool echo');
    assertUsageError(await run('misuse'), 'tool misuse: give one of A or B', 'tool misuse');
    assertUsageError(await run('sub', 'nope'), 'tool sub: unknown command "nope"', 'tool sub');
    assertUsageError(await run('help', 'nope'), 'tool: unknown command "nope"', 'tool');
    assertUsageError(await run('help', 'echo', 'more'), 'tool echo: unexpected argument "more"', 'tool echo');
  });

  test('--help, -h and help COMMAND print help on stdout, exit 0', async () => {
    const top = await run('--help');
    assert.equal(top.code, 0);
    assert.match(top.stdout, /^usage: tool <command> \[options\]\n\na test tool\n/);
    assert.deepEqual(await run('-h'), top);
    const sub = await run('echo', '--help');
    assert.equal(sub.code, 0);
    assert.match(sub.stdout, /^usage: tool echo ID \[options\]\n\nprint the id\n/);
    assert.deepEqual(await run('help', 'echo'), sub);
    assert.deepEqual(await run('echo', '-h', '--bogus'), sub);
    const nested = await run('help', 'sub', 'echo');
    assert.match(nested.stdout, /^usage: tool sub echo ID \[options\]/);
  });

  test('a group given no command prints its help on stderr, exit 2', async () => {
    const { code, stdout, stderr } = await run();
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /^usage: tool <command> \[options\]/);
  });

  test('a lazy entry is loaded only when its command line reaches it, and keeps its listed summary', async () => {
    loads = 0;
    await run('echo', 'x');
    await run('--help');
    assert.equal(loads, 0);
    const help = await run('sub', '--help');
    assert.equal(loads, 1);
    assert.match(help.stdout, /^usage: tool sub <command> \[options\]\n\na lazily loaded group\n/);
    assert.equal((await run('sub', 'echo', 'deep')).stdout, 'deep\n');
  });
});
