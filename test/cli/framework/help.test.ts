/** `--help` text is rendered from the declaration alone. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arg, command, group, lazy, optionalArg, restArgs } from '../../../src/cli/framework/command.js';
import { commandHelp, groupHelp, usageLine } from '../../../src/cli/framework/help.js';
import { flag, list, number, string } from '../../../src/cli/framework/options.js';

const label = command({
  summary: 'label an event',
  description: 'Labels are kept; the latest wins.',
  args: [arg('id', 'the event id'), optionalArg('verdict', 'needed | unneeded')],
  options: {
    policy: string('FILE', 'the policy', { required: true }),
    limit: number('N', 'at most N', { default: 50 }),
    models: list('M[,N]', 'models', { section: 'filters' }),
    json: flag('JSON lines', { short: 'j' }),
    note: string(
      'TEXT',
      'a long description that goes on and on about what the note is for, who reads it, where it is kept and for how long, so that it wraps',
    ),
  },
  async run() {
    return 0;
  },
});

test('usage line: arguments by name, required options spelled out, [options] last', () => {
  assert.equal(usageLine('clarion events label', label), 'usage: clarion events label ID [VERDICT] --policy FILE [options]');
  const rest = command({ args: [restArgs('text', 'words')], options: {}, run: async () => 0 });
  assert.equal(usageLine('clarion score', rest), 'usage: clarion score [TEXT...] [options]');
});

test('command help: summary, description, arguments, options with defaults, sections, -h', () => {
  const help = commandHelp('clarion events label', label);
  const lines = help.split('\n');
  assert.equal(lines[0], 'usage: clarion events label ID [VERDICT] --policy FILE [options]');
  assert.equal(lines[2], 'label an event');
  assert.equal(lines[4], 'Labels are kept; the latest wins.');
  assert.match(help, /\narguments:\n {2}ID +the event id\n {2}VERDICT +needed \| unneeded\n/);
  assert.match(help, /\n {2}--limit N +at most N \(default: 50\)\n/);
  assert.match(help, /\n {2}-j, --json +JSON lines\n/);
  assert.match(help, /\n {2}-h, --help +show this help\n/);
  assert.match(help, /\nfilters:\n {2}--models M\[,N\] +models\n/);
  assert.ok(
    lines.every((line) => line.length <= 100),
    'wrapped at 100 columns',
  );
  // Descriptions line up in one column across sections, continuation lines under the text.
  const column = (line: string | undefined): number => line?.search(/(?<=\S {2,})\S/) ?? -1;
  const limit = lines.find((l) => l.startsWith('  --limit'));
  const models = lines.find((l) => l.startsWith('  --models'));
  assert.equal(column(limit), column(models));
  const noteAt = lines.findIndex((l) => l.startsWith('  --note'));
  assert.equal(lines[noteAt + 1]?.search(/\S/), column(lines[noteAt]));
});

test('group help lists children with their summaries, lazy ones without loading them', () => {
  let loaded = false;
  const events = group({
    summary: 'the event log',
    commands: {
      label,
      later: lazy('loaded on demand', async () => {
        loaded = true;
        return { default: label };
      }),
    },
  });
  const help = groupHelp('clarion events', events);
  assert.match(help, /^usage: clarion events <command> \[options\]\n\nthe event log\n\ncommands:\n {2}label +label an event\n {2}later +loaded on demand\n/);
  assert.match(help, /run 'clarion events <command> --help'/);
  assert.equal(loaded, false);
});
