/**
 * `clarion events` — the analysts' view of the ambiguity event log, on Redis or the file store:
 * tail, list, show, stats, export, label. Reads the config like `clarion serve` (CLARION_CONFIG,
 * REDIS_URL); `--data-dir` picks the embedded store's directory (default: storage.dataDir from cwd).
 */
import { once } from 'node:events';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Writable } from 'node:stream';
import { defaultConfigPath, loadConfig } from '../config/load.js';
import { CategorySchema, SignalIdSchema } from '../detect/assessment.js';
import { ActionSchema } from '../policy/decision.js';
import { redactText } from '../events/redact.js';
import { VerdictSchema, type ClarionEvent, type Verdict } from '../events/schema.js';
import { latestVerdict, type EventFilter, type EventStats, type EventStore } from '../events/store.js';
import { openEventStore } from '../storage/index.js';

const USAGE = `usage: clarion events <command> [options]

commands:
  tail                      follow new events as they are stored (Ctrl-C to stop)
  list                      list events, newest first
  show ID                   one event as JSON, labels included
  stats                     counts and rates by day, action, category, signal, model, tenant, verdict
  export --format jsonl|csv stream matching events, oldest first (for notebooks and spreadsheets)
  label ID VERDICT          label an event: needed | unneeded | helpful | unhelpful [--note TEXT]

filters (tail, list, stats, export):
  --since T, --until T      ISO date/time (2026-11-01, 2026-11-01T12:00Z), relative (30m, 24h, 7d) or today
  --action A[,B]            pass, annotate, clarify, defer, escalate
  --category C[,D]          epistemic, aleatoric, linguistic
  --signal S[,T]            e.g. missing_slot, unresolved_reference
  --model M[,N]             exact model names
  --tenant T[,U]            tenant labels or hashes ("-" = none)
  --verdict V[,W]           latest label
  --min-score X, --max-score X

options:
  --format F                list: table (default) | json | jsonl; stats: table | json; export: jsonl | csv
  --json                    same as --format json
  --limit N                 list: most events (default 50); export: no limit unless given
  -n N                      tail: also print the last N stored events first (default 10)
  --max N                   tail: exit after N events
  --scan                    stats: count stored events instead of reading the daily rollups
  --note TEXT               label: a note (redacted before it is stored)
  --data-dir DIR            embedded store directory (default: storage.dataDir, from the current directory)
  --config FILE             config file (default: CLARION_CONFIG or the shipped config)`;

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Stops `tail` (the command wires SIGINT to it when absent). */
  signal?: AbortSignal;
}

class UsageError extends Error {}

const RELATIVE = /^(\d+(?:\.\d+)?)(s|m|h|d|w)$/;
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export function parseTime(value: string, now = Date.now()): number {
  const relative = RELATIVE.exec(value);
  if (relative !== null) return now - Number(relative[1]) * (UNIT_MS[relative[2] ?? 's'] ?? 1_000);
  const midnight = now - (now % 86_400_000);
  if (value === 'today') return midnight;
  if (value === 'yesterday') return midnight - 86_400_000;
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) throw new UsageError(`not a time: "${value}" (use 2026-11-01, 2026-11-01T12:00:00Z, 24h, 7d or today)`);
  return parsed;
}

function list<T extends string>(value: string | undefined, allowed: readonly T[] | null, name: string): T[] | undefined {
  if (value === undefined) return undefined;
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (allowed !== null) {
    for (const item of items) {
      if (!(allowed as readonly string[]).includes(item)) throw new UsageError(`--${name}: unknown value "${item}" (one of: ${allowed.join(', ')})`);
    }
  }
  return items as T[];
}

function number(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`--${name}: not a number: "${value}"`);
  return n;
}

type Values = Record<string, string | boolean | undefined>;

