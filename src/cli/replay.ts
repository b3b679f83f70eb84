/**
 * `clarion replay --policy FILE [filters]`: re-decides stored events with a candidate policy and
 * reports what would change — transitions between actions, and how the candidate treats events
 * people labelled (e.g. clarifications marked `unneeded`). Works on Redis or the file store.
 */
import { resolve } from 'node:path';
import { loadPolicyFile } from '../policy/load.js';
import { addToSummary, emptySummary, replayEvent, type ReplaySummary } from '../policy/replay.js';
import { eventFilter, FILTER_OPTIONS } from './events/filters.js';
import { command } from './framework/command.js';
import { jsonLine, write } from './framework/io.js';
import { flag, JSON_OPTION, number, string } from './framework/options.js';
import { STORE_OPTIONS, withEventStore } from './sources.js';

/** An event whose action the candidate would change (`--changed`). */
interface Change {
  id: string;
  time: string;
  before: string;
  after: string;
  norm: string | null;
  reason: string;
}

function table(title: string, counts: Record<string, number>, total: number): string {
  const rows = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  if (rows.length === 0) return `${title}: none\n`;
  const width = Math.max(...rows.map(([k]) => k.length));
  return `${title}:\n${rows.map(([k, n]) => `  ${k.padEnd(width)}  ${String(n).padStart(6)}  ${((100 * n) / Math.max(total, 1)).toFixed(1).padStart(5)}%`).join('\n')}\n`;
}

function format(summary: ReplaySummary, policyVersion: string): string {
  let out = `replayed ${summary.events} events with policy ${policyVersion}: ${summary.changed} would change (${((100 * summary.changed) / Math.max(summary.events, 1)).toFixed(1)}%)\n\n`;
  out += table('transitions (recorded -> candidate)', summary.transitions, summary.events);
  out += `\n${table('candidate actions', summary.afterActions, summary.events)}`;
  for (const [verdict, counts] of Object.entries(summary.byVerdict)) {
    const n = Object.values(counts).reduce((a, b) => a + b, 0);
    out += `\n${table(`events labelled "${verdict}" (${n}) -> candidate action`, counts, n)}`;
  }
  if (summary.normsBlindInReplay.length > 0) {
    out += `\nnote: norms matching on headers/metadata cannot match in replay (events do not store them): ${summary.normsBlindInReplay.join(', ')}\n`;
  }
  return out;
}

export default command({
  description: `The candidate sees the same detector output and runs the same decide(); the report shows the
transitions between actions and how the candidate treats events people labelled.
--json prints one object: the summary (and the changed events with --changed).`,
  options: {
    policy: string('FILE', 'the candidate policy', { required: true }),
    changed: flag('also list each event whose action would change'),
    json: JSON_OPTION,
    limit: number('N', 'at most N events (oldest first)', { integer: true, min: 1 }),
    ...FILTER_OPTIONS,
    ...STORE_OPTIONS,
  },
  async run({ values, io }) {
    const policy = loadPolicyFile(resolve(io.cwd, values.policy));
    const filter = { ...eventFilter(values), order: 'asc' as const, ...(values.limit === undefined ? {} : { limit: values.limit }) };
    const summary = emptySummary(policy);
    const changes: Change[] = [];
    await withEventStore(values, io, async (store) => {
      for await (const event of store.list(filter)) {
        const replayed = replayEvent(event, policy);
        addToSummary(summary, replayed);
        if (values.changed && replayed.changed) {
          const { action: after, norm, reason } = replayed.after;
          changes.push({ id: event.id, time: event.time, before: event.action, after, norm, reason });
        }
      }
    });
    if (values.json) {
      await write(io.stdout, jsonLine({ policyVersion: policy.version, ...summary, ...(values.changed ? { changes } : {}) }));
      return 0;
    }
    let text = format(summary, policy.version);
    if (changes.length > 0) {
      text += '\nchanged events:\n';
      for (const c of changes) text += `  ${c.id}  ${c.time}  ${c.before} -> ${c.after}  (${c.norm ?? 'defaults'}: ${c.reason})\n`;
    }
    await write(io.stdout, text);
    return 0;
  },
});
