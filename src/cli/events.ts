/**
 * `clarion events ...`: the analysts' view of the ambiguity event log, on Redis or the file store.
 * Reads the config like `clarion serve` (CLARION_CONFIG, REDIS_URL); `--data-dir` picks the
 * embedded store's directory.
 */
import { createBreakdown, DEFAULT_MIN_LABELLED, DEFAULT_MIN_RATIO, disparity, GROUP_KEYS } from '../events/breakdown.js';
import { LabelSourceSchema, VerdictSchema } from '../events/schema.js';
import { bareEventId } from '../events/capability.js';
import { addLabel } from '../events/labels.js';
import type { EventStore, StoredEvent } from '../events/store.js';
import { arg, command, group } from './framework/command.js';
import { jsonLine, write, type CliIo } from './framework/io.js';
import { choice, flag, JSON_OPTION, list, number, string, UsageError } from './framework/options.js';
import { breakdownLines, disparityLines, formatBreakdown, formatDisparity } from './events/breakdown.js';
import { eventFilter, FILTER_OPTIONS } from './events/filters.js';
import { CSV_COLUMNS, csvRow, formatStats, tableHeader, tableRow } from './events/render.js';
import { STORE_OPTIONS, withEventStore } from './sources.js';

/** `--json` picks the command's machine-readable format; it cannot be combined with another `--format`. */
function outputFormat<F extends string>(format: F | undefined, json: boolean, jsonFormat: F, fallback: F): F {
  if (json && format !== undefined && format !== jsonFormat) throw new UsageError(`--json conflicts with --format ${format}`);
  return json ? jsonFormat : (format ?? fallback);
}

/** The options of the commands that print events as a table or JSON lines (`tail`, `list`). */
const EVENT_LINES_OPTIONS = {
  format: choice(['table', 'jsonl'], 'table (default) or jsonl'),
  json: JSON_OPTION,
  ...FILTER_OPTIONS,
  ...STORE_OPTIONS,
};

/** Prints events as they come, one table row or JSON line each, stopping after `max`. */
async function printEvents(events: AsyncIterable<StoredEvent>, format: 'table' | 'jsonl', io: CliIo, max = Infinity): Promise<number> {
  if (format === 'table') await write(io.stdout, tableHeader());
  let count = 0;
  for await (const event of events) {
    await write(io.stdout, format === 'jsonl' ? jsonLine(event) : tableRow(event));
    if (++count >= max) break;
  }
  return 0;
}

const tail = command({
  summary: 'print the last N matching events, then follow new ones as they are stored (Ctrl-C stops)',
  options: {
    backlog: number('N', 'first print the last N stored events', { short: 'n', integer: true, min: 0, default: 10 }),
    max: number('N', 'exit after N events', { integer: true, min: 1 }),
    ...EVENT_LINES_OPTIONS,
  },
  async run({ values, io }) {
    const format = outputFormat(values.format, values.json, 'jsonl', 'table');
    const filter = eventFilter(values);
    return withEventStore(values, io, async (store) => {
      const controller = new AbortController();
      const stop = (): void => controller.abort();
      io.signal?.addEventListener('abort', stop, { once: true });
      const ownSignal = io.signal === undefined;
      if (ownSignal) process.once('SIGINT', stop);
      try {
        return await printEvents(store.tail(filter, { backlog: values.backlog, signal: controller.signal }), format, io, values.max);
      } finally {
        if (ownSignal) process.off('SIGINT', stop);
        io.signal?.removeEventListener('abort', stop);
      }
    });
  },
});

const listEvents = command({
  summary: 'list matching events, newest first',
  options: {
    limit: number('N', 'at most N events', { integer: true, min: 1, default: 50 }),
    ...EVENT_LINES_OPTIONS,
  },
  async run({ values, io }) {
    const format = outputFormat(values.format, values.json, 'jsonl', 'table');
    const filter = { ...eventFilter(values), limit: values.limit, order: 'desc' as const };
    return withEventStore(values, io, (store) => printEvents(store.list(filter), format, io));
  },
});

/** An unknown event id: one line on stderr, exit 1. */
async function noSuchEvent(io: CliIo, path: string, id: string): Promise<number> {
  await write(io.stderr, `${path}: no event with id ${id}\n`);
  return 1;
}

const show = command({
  summary: 'one event with everything, labels included (exit 1 when the id is unknown)',
  args: [arg('id', 'the event id (x-clarion-event-id)')],
  options: { json: JSON_OPTION, ...STORE_OPTIONS },
  async run({ args, values, io, path }) {
    return withEventStore(values, io, async (store: EventStore) => {
      const event = await store.get(bareEventId(args.id));
      if (event === null) return noSuchEvent(io, path, args.id);
      // People get the event indented; --json gets it on one line.
      await write(io.stdout, values.json ? jsonLine(event) : `${JSON.stringify(event, null, 2)}\n`);
      return 0;
    });
  },
});

