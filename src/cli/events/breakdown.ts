/**
 * How `clarion events stats --by KEY`, `--verdicts` and `--disparity` print the per-group figures
 * of src/events/breakdown.ts: a table for people, JSON lines (one object per group, the overall
 * row first) for machines.
 */
import type { BreakdownResult, DisparityResult, GroupFigures, Rate } from '../../events/breakdown.js';

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function pct(value: number | null): string {
  return value === null ? '-' : `${(100 * value).toFixed(1)}%`;
}

/** `12.3% [8.0-17.9]`, or `-` when the rate has no base. */
export function rateCell(rate: Rate): string {
  if (rate.rate === null) return '-';
  return `${pct(rate.rate)} [${(100 * (rate.lo ?? 0)).toFixed(1)}-${(100 * (rate.hi ?? 0)).toFixed(1)}]`;
}

/** Rows of cells -> aligned columns (first column left-aligned, the others right-aligned). */
function columns(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === 0 ? pad(c, widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

const RATE_HEADER = ['EVENTS', 'CLARIFY', 'ANNOTATE', 'DEFER', 'LABELLED', 'PRECISION [95%]', 'UNNEEDED Q [95%]', 'MISSED [95%]'];

function rateRow(g: GroupFigures): string[] {
  return [
    g.group,
    String(g.events),
    pct(g.clarify.rate),
    pct(g.annotate.rate),
    pct(g.defer.rate),
    String(g.labelled),
    rateCell(g.precision),
    rateCell(g.unneeded),
    rateCell(g.missed),
  ];
}

const VERDICT_HEADER = ['EVENTS', 'LABELLED', 'NEEDED', 'HELPFUL', 'UNNEEDED', 'UNHELPFUL', 'MISSED', 'PRECISION [95%]'];

function verdictRow(g: GroupFigures): string[] {
  const v = g.verdicts;
  return [
    g.group,
    String(g.events),
    String(g.labelled),
    String(v.needed),
    String(v.helpful),
    String(v.unneeded),
    String(v.unhelpful),
    String(v.missed),
    rateCell(g.precision),
  ];
}

const LEGEND = `clarify/annotate/defer: applied decisions per event; precision: interventions labelled needed or helpful
among the labelled ones; unneeded q: clarifications labelled unneeded or unhelpful per labelled event;
missed: labelled missed per labelled event. [95%]: Wilson interval.`;

/** The `--by KEY` table (rates) or, with `verdicts`, the verdict counts per group (the verdict x norm table by default). */
export function formatBreakdown(result: BreakdownResult, verdicts: boolean): string {
  const header = [result.key.toUpperCase(), ...(verdicts ? VERDICT_HEADER : RATE_HEADER)];
  const row = verdicts ? verdictRow : rateRow;
  const rows = [...result.groups.map(row), row(result.overall)];
  const title = verdicts ? `latest verdict by ${result.key}` : `by ${result.key}`;
  return `${title} (${result.overall.events} events, ${result.overall.labelled} labelled)\n\n${columns(header, rows)}\n\n${verdicts ? 'precision: interventions labelled needed or helpful among the labelled ones. [95%]: Wilson interval.' : LEGEND}\n`;
}

/** The groups as JSON lines, the overall row first (`group: "(all)"`). */
export function breakdownLines(result: BreakdownResult): unknown[] {
  return [result.overall, ...result.groups].map((g) => ({ key: result.key, ...g }));
}

export function formatDisparity(result: DisparityResult): string {
  const o = result.overall;
  let text = `unneeded questions by ${result.key}: overall ${rateCell(o)} (${o.count} of ${o.of} labelled events)\n`;
  text += `flagged: at least ${result.minLabelled} labelled events, interval above the overall rate, rate >= ${result.minRatio}x overall\n\n`;
  const rows = result.groups.map((g) => [
    g.group,
    String(g.events),
    String(g.labelled),
    rateCell(g.unneeded),
    g.ratio === null ? '-' : `${g.ratio.toFixed(2)}x`,
    g.status,
  ]);
  text += `${columns([result.key.toUpperCase(), 'EVENTS', 'LABELLED', 'UNNEEDED Q [95%]', 'RATIO', 'STATUS'], rows)}\n`;
  const flagged = result.groups.filter((g) => g.status === 'flagged').length;
  const few = result.groups.filter((g) => g.status === 'too-few-labels').length;
  text += `\n${flagged} flagged; ${few} with too few labels to judge (not the same as fine). A flag is a reason to read the group's events, not a verdict (docs/transparency.md).\n`;
  return text;
}

/** The disparity rows as JSON lines, an overall line first. */
export function disparityLines(result: DisparityResult): unknown[] {
  const { groups, ...head } = result;
  return [{ ...head, group: '(all)' }, ...groups.map((g) => ({ key: result.key, ...g }))];
}
