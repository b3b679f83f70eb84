/** How `clarion events` shows events to people: the table of `list`/`tail`, CSV for `export`, the `stats` report. */
import { latestVerdict, type EventStats } from '../../events/store.js';
import type { ClarionEvent } from '../../events/schema.js';

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

export function tableHeader(): string {
  return `${TABLE_COLUMNS.map(([name, width]) => (width === 0 ? name : pad(name, width))).join(' ')}\n`;
}

export function tableRow(event: ClarionEvent): string {
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

export function csvRow(event: ClarionEvent): string {
  return `${CSV_COLUMNS.map(([, get]) => csvCell(get(event))).join(',')}\r\n`;
}

export function formatStats(stats: EventStats): string {
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
