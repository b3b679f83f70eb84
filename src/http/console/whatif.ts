/**
 * What-if: a candidate policy replayed on stored events through the same engine as
 * `clarion replay` (src/policy/replay.ts), plus what the console adds for judging it — precision
 * and recall against the labels people gave, before (the recorded decisions) and after (the
 * candidate's), and a sample of the events that would change.
 *
 * A label says whether asking was right: `needed`, `helpful` (and `missed`, where the label set
 * has it) mean the request deserved a question or review; `unneeded` and `unhelpful` mean it did
 * not. A decision "asks" when its action is clarify or defer.
 */
import type { StoredEvent } from '../../events/store.js';
import type { Action } from '../../policy/decision.js';
import { addToSummary, emptySummary, replayEvent, type ReplaySummary } from '../../policy/replay.js';
import type { Policy } from '../../policy/schema.js';

const ASKING: ReadonlySet<Action> = new Set<Action>(['clarify', 'defer']);
const SHOULD_ASK = new Set(['needed', 'helpful', 'missed']);
const SHOULD_NOT_ASK = new Set(['unneeded', 'unhelpful']);

export interface Quality {
  /** Labelled events that say whether asking was right. */
  labelled: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  /** Of the labelled events the policy asked on, the share that deserved it (null: it asked on none). */
  precision: number | null;
  /** Of the labelled events that deserved a question, the share the policy asked on (null: none did). */
  recall: number | null;
}

export interface WhatIfChange {
  id: string;
  time: string;
  before: string;
  after: string;
  norm: string | null;
  verdict: string | null;
}

export interface WhatIfResult {
  policyVersion: string;
  summary: ReplaySummary;
  before: Quality;
  after: Quality;
  /** The first changed events (newest first), at most `maxChanges`. */
  changes: WhatIfChange[];
  truncated: boolean;
}

interface Counts {
  labelled: number;
  tp: number;
  fp: number;
  fn: number;
}

function count(counts: Counts, asked: boolean, verdict: string): void {
  const deserved = SHOULD_ASK.has(verdict);
  if (!deserved && !SHOULD_NOT_ASK.has(verdict)) return;
  counts.labelled++;
  if (asked && deserved) counts.tp++;
  else if (asked) counts.fp++;
  else if (deserved) counts.fn++;
}

function quality(c: Counts): Quality {
  return {
    labelled: c.labelled,
    truePositives: c.tp,
    falsePositives: c.fp,
    falseNegatives: c.fn,
    precision: c.tp + c.fp === 0 ? null : c.tp / (c.tp + c.fp),
    recall: c.tp + c.fn === 0 ? null : c.tp / (c.tp + c.fn),
  };
}

function actionLabel(action: string, mode: string | null): string {
  return mode === null ? action : `${action}/${mode}`;
}

export async function whatIf(events: AsyncIterable<StoredEvent>, policy: Policy, options: { cap: number; maxChanges: number }): Promise<WhatIfResult> {
  const summary = emptySummary(policy);
  const before: Counts = { labelled: 0, tp: 0, fp: 0, fn: 0 };
  const after: Counts = { labelled: 0, tp: 0, fp: 0, fn: 0 };
  const changes: WhatIfChange[] = [];
  let truncated = false;
  for await (const event of events) {
    if (summary.events >= options.cap) {
      truncated = true;
      break;
    }
    const replayed = replayEvent(event, policy);
    addToSummary(summary, replayed);
    const verdict = event.labels.at(-1)?.verdict ?? null;
    if (verdict !== null) {
      // A shadow decision was recorded but not applied: it did not ask.
      count(before, ASKING.has(event.action) && !event.shadow, verdict);
      count(after, ASKING.has(replayed.after.action) && !replayed.after.shadow, verdict);
    }
    if (replayed.changed && changes.length < options.maxChanges) {
      changes.push({
        id: event.id,
        time: event.time,
        before: actionLabel(event.action, event.mode),
        after: actionLabel(replayed.after.action, replayed.after.mode),
        norm: replayed.after.norm,
        verdict,
      });
    }
  }
  return { policyVersion: policy.version, summary, before: quality(before), after: quality(after), changes, truncated };
}
