/**
 * The policy page's history: every policy the server put in force (src/policy/history.ts, the
 * store behind `clarion policy history`), newest first with how many lines each changed, and the
 * line diff between any two of them.
 */
import { ClarionError } from '../../errors.js';
import { findEntry, lineDiff, type PolicyHistoryEntry, type PolicyHistoryStore } from '../../policy/history.js';

/** One version as the list shows it (the text only comes with a diff). */
export interface HistoryItem {
  hash: string;
  version: string;
  fileVersion: string;
  time: string;
  file: string;
  instance: string;
  /** The policy in force now. */
  inForce: boolean;
  /** Lines added and removed against the version before it (null for the first). */
  added: number | null;
  removed: number | null;
}

export interface HistoryDiff {
  from: HistoryItem | null;
  to: HistoryItem;
  /** Line diff (`@@` hunks, `-`/`+`/` ` lines) from `from` to `to`; null when `to` is the first version. */
  diff: string | null;
  text: string;
}

function changedLines(diff: string | null): { added: number | null; removed: number | null } {
  if (diff === null) return { added: null, removed: null };
  let added = 0;
  let removed = 0;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+')) added++;
    else if (line.startsWith('-')) removed++;
  }
  return { added, removed };
}

function item(entry: PolicyHistoryEntry, inForceHash: string): HistoryItem {
  const { hash, version, fileVersion, time, file, instance } = entry;
  return { hash, version, fileVersion, time, file, instance, inForce: hash === inForceHash, ...changedLines(entry.diff) };
}

/** Newest first; an entry is in force when its hash is the loaded policy's (the newest such when a hash recurs). */
export async function historyList(store: Pick<PolicyHistoryStore, 'list'>, inForceHash: string): Promise<HistoryItem[]> {
  const entries = await store.list();
  let seen = false;
  return entries
    .map((e) => item(e, inForceHash))
    .reverse()
    .map((i) => {
      const inForce = i.inForce && !seen;
      if (i.inForce) seen = true;
      return { ...i, inForce };
    });
}

/** The diff between two versions named by version or hash prefix; `to` defaults to the newest, `from` to the one before `to`. */
export async function historyDiff(store: Pick<PolicyHistoryStore, 'list'>, inForceHash: string, refs: { from?: string; to?: string }): Promise<HistoryDiff> {
  const entries = await store.list();
  const find = (ref: string, which: string): PolicyHistoryEntry => {
    const found = findEntry(entries, ref);
    if (found === undefined) throw new ClarionError('CLARION_NOT_FOUND', `${which}: no policy version or hash "${ref}" in the history`);
    return found;
  };
  const to = refs.to === undefined || refs.to === '' ? entries.at(-1) : find(refs.to, 'to');
  if (to === undefined) throw new ClarionError('CLARION_NOT_FOUND', 'the policy history is empty');
  const from = refs.from === undefined || refs.from === '' ? entries[entries.lastIndexOf(to) - 1] : find(refs.from, 'from');
  return {
    from: from === undefined ? null : item(from, inForceHash),
    to: item(to, inForceHash),
    diff: from === undefined ? null : lineDiff(from.text, to.text),
    text: to.text,
  };
}