function str(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function filterFromOptions(values: Values, now = Date.now()): EventFilter {
  const filter: EventFilter = {};
  const since = str(values, 'since');
  const until = str(values, 'until');
  if (since !== undefined) filter.since = parseTime(since, now);
  if (until !== undefined) filter.until = parseTime(until, now);
  const actions = list(str(values, 'action'), ActionSchema.options, 'action');
  const categories = list(str(values, 'category'), CategorySchema.options, 'category');
  const signals = list(str(values, 'signal'), SignalIdSchema.options, 'signal');
  const verdicts = list(str(values, 'verdict'), VerdictSchema.options, 'verdict');
  const models = list(str(values, 'model'), null, 'model');
  const tenants = list(str(values, 'tenant'), null, 'tenant');
  if (actions !== undefined) filter.actions = actions;
  if (categories !== undefined) filter.categories = categories;
  if (signals !== undefined) filter.signals = signals;
  if (verdicts !== undefined) filter.verdicts = verdicts;
  if (models !== undefined) filter.models = models;
  if (tenants !== undefined) filter.tenants = tenants;
  const minScore = number(str(values, 'min-score'), 'min-score');
  const maxScore = number(str(values, 'max-score'), 'max-score');
  if (minScore !== undefined) filter.minScore = minScore;
  if (maxScore !== undefined) filter.maxScore = maxScore;
  return filter;
}

/** The parseArgs options `filterFromOptions` reads; `clarion replay` takes the same filters. */
export const FILTER_OPTIONS = {
  since: { type: 'string' },
  until: { type: 'string' },
  action: { type: 'string' },
  category: { type: 'string' },
  signal: { type: 'string' },
  model: { type: 'string' },
  tenant: { type: 'string' },
  verdict: { type: 'string' },
  'min-score': { type: 'string' },
  'max-score': { type: 'string' },
} as const;

/** Where the events are (`--data-dir`, or the store in `--config`), for every command that reads them. */
export const STORE_OPTIONS = {
  'data-dir': { type: 'string' },
  config: { type: 'string' },
} as const;

const OPTIONS = {
  ...FILTER_OPTIONS,
  format: { type: 'string' },
  json: { type: 'boolean' },
  limit: { type: 'string' },
  n: { type: 'string', short: 'n' },
  max: { type: 'string' },
  scan: { type: 'boolean' },
  note: { type: 'string' },
  ...STORE_OPTIONS,
  help: { type: 'boolean', short: 'h' },
} as const;

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

// ---- rendering ---------------------------------------------------------------------------------

function pad(text: string, width: number): string {
  return text.length >= width ? text.slice(0, width) : text + ' '.repeat(width - text.length);
}

const TABLE_COLUMNS: [string, number, (e: ClarionEvent) => string][] = [
  ['TIME', 20, (e) => e.time.slice(0, 19).replace('T', ' ')],
  ['ID', 27, (e) => e.id],
  ['ACTION', 9, (e) => e.action + (e.shadow ? '*' : '')],
  ['SCORE', 6, (e) => e.score.toFixed(2)],
  ['MODEL', 18, (e) => e.model],
  ['TENANT', 12, (e) => e.tenant ?? '-'],
  [
    'SIGNALS',
    34,
    (e) =>
      e.signals
        .filter((s) => s.weight > 0)
        .map((s) => s.id)
        .join(',') || '-',
  ],
  ['VERDICT', 10, (e) => latestVerdict(e) ?? '-'],
  ['TEXT', 0, (e) => (e.request.text ?? '').replace(/\s+/g, ' ').slice(0, 60)],
];

function tableHeader(): string {
  return `${TABLE_COLUMNS.map(([name, width]) => (width === 0 ? name : pad(name, width))).join(' ')}\n`;
}

function tableRow(event: ClarionEvent): string {
  return `${TABLE_COLUMNS.map(([, width, value]) => (width === 0 ? value(event) : pad(value(event), width))).join(' ')}\n`;
}

export const CSV_COLUMNS: [string, (e: ClarionEvent) => string | number | boolean | null][] = [
  ['id', (e) => e.id],
  ['time', (e) => e.time],
  ['instance', (e) => e.instance],
  ['request_id', (e) => e.requestId],
  ['route', (e) => e.route],
  ['protocol', (e) => e.protocol],
  ['model', (e) => e.model],
  ['upstream', (e) => e.upstream],
  ['tenant', (e) => e.tenant],
  ['conversation_id', (e) => e.conversationId],
  ['policy_version', (e) => e.policyVersion],
  ['norm', (e) => e.norm],
  ['action', (e) => e.action],
  ['mode', (e) => e.mode],
  ['shadow', (e) => e.shadow],
  ['score', (e) => e.score],
  ['categories', (e) => e.categories.join('|')],
  ['signals', (e) => e.signals.map((s) => `${s.id}:${s.weight}`).join('|')],
  ['missing_slots', (e) => e.missingSlots.join('|')],
  ['question', (e) => e.question],
  ['detector_version', (e) => e.detectorVersion],
  ['detector_micros', (e) => e.detectorMicros],
  ['upstream_status', (e) => e.upstreamStatus],
  ['upstream_ms', (e) => e.upstreamMs],
  ['error_code', (e) => e.errorCode],
  ['text_mode', (e) => e.request.mode],
  ['text', (e) => e.request.text],
  ['text_truncated', (e) => e.request.truncated],
  ['text_sha256', (e) => e.request.sha256],
  ['text_chars', (e) => e.request.chars],
  ['turns', (e) => e.request.turns],
  ['user_turns', (e) => e.request.userTurns],
  ['verdict', (e) => latestVerdict(e)],
  ['labels', (e) => (e.labels.length === 0 ? null : JSON.stringify(e.labels))],
];

const CSV_QUOTE = /[",\r\n]/;
// Cells a spreadsheet would run as a formula get a leading apostrophe.
const CSV_FORMULA = /^[=+@\t\r-]/;

export function csvCell(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  const safe = CSV_FORMULA.test(value) ? `'${value}` : value;
  return CSV_QUOTE.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function csvRow(event: ClarionEvent): string {
  return `${CSV_COLUMNS.map(([, get]) => csvCell(get(event))).join(',')}\r\n`;
}

function formatStats(stats: EventStats): string {
  const lines = [`events: ${stats.total} (source: ${stats.source})`];
  const section = (title: string, table: Record<string, number>, sortByKey = false): void => {
    const entries = Object.entries(table).filter(([, n]) => n !== 0);
    if (entries.length === 0) return;
    entries.sort(sortByKey ? (a, b) => a[0].localeCompare(b[0]) : (a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    lines.push('', `by ${title}`);
    const width = Math.max(...entries.map(([k]) => k.length), 8);
    for (const [key, n] of entries) {
      const rate = stats.total === 0 ? 0 : (100 * n) / stats.total;
      lines.push(`  ${pad(key, width)}  ${String(n).padStart(8)}  ${rate.toFixed(1).padStart(5)}%`);
    }
  };
  section('day', stats.byDay, true);
  section('action', stats.byAction);
  section('category', stats.byCategory);
  section('signal', stats.bySignal);
  section('model', stats.byModel);
  section('tenant', stats.byTenant);
  section('verdict', stats.byVerdict);
  return `${lines.join('\n')}\n`;
}

// ---- commands ---------------------------------------------------------------------------------

async function cmdList(store: EventStore, values: Values, io: CliIo): Promise<number> {
  const format = values.json === true ? 'json' : (str(values, 'format') ?? 'table');
  if (!['table', 'json', 'jsonl'].includes(format)) throw new UsageError(`list --format: table, json or jsonl, not "${format}"`);
  const filter = filterFromOptions(values);
  filter.limit = number(str(values, 'limit'), 'limit') ?? 50;
  filter.order = 'desc';
  if (format === 'table') await write(io.stdout, tableHeader());
  if (format === 'json') await write(io.stdout, '[');
  let first = true;
  for await (const event of store.list(filter)) {
    if (format === 'table') await write(io.stdout, tableRow(event));
    else if (format === 'jsonl') await write(io.stdout, `${JSON.stringify(event)}\n`);
    else {
      await write(io.stdout, `${first ? '\n' : ',\n'}${JSON.stringify(event)}`);
      first = false;
    }
  }
  if (format === 'json') await write(io.stdout, first ? ']\n' : '\n]\n');
  return 0;
}

async function cmdShow(store: EventStore, positionals: string[], io: CliIo): Promise<number> {
  const id = positionals[0];
  if (id === undefined) throw new UsageError('show: missing event ID');
  const event = await store.get(id);
  if (event === null) {
    await write(io.stderr, `clarion events show: no event with id ${id}\n`);
    return 1;
  }
  await write(io.stdout, `${JSON.stringify(event, null, 2)}\n`);
  return 0;
}

async function cmdStats(store: EventStore, values: Values, io: CliIo): Promise<number> {
  const format = values.json === true ? 'json' : (str(values, 'format') ?? 'table');
  if (!['table', 'json'].includes(format)) throw new UsageError(`stats --format: table or json, not "${format}"`);
  const stats = await store.stats(filterFromOptions(values), { forceScan: values.scan === true });
  await write(io.stdout, format === 'json' ? `${JSON.stringify(stats, null, 2)}\n` : formatStats(stats));
  return 0;
}

async function cmdExport(store: EventStore, values: Values, io: CliIo): Promise<number> {
  const format = str(values, 'format') ?? 'jsonl';
  if (format !== 'jsonl' && format !== 'csv') throw new UsageError(`export --format: jsonl or csv, not "${format}"`);
  const filter = filterFromOptions(values);
  const limit = number(str(values, 'limit'), 'limit');
  if (limit !== undefined) filter.limit = limit;
  filter.order = 'asc';
  if (format === 'csv') await write(io.stdout, `${CSV_COLUMNS.map(([name]) => name).join(',')}\r\n`);
  for await (const event of store.list(filter)) {
    await write(io.stdout, format === 'csv' ? csvRow(event) : `${JSON.stringify(event)}\n`);
  }
  return 0;
}

async function cmdTail(store: EventStore, values: Values, io: CliIo): Promise<number> {
  const format = values.json === true || str(values, 'format') === 'jsonl' ? 'jsonl' : 'table';
  const backlog = number(str(values, 'n'), 'n') ?? 10;
  const max = number(str(values, 'max'), 'max') ?? Infinity;
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  io.signal?.addEventListener('abort', stop, { once: true });
  const ownSignal = io.signal === undefined;
  if (ownSignal) process.once('SIGINT', stop);
  try {
    if (format === 'table') await write(io.stdout, tableHeader());
    let count = 0;
    for await (const event of store.tail(filterFromOptions(values), { backlog, signal: controller.signal })) {
      await write(io.stdout, format === 'jsonl' ? `${JSON.stringify(event)}\n` : tableRow(event));
      if (++count >= max) break;
    }
  } finally {
    if (ownSignal) process.off('SIGINT', stop);
    io.signal?.removeEventListener('abort', stop);
  }
  return 0;
}

async function cmdLabel(store: EventStore, positionals: string[], values: Values, io: CliIo): Promise<number> {
  const [id, verdictText] = positionals;
  if (id === undefined || verdictText === undefined) throw new UsageError('label: usage: clarion events label ID VERDICT [--note TEXT]');
  const verdict = VerdictSchema.safeParse(verdictText);
  if (!verdict.success) throw new UsageError(`label: verdict must be one of ${VerdictSchema.options.join(', ')}`);
  const note = str(values, 'note');
  const ok = await store.label(id, {
    verdict: verdict.data satisfies Verdict,
    note: note === undefined || note === '' ? null : redactText(note).slice(0, 1_000),
    time: new Date().toISOString(),
    source: 'cli',
  });
  if (!ok) {
    await write(io.stderr, `clarion events label: no event with id ${id}\n`);
    return 1;
  }
  await write(io.stdout, `labelled ${id}: ${verdict.data}\n`);
  return 0;
}

const DEFAULT_IO: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };

export async function run(args: string[], io: CliIo = DEFAULT_IO): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    await write(command === undefined ? io.stderr : io.stdout, `${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  let store: EventStore | null = null;
  try {
    const { values, positionals } = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true, strict: true });
    if (values.help === true) {
      await write(io.stdout, `${USAGE}\n`);
      return 0;
    }
    if (!['tail', 'list', 'show', 'stats', 'export', 'label'].includes(command)) throw new UsageError(`unknown command "${command}"`);
    const configPath = values.config !== undefined ? resolve(io.cwd, values.config) : defaultConfigPath(io.env);
    const { config } = loadConfig(configPath, io.env);
    const dataDir = resolve(io.cwd, values['data-dir'] ?? config.storage.dataDir);
    store = await openEventStore(config, dataDir);
    switch (command) {
      case 'list':
        return await cmdList(store, values, io);
      case 'show':
        return await cmdShow(store, positionals, io);
      case 'stats':
        return await cmdStats(store, values, io);
      case 'export':
        return await cmdExport(store, values, io);
      case 'tail':
        return await cmdTail(store, values, io);
      default:
        return await cmdLabel(store, positionals, values, io);
    }
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      await write(io.stderr, `clarion events: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    await write(io.stderr, `clarion events: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await store?.close();
  }
}
