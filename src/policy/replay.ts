/**
 * Replaying stored events through a candidate policy: the same pure decide() that serves traffic,
 * fed the assessment and request facts an event recorded. Analysts see how a policy change would
 * have treated past traffic, and how it squares with the labels people gave.
 *
 * Events keep no request headers or body metadata (they may carry secrets), so norms that match on
 * `headers` or `metadata` see none when replayed; the summary counts such norms.
 */
import type { Assessment } from '../detect/assessment.js';
import type { ClarionEvent, Verdict } from '../events/schema.js';
import type { Action, Decision, RequestContext } from './decision.js';
import { decide } from './decide.js';
import type { Policy } from './schema.js';

export interface ReplayedEvent {
  event: ClarionEvent;
  before: { action: Action; norm: string | null };
  after: Decision;
  changed: boolean;
}

export interface ReplaySummary {
  events: number;
  changed: number;
  /** `before -> after` action transitions with counts, e.g. `clarify -> annotate: 12`. */
  transitions: Record<string, number>;
  /** Actions the candidate policy takes, counted. */
  afterActions: Record<string, number>;
  /** For labelled events: the candidate's action counted per latest verdict. */
  byVerdict: Record<string, Record<string, number>>;
  /** Norms of the candidate matching on headers/metadata, which replay cannot see. */
  normsBlindInReplay: string[];
}

/** The assessment an event recorded (question and detector version included). */
export function assessmentOf(event: ClarionEvent): Assessment {
  return {
    score: event.score,
    categories: event.categories,
    signals: event.signals.map((s) => ({ ...s })),
    missingSlots: event.missingSlots,
    suggestedQuestion: null,
    detectorVersion: event.detectorVersion,
  };
}

/** The request facts an event recorded; headers and metadata are not stored, so they are empty. */
export function contextOf(event: ClarionEvent): RequestContext {
  return {
    protocol: event.protocol,
    route: event.route,
    model: event.model,
    tenant: event.tenant,
    headers: {},
    metadata: {},
    conversationId: event.conversationId,
    // v2 events record the opt-out and the budget spent at decision time; v1 events did not, so
    // a replay of them asks "first time in this conversation, no opt-out?".
    clarificationsSoFar: event.decisionState?.clarificationsSoFar ?? 0,
    optOut: event.decisionState?.optOut ?? false,
  };
}

export function replayEvent(event: ClarionEvent, policy: Policy): ReplayedEvent {
  const after = decide(assessmentOf(event), contextOf(event), policy);
  return {
    event,
    before: { action: event.action, norm: event.norm },
    after,
    changed: after.action !== event.action || (after.mode ?? null) !== (event.mode ?? null),
  };
}

function latestVerdict(event: ClarionEvent): Verdict | null {
  return event.labels.at(-1)?.verdict ?? null;
}

export function emptySummary(policy: Policy): ReplaySummary {
  return {
    events: 0,
    changed: 0,
    transitions: {},
    afterActions: {},
    byVerdict: {},
    normsBlindInReplay: policy.norms.filter((n) => n.when.headers !== undefined || n.when.metadata !== undefined).map((n) => n.name),
  };
}

export function addToSummary(summary: ReplaySummary, replayed: ReplayedEvent): void {
  const bump = (table: Record<string, number>, key: string): void => {
    table[key] = (table[key] ?? 0) + 1;
  };
  summary.events++;
  if (replayed.changed) summary.changed++;
  const afterLabel = replayed.after.mode === null ? replayed.after.action : `${replayed.after.action}/${replayed.after.mode}`;
  const beforeLabel = replayed.event.mode === null ? replayed.before.action : `${replayed.before.action}/${replayed.event.mode}`;
  bump(summary.transitions, `${beforeLabel} -> ${afterLabel}`);
  bump(summary.afterActions, afterLabel);
  const verdict = latestVerdict(replayed.event);
  if (verdict !== null) {
    const table = (summary.byVerdict[verdict] ??= {});
    bump(table, afterLabel);
  }
}
