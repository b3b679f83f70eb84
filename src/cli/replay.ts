/**
 * `clarion replay --policy FILE [filters]`: re-decides stored events with a candidate policy and
 * reports what would change — transitions between actions, and how the candidate treats events
 * people labelled (e.g. clarifications marked `unneeded`). Works on Redis or the file store.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultConfigPath, loadConfig } from '../config/load.js';
import type { EventStore } from '../events/store.js';
import { openEventStore } from '../storage/index.js';
import { loadPolicyFile, PolicyError } from '../policy/load.js';
import { addToSummary, emptySummary, replayEvent, type ReplaySummary } from '../policy/replay.js';
import { FILTER_OPTIONS, filterFromOptions, STORE_OPTIONS } from './events.js';

const USAGE = `usage: clarion replay --policy FILE [filters] [--changed] [--json]

Re-decides stored events with a candidate policy (same detector output, same decide()) and
reports what would change.

options:
  --policy FILE             the candidate policy (required)
  --changed                 also list each event whose action would change
  --json                    the summary (and changes) as JSON
  --limit N                 at most N events (oldest first)
  --since, --until, --action, --category, --signal, --model, --tenant, --verdict,
  --min-score, --max-score  filters, as for \`clarion events list\`
  --data-dir DIR, --config FILE   where the events are (as for \`clarion events\`)`;

const OPTIONS = {
  policy: { type: 'string' },
  changed: { type: 'boolean' },
  json: { type: 'boolean' },
  limit: { type: 'string' },
  ...FILTER_OPTIONS,
  ...STORE_OPTIONS,
  help: { type: 'boolean', short: 'h' },
} as const;

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

export async function run(args: string[]): Promise<number> {
  let store: EventStore | null = null;
  try {
    const { values } = parseArgs({ args, options: OPTIONS, allowPositionals: false, strict: true });
    if (values.help === true) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (values.policy === undefined) {
      process.stderr.write(`clarion replay: --policy FILE is required\n\n${USAGE}\n`);
      return 2;
    }
    const policy = loadPolicyFile(resolve(values.policy));
    const { config } = loadConfig(values.config !== undefined ? resolve(values.config) : defaultConfigPath());
    store = await openEventStore(config, resolve(values['data-dir'] ?? config.storage.dataDir));
    const filter = filterFromOptions(values);
    filter.order = 'asc';
    if (values.limit !== undefined) filter.limit = Number(values.limit);
    const summary = emptySummary(policy);
    const changes: Array<{ id: string; time: string; before: string; after: string; norm: string | null; reason: string }> = [];
    for await (const event of store.list(filter)) {
      const replayed = replayEvent(event, policy);
      addToSummary(summary, replayed);
      if (values.changed === true && replayed.changed) {
        changes.push({
          id: event.id,
          time: event.time,
          before: event.action,
          after: replayed.after.action,
          norm: replayed.after.norm,
          reason: replayed.after.reason,
        });
      }
    }
    if (values.json === true) {
      process.stdout.write(`${JSON.stringify({ policyVersion: policy.version, ...summary, ...(values.changed === true ? { changes } : {}) })}\n`);
    } else {
      process.stdout.write(format(summary, policy.version));
      if (changes.length > 0) {
        process.stdout.write('\nchanged events:\n');
        for (const c of changes) process.stdout.write(`  ${c.id}  ${c.time}  ${c.before} -> ${c.after}  (${c.norm ?? 'defaults'}: ${c.reason})\n`);
      }
    }
    return 0;
  } catch (error) {
    if (error instanceof PolicyError) {
      process.stderr.write(`clarion replay: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(`clarion replay: ${error instanceof Error ? error.message : String(error)}\n`);
    return error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS') ? 2 : 1;
  } finally {
    await store?.close();
  }
}
