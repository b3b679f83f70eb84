/**
 * `clarion policy history [--diff V1 V2]`: every policy that was put in force (from the store the
 * config names: Redis or the data directory), oldest first, or the line diff between two of them
 * (by version, or by hash prefix).
 */
import { findEntry, lineDiff, type PolicyHistoryEntry } from '../../policy/history.js';
import { openPolicyHistory } from '../../storage/index.js';
import { command, optionalArg } from '../framework/command.js';
import { jsonLine, write } from '../framework/io.js';
import { JSON_OPTION, string, UsageError } from '../framework/options.js';
import { storeLocation, STORE_OPTIONS } from '../sources.js';

function summary(e: PolicyHistoryEntry): Omit<PolicyHistoryEntry, 'text'> {
  const { text, ...rest } = e;
  void text;
  return rest;
}

export const history = command({
  summary: 'list every policy that was put in force, or --diff two of them',
  description: `One line per policy: time, version, content hash, file, instance, lines added/removed.
--diff takes two versions or hash prefixes (6+ hex); the newest entry with a version is meant.`,
  options: {
    diff: string('V1', 'the line diff from V1 to V2 (versions or hash prefixes): --diff V1 V2'),
    json: JSON_OPTION,
    ...STORE_OPTIONS,
  },
  args: [optionalArg('v2', 'with --diff: the second version')],
  async run({ args, values, io, path }) {
    const { loaded, dataDir } = storeLocation(values, io);
    const store = await openPolicyHistory(loaded.config, dataDir);
    try {
      const entries = await store.list();
      if (values.diff !== undefined) {
        const refs = [values.diff, args.v2 ?? ''].map((r) => r.trim()).filter((r) => r !== '');
        if (refs.length !== 2) throw new UsageError('--diff needs two versions: --diff V1 V2');
        const [a, b] = refs.map((r) => findEntry(entries, r));
        if (a === undefined || b === undefined) {
          await write(io.stderr, `${path}: no policy ${a === undefined ? refs[0] : refs[1]} in the history\n`);
          return 1;
        }
        const diff = lineDiff(a.text, b.text);
        await write(
          io.stdout,
          values.json
            ? jsonLine({ from: summary(a), to: summary(b), diff })
            : `--- ${a.version} (${a.hash.slice(0, 12)})\n+++ ${b.version} (${b.hash.slice(0, 12)})\n${diff}\n`,
        );
        return 0;
      }
      if (values.json) {
        for (const e of entries) await write(io.stdout, jsonLine(summary(e)));
        return 0;
      }
      if (entries.length === 0) {
        await write(io.stdout, 'no policy history yet (it is recorded when the proxy loads a policy)\n');
        return 0;
      }
      for (const e of entries) {
        const lines = e.diff?.split('\n') ?? [];
        const added = lines.filter((l) => l.startsWith('+')).length;
        const removed = lines.filter((l) => l.startsWith('-')).length;
        const change = e.diff === null ? 'first' : `+${added} -${removed}`;
        await write(io.stdout, `${e.time}  ${e.version.padEnd(16)} ${e.hash.slice(0, 12)}  ${change.padEnd(9)} ${e.file} (${e.instance})\n`);
      }
      return 0;
    } finally {
      await store.close();
    }
  },
});
