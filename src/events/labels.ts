/**
 * Labels: what people and apps say about a decision. One small API for every caller — the
 * feedback endpoint, `clarion events label`, the review queue, the console and the second
 * opinion all go through `addLabel`:
 *
 *   import { addLabel } from './events/labels.js';
 *   await addLabel(store, eventId, { verdict: 'unneeded', source: 'analyst', note: 'obvious from context' });
 *
 * Labels are appended, never rewritten. Every label is kept; per source the last one counts, and
 * an event's verdict is the most recent of those (its latest label from the sources asked for).
 */
import { redactText } from './redact.js';
import type { ClarionEvent, Label, LabelSource, Verdict } from './schema.js';

export const MAX_NOTE_CHARS = 1_000;

export interface LabelRequest {
  verdict: Verdict;
  source: LabelSource;
  /** Free text; redacted and cut to MAX_NOTE_CHARS before it is stored. */
  note?: string | null | undefined;
}

/** Anything that stores labels: an EventStore (CLI, console) or the proxy's EventLog. */
export interface LabelTarget {
  label(id: string, label: Label): Promise<boolean>;
}

/** The stored form of a label request: note redacted and bounded, time stamped. */
export function makeLabel(request: LabelRequest, now: number = Date.now()): Label {
  const note = request.note === undefined || request.note === null || request.note === '' ? null : redactText(request.note).slice(0, MAX_NOTE_CHARS);
  return { verdict: request.verdict, note, time: new Date(now).toISOString(), source: request.source };
}

/** Adds a label to an event; false when no event has this id. Throws when the store cannot be reached. */
export function addLabel(target: LabelTarget, eventId: string, request: LabelRequest): Promise<boolean> {
  return target.label(eventId, makeLabel(request));
}

/** The last label of each source (labels are stored oldest first). */
export function latestPerSource(event: Pick<ClarionEvent, 'labels'>): Partial<Record<LabelSource, Label>> {
  const out: Partial<Record<LabelSource, Label>> = {};
  for (const label of event.labels) out[label.source] = label;
  return out;
}

/** The event's verdict: its latest label among `sources` (all sources by default), or null when unlabelled. */
export function effectiveLabel(event: Pick<ClarionEvent, 'labels'>, sources?: readonly LabelSource[]): Label | null {
  for (let i = event.labels.length - 1; i >= 0; i--) {
    const label = event.labels[i] as Label;
    if (sources === undefined || sources.includes(label.source)) return label;
  }
  return null;
}

/**
 * Whether a verdict says the request should have been asked about (1) or not (0): `needed`,
 * `helpful` and `missed` mean it was underspecified; `unneeded` and `unhelpful` mean it was not.
 */
export function verdictTarget(verdict: Verdict): 0 | 1 {
  return verdict === 'needed' || verdict === 'helpful' || verdict === 'missed' ? 1 : 0;
}
