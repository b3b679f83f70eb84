/**
 * `clarion policy suggest`: from the labelled events, the verdict x norm table, the misses, and
 * proposed edits to the policy in force, each validated by replaying the same events; the applied
 * ones are written into a candidate policy file with a comment per edit citing its evidence
 * (src/policy/suggest.ts). See docs/learning.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveFromConfig } from '../../config/load.js';
import type { ClarionEvent } from '../../events/schema.js';
import { LabelSourceSchema } from '../../events/schema.js';
import { PolicyError } from '../../policy/load.js';
import { DEFAULT_MIN_LABELS, suggest, type MissRow, type SuggestReport, type Validation } from '../../policy/suggest.js';
import { rateCell } from '../events/breakdown.js';
import { eventFilter, FILTER_OPTIONS } from '../events/filters.js';
import { command } from '../framework/command.js';
import { jsonLine, write } from '../framework/io.js';
import { JSON_OPTION, list, number, string } from '../framework/options.js';
import { storeLocation, STORE_OPTIONS, withEventStore } from '../sources.js';
import { formatCheck } from './check.js';

function f1(v: number | null): string {
  return v === null ? 'n/a' : v.toFixed(3);
}

function validationText(v: Validation, indent: string): string {
  let out = `${indent}${v.changed} of ${v.events} events change (${v.changedLabelled} labelled)\n`;
  for (const [k, n] of Object.entries(v.transitions).sort((a, b) => b[1] - a[1])) out += `${indent}  ${k}: ${n}\n`;
  out += `${indent}labelled precision ${rateCell(v.before.precision)} -> ${rateCell(v.after.precision)}, recall ${rateCell(v.before.recall)} -> ${rateCell(v.after.recall)}, F1 ${f1(v.before.f1)} -> ${f1(v.after.f1)}\n`;
  return out;
}

function missTable(title: string, rows: MissRow[]): string {
  if (rows.length === 0) return '';
  const width = Math.max(...rows.map((r) => r.group.length), 6);
  return `\nmisses by ${title} (labelled / labelled missed / needing a question but not acted on):\n${rows
    .slice(0, 10)
    .map((r) => `  ${r.group.padEnd(width)}  ${String(r.labelled).padStart(6)}  ${String(r.missed).padStart(6)}  ${String(r.notActedOn).padStart(6)}`)
    .join('\n')}\n`;
}

function describe(report: SuggestReport, out: string | null): string {
  let text = `policy ${report.policyVersion}: ${report.events} events, ${report.labelled} labelled\n`;
  for (const w of report.warnings) text += `warning: ${w}\n`;
  const rows = report.verdictsByNorm;
  if (rows.length > 0) {
    const width = Math.max(...rows.map((r) => r.group.length), 4);
    text += `\nverdicts by norm (recorded decisions):\n  ${'NORM'.padEnd(width)}  EVENTS  LABELLED  NEEDED  HELPFUL  UNNEEDED  UNHELPFUL  MISSED  PRECISION [95%]\n`;
    for (const r of rows) {
      const v = r.verdicts;
      text += `  ${r.group.padEnd(width)}  ${[r.events, r.labelled, v.needed, v.helpful, v.unneeded, v.unhelpful, v.missed].map((n, i) => String(n).padStart([6, 8, 6, 7, 8, 9, 6][i] ?? 6)).join('  ')}  ${rateCell(r.precision)}\n`;
    }
  }
  text +=
    missTable('signal', report.misses.signal) +
    missTable('category', report.misses.category) +
    missTable('tenant', report.misses.tenant) +
    missTable('model', report.misses.model);
  text += `\nproposed edits (${report.edits.filter((e) => e.applied !== null).length} applied, ${report.edits.filter((e) => e.applied === null).length} not):\n`;
  if (report.edits.length === 0) text += '  none: no edit the replay validates\n';
  for (const e of report.edits) {
    text += `\n  [${e.applied === null ? 'not applied' : 'applied'}] ${e.change}\n    evidence: ${e.evidence}\n`;
    if (e.warning !== null) text += `    warning: ${e.warning}\n`;
    text += validationText(e.applied ?? e.validation, '    ');
  }
  if (report.candidate !== null) {
    text += `\ncandidate ${report.candidate.version} against ${report.policyVersion}:\n${validationText(report.candidate.validation, '  ')}`;
    text += out === null ? `\n${report.candidateText ?? ''}` : `\nwrote ${out}; check it with clarion replay --policy ${out}\n`;
  }
  return text;
}

export const suggestCommand = command({
  summary: 'propose policy edits from labelled events, each validated by replay; write a candidate policy',
  description: `Reads the events (filters as in clarion events: --since, --tenant ...) and the policy in force
(--policy, else the config's), then proposes: a norm's score range, a norm to demote to annotate,
a new norm for a tenant or a signal. Each is replayed on the same events (transitions, labelled
precision / recall before and after) and applied to the candidate only when the replay shows a
gain and its evidence rests on at least --min-labels labelled events. Without --out the candidate
is printed after the report.`,
  options: {
    policy: string('FILE', "the policy to improve (default: the config's)"),
    out: string('FILE', 'write the candidate policy here'),
    'min-labels': number('N', `labelled events an edit must rest on (default ${DEFAULT_MIN_LABELS})`, { integer: true, min: 1 }),
    source: list('S[,T]', `only labels from these sources: ${LabelSourceSchema.options.join(', ')}`, { choices: LabelSourceSchema.options }),
    json: JSON_OPTION,
    ...FILTER_OPTIONS,
    ...STORE_OPTIONS,
  },
  async run({ values, io }) {
    const { loaded } = storeLocation(values, io);
    const file = values.policy !== undefined ? resolve(io.cwd, values.policy) : resolveFromConfig(loaded, loaded.config.policy.file);
    const events: ClarionEvent[] = [];
    await withEventStore(values, io, async (store) => {
      for await (const event of store.list({ ...eventFilter(values), order: 'asc' })) events.push(event);
    });
    let report: SuggestReport;
    try {
      report = suggest(readFileSync(file, 'utf8'), file, events, {
        ...(values['min-labels'] === undefined ? {} : { minLabels: values['min-labels'] }),
        ...(values.source === undefined ? {} : { sources: values.source }),
      });
    } catch (error) {
      if (!(error instanceof PolicyError)) throw error;
      await write(io.stderr, formatCheck({ file: error.file, ok: false, problems: error.problems }));
      return 1;
    }
    const out = values.out !== undefined && report.candidateText !== null ? resolve(io.cwd, values.out) : null;
    if (out !== null) writeFileSync(out, report.candidateText ?? '');
    await write(io.stdout, values.json ? jsonLine({ ...report, written: out }) : describe(report, out));
    return 0;
  },
});