const stats = command({
  summary: 'counts and rates by day, action, category, signal, model, tenant and latest verdict; per group with --by',
  description: `On Redis, with no filter but whole-day --since/--until, the per-day rollups answer at once
(source: rollup); any other filter counts the stored events (source: scan).

--by KEY shows, per group, the rates of clarify / annotate / defer, the labelled precision of the
interventions, the rate of unneeded questions and the share of missed gaps, each with a 95% Wilson
interval. KEY is one of:
${GROUP_KEYS.join(', ')}.
--verdicts shows the latest verdicts per group instead (by norm unless --by says otherwise: the
verdict x norm table). --disparity flags the groups whose rate of unneeded questions is far above
the overall rate (by tenant unless --by says otherwise). These views always scan the stored
events; --json prints one JSON object per group, the overall row first. See
docs/transparency.md for what the disparity view does not prove.`,
  options: {
    format: choice(['table', 'json'], 'table (default) or json'),
    json: JSON_OPTION,
    scan: flag('count the stored events instead of reading the daily rollups'),
    by: choice(GROUP_KEYS, 'figures per group of this key'),
    verdicts: flag('latest verdicts per group (default --by norm): the verdict x norm table'),
    disparity: flag('flag groups whose rate of unneeded questions is far above the overall rate (default --by tenant)'),
    'min-labelled': number('N', `--disparity: groups with fewer labelled events are not flagged (default ${DEFAULT_MIN_LABELLED})`, { integer: true, min: 1 }),
    'min-ratio': number('X', `--disparity: flagged only at X times the overall rate or more (default ${DEFAULT_MIN_RATIO})`, { min: 1 }),
    source: list('S[,T]', `only labels from these sources count: ${LabelSourceSchema.options.join(', ')}`, { choices: LabelSourceSchema.options }),
    ...FILTER_OPTIONS,
    ...STORE_OPTIONS,
  },
  async run({ values, io }) {
    const format = outputFormat(values.format, values.json, 'json', 'table');
    const filter = eventFilter(values);
    if (values.verdicts && values.disparity) throw new UsageError('--verdicts and --disparity are two views: pick one');
    if (!values.disparity && (values['min-labelled'] !== undefined || values['min-ratio'] !== undefined))
      throw new UsageError('--min-labelled and --min-ratio go with --disparity');
    const key = values.by ?? (values.verdicts ? 'norm' : values.disparity ? 'tenant' : undefined);
    if (key === undefined) {
      if (values.source !== undefined) throw new UsageError('--source goes with --by, --verdicts or --disparity');
      return withEventStore(values, io, async (store) => {
        const result = await store.stats(filter, { forceScan: values.scan });
        await write(io.stdout, format === 'json' ? jsonLine(result) : formatStats(result));
        return 0;
      });
    }
    return withEventStore(values, io, async (store) => {
      const acc = createBreakdown(key, values.source === undefined ? {} : { sources: values.source });
      for await (const event of store.list({ ...filter, order: 'asc' })) acc.add(event);
      const result = acc.result();
      if (values.disparity) {
        const flags = disparity(result, {
          ...(values['min-labelled'] === undefined ? {} : { minLabelled: values['min-labelled'] }),
          ...(values['min-ratio'] === undefined ? {} : { minRatio: values['min-ratio'] }),
        });
        await write(io.stdout, format === 'json' ? disparityLines(flags).map(jsonLine).join('') : formatDisparity(flags));
      } else {
        await write(io.stdout, format === 'json' ? breakdownLines(result).map(jsonLine).join('') : formatBreakdown(result, values.verdicts));
      }
      return 0;
    });
  },
});

const exportEvents = command({
  summary: 'stream matching events, oldest first, as JSON lines or CSV (for notebooks and spreadsheets)',
  description: `CSV has a header row, RFC 4180 quoting, list fields joined with |, labels as JSON, and cells
starting with = + - @ prefixed with ' so that spreadsheets do not run them.`,
  options: {
    format: choice(['jsonl', 'csv'], 'jsonl (default) or csv'),
    json: JSON_OPTION,
    limit: number('N', 'at most N events (default: all)', { integer: true, min: 1 }),
    ...FILTER_OPTIONS,
    ...STORE_OPTIONS,
  },
  async run({ values, io }) {
    const format = outputFormat(values.format, values.json, 'jsonl', 'jsonl');
    const filter = { ...eventFilter(values), order: 'asc' as const, ...(values.limit === undefined ? {} : { limit: values.limit }) };
    return withEventStore(values, io, async (store) => {
      if (format === 'csv') await write(io.stdout, `${CSV_COLUMNS.map(([name]) => name).join(',')}\r\n`);
      for await (const event of store.list(filter)) await write(io.stdout, format === 'csv' ? csvRow(event) : jsonLine(event));
      return 0;
    });
  },
});

const label = command({
  summary: 'label an event with a verdict (exit 1 when the id is unknown)',
  args: [arg('id', 'the event id'), arg('verdict', VerdictSchema.options.join(' | '), { choices: VerdictSchema.options })],
  options: {
    note: string('TEXT', 'a note (redacted before it is stored)'),
    json: JSON_OPTION,
    ...STORE_OPTIONS,
  },
  async run({ args, values, io, path }) {
    const verdict = VerdictSchema.parse(args.verdict);
    return withEventStore(values, io, async (store) => {
      const labelled = await addLabel(store, bareEventId(args.id), { verdict, note: values.note, source: 'analyst' });
      if (!labelled) return noSuchEvent(io, path, args.id);
      await write(io.stdout, values.json ? jsonLine({ id: args.id, verdict }) : `labelled ${args.id}: ${verdict}\n`);
      return 0;
    });
  },
});

export default group({
  commands: { tail, list: listEvents, show, stats, export: exportEvents, label },
});
