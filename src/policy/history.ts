/**
 * Policy history: every policy the proxy put in force — its content hash, version, when, from
 * which file, the text and a line diff to the one before — kept in the store (a Redis list
 * `<prefix>policy:history`, or `<dataDir>/policy-history.jsonl`), so that `clarion policy history`
 * (and the console) can say which contract was in force when, and what changed.
 *
 *   const history = policyHistoryStore(config, dataDir);   // src/storage/index.ts
 *   await history.list();                                  // oldest first
 *   diffEntries(a, b);                                     // the line diff between two entries
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

export const PolicyHistoryEntrySchema = z.object({
  /** sha256 (hex) of the file's text, as events record it (`policyHash`). */
  hash: z.string(),
  /** The version in force (derived `<version>+<hash8>` when `policy.versionUnchanged: derive` accepted an edit). */
  version: z.string(),
  /** The version the file declares. */
  fileVersion: z.string(),
  /** ISO time it was put in force. */
  time: z.string(),
  file: z.string(),
  /** Who loaded it (instance id). */
  instance: z.string(),
  text: z.string(),
  /** Line diff to the previous entry's text (null for the first). */
  diff: z.string().nullable(),
});
export type PolicyHistoryEntry = z.infer<typeof PolicyHistoryEntrySchema>;

export interface PolicyHistoryStore {
  /** Appends an entry unless the newest entry has the same hash (a restart with the same policy). */
  record(entry: Omit<PolicyHistoryEntry, 'diff'>): Promise<PolicyHistoryEntry | null>;
  /** Every entry, oldest first. */
  list(): Promise<PolicyHistoryEntry[]>;
  close(): Promise<void>;
}

export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The entry to store after `previous`: with its diff, or null when nothing changed. */
export function nextEntry(previous: PolicyHistoryEntry | undefined, entry: Omit<PolicyHistoryEntry, 'diff'>): PolicyHistoryEntry | null {
  if (previous !== undefined && previous.hash === entry.hash && previous.version === entry.version) return null;
  return { ...entry, diff: previous === undefined ? null : lineDiff(previous.text, entry.text) };
}

/** The entry a reference names: a version (the newest with it), a hash or a hash prefix (at least 6 characters). */
export function findEntry(entries: readonly PolicyHistoryEntry[], ref: string): PolicyHistoryEntry | undefined {
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i] as PolicyHistoryEntry;
    if (e.version === ref || e.fileVersion === ref || (ref.length >= 6 && e.hash.startsWith(ref))) return e;
  }
  return undefined;
}

/**
 * A line diff (`-` removed, `+` added, ` ` kept, `@@` before each hunk with 2 lines of context),
 * from the longest common subsequence of lines. Policies are short: the O(n·m) table is small.
 */
export function lineDiff(before: string, after: string): string {
  const a = before.split('\n');
  const b = after.split('\n');
  const n = a.length;
  const m = b.length;
  const lcs = Array.from({ length: n + 1 }, () => new Int32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const row = lcs[i] as Int32Array;
      row[j] = a[i] === b[j] ? (lcs[i + 1] as Int32Array)[j + 1]! + 1 : Math.max((lcs[i + 1] as Int32Array)[j]!, row[j + 1]!);
    }
  }
  const ops: Array<[' ' | '-' | '+', string]> = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push([' ', a[i] as string]);
      i++;
      j++;
    } else if (j < m && (i === n || (lcs[i] as Int32Array)[j + 1]! >= (lcs[i + 1] as Int32Array)[j]!)) {
      ops.push(['+', b[j] as string]);
      j++;
    } else {
      ops.push(['-', a[i] as string]);
      i++;
    }
  }
  const CONTEXT = 2;
  const keep = ops.map((op, k) => op[0] !== ' ' || ops.slice(Math.max(0, k - CONTEXT), k + CONTEXT + 1).some((o) => o[0] !== ' '));
  const out: string[] = [];
  let inHunk = false;
  ops.forEach(([kind, line], k) => {
    if (!keep[k]) {
      inHunk = false;
      return;
    }
    if (!inHunk) out.push('@@');
    inHunk = true;
    out.push(`${kind}${line}`);
  });
  return out.join('\n');
}
