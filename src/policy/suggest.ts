/**
 * `clarion policy suggest`: proposed edits to the policy in force, from the labels people gave its
 * decisions, each validated by replaying the same events (src/policy/replay.ts). Pure: the policy's
 * text and the events in, a report and a candidate policy text out (the CLI reads and writes,
 * src/cli/policy/suggest.ts).
 *
 * 1. The evidence: the verdict x norm table (what each norm did and what people said about it),
 *    and the misses — labelled `missed`, or labelled as needing a question that the policy in force
 *    does not act on — by signal, category, tenant and model.
 * 2. The proposals: a norm's score range (its `score.min`, searched over the labelled events'
 *    scores), a norm to demote to annotate (its questions were mostly unneeded), a new norm for a
 *    tenant or a signal with misses (ask), a new norm for a tenant that is over-asked (annotate).
 * 3. The validation: each proposal is replayed on every event with the same decide() the proxy
 *    serves with; it is applied to the candidate only when it raises the F1 of "acted on" (clarify,
 *    defer, escalate) against the labels and rests on at least `minLabels` labelled events. Applied
 *    edits are replayed again on top of each other, in order, so every number in the candidate's
 *    comments is what that edit changes given the ones before it.
 *
 * The candidate keeps the operator's file as written (comments, layout); edits carry a comment
 * citing their evidence and their replay, and the version gets a `-suggested-<hash>` suffix.
 */
import { createHash } from 'node:crypto';
import { isMap, isSeq, parseDocument, type Document, type YAMLMap } from 'yaml';
import { breakdown, groupsOf, verdictOf, wilson, type GroupFigures, type GroupKey, type Rate } from '../events/breakdown.js';
import { verdictTarget } from '../events/labels.js';
import type { ClarionEvent, LabelSource } from '../events/schema.js';
import type { Action } from './decision.js';
import { parsePolicy } from './load.js';
import { replayEvent } from './replay.js';
import type { Policy } from './schema.js';

export const DEFAULT_MIN_LABELS = 20;
/** The least F1 gain an edit must bring to be applied. */
export const MIN_GAIN = 0.01;
/** Thresholds tried per score search. */
const MAX_THRESHOLDS = 16;
/** Misses (or unneeded questions) in a group before a new norm is proposed for it. */
const MIN_GROUP_EVIDENCE = 3;

const ACTED: ReadonlySet<Action> = new Set<Action>(['clarify', 'defer', 'escalate']);

export interface SuggestOptions {
  /** Labelled events an edit's evidence must rest on to be applied (and below which every number gets a warning). */
  minLabels?: number;
  /** Only labels from these sources count. */
  sources?: readonly LabelSource[];
}

/** How the policy's "acted on" (clarify, defer, escalate) squares with the labels. */
export interface LabelledOutcome {
  labelled: number;
  /** Labelled as needing a question (needed, helpful, missed). */
  positives: number;
  actedOn: number;
  /** Acted on and labelled as needing it, among the acted on. */
  precision: Rate;
  /** Acted on among those labelled as needing it. */
  recall: Rate;
  f1: number | null;
}

export interface Validation {
  /** Events replayed. */
  events: number;
  /** Events whose action (or clarify mode) changes. */
  changed: number;
  /** Labelled events whose action changes. */
  changedLabelled: number;
  /** `before -> after` actions with counts (changed events only). */
  transitions: Record<string, number>;
  before: LabelledOutcome;
  after: LabelledOutcome;
}

export type EditKind = 'score-range' | 'demote' | 'new-norm';

export interface Edit {
  kind: EditKind;
  /** The norm edited or added. */
  norm: string;
  /** What the edit does, in a sentence. */
  change: string;
  /** The labels behind it. */
  evidence: string;
  /** Labelled events the evidence rests on. */
  evidenceLabels: number;
  /** The replay of the edit alone on the policy in force. */
  validation: Validation;
  /** The replay of the edit on top of the edits applied before it (null when not applied). */
  applied: Validation | null;
  /** Why it was not applied, or what to be careful of. */
  warning: string | null;
}

export interface MissRow {
  group: string;
  /** Labelled events of the group. */
  labelled: number;
  /** Labelled `missed`. */
  missed: number;
  /** Labelled as needing a question (any verdict) but not acted on by the policy in force. */
  notActedOn: number;
}

export interface SuggestReport {
  policyVersion: string;
  events: number;
  labelled: number;
  minLabels: number;
  warnings: string[];
  /** The recorded norms with the latest verdicts of their events. */
  verdictsByNorm: GroupFigures[];
  misses: Record<'signal' | 'category' | 'tenant' | 'model', MissRow[]>;
  /** Applied edits first, in the order they were applied. */
  edits: Edit[];
  /** The candidate (every applied edit) against the policy in force; null when no edit was applied. */
  candidate: { version: string; validation: Validation } | null;
  /** The candidate policy file; null when no edit was applied. */
  candidateText: string | null;
}

interface Labelled {
  index: number;
  y: 0 | 1;
}

/** Events in, decisions out: the replay of one policy. */
function actionsUnder(policy: Policy, events: readonly ClarionEvent[]): { action: Action; label: string; norm: string | null }[] {
  return events.map((event) => {
    const { after } = replayEvent(event, policy);
    return { action: after.action, label: after.mode === null ? after.action : `${after.action}/${after.mode}`, norm: after.norm };
  });
}

function outcomeOf(labelled: readonly Labelled[], acted: (index: number) => boolean): LabelledOutcome {
  let positives = 0;
  let actedOn = 0;
  let hits = 0;
  for (const { index, y } of labelled) {
    const a = acted(index);
    if (y === 1) positives++;
    if (a) actedOn++;
    if (a && y === 1) hits++;
  }
  const precision = wilson(hits, actedOn);
  const recall = wilson(hits, positives);
  const f1 = actedOn + positives === 0 ? null : (2 * hits) / (actedOn + positives);
  return { labelled: labelled.length, positives, actedOn, precision, recall, f1 };
}

/** Midpoints between the distinct scores, at most MAX_THRESHOLDS of them spread over the range, rounded to 3 decimals. */
export function thresholdsFrom(scores: readonly number[]): number[] {
  const distinct = [...new Set(scores.map((s) => Math.round(s * 1000) / 1000))].sort((a, b) => a - b);
  const mids: number[] = [];
  for (let i = 1; i < distinct.length; i++) mids.push(Math.round((((distinct[i - 1] ?? 0) + (distinct[i] ?? 0)) / 2) * 1000) / 1000);
  if (mids.length <= MAX_THRESHOLDS) return [...new Set(mids)];
  const picked = new Set<number>();
  for (let k = 0; k < MAX_THRESHOLDS; k++) picked.add(mids[Math.round((k * (mids.length - 1)) / (MAX_THRESHOLDS - 1))] ?? 0);
  return [...picked].sort((a, b) => a - b);
}

function pct(rate: Rate): string {
  return rate.rate === null ? 'n/a' : `${(100 * rate.rate).toFixed(0)}% [${(100 * (rate.lo ?? 0)).toFixed(0)}-${(100 * (rate.hi ?? 0)).toFixed(0)}]`;
}

function f1Text(f1: number | null): string {
  return f1 === null ? 'n/a' : f1.toFixed(3);
}

function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9_.:-]+/g, '-').slice(0, 48) || 'x';
}

/** A proposal before it is validated: how to apply it to a policy document. */
interface Proposal {
  kind: EditKind;
  norm: string;
  change: string;
  evidence: string;
  evidenceLabels: number;
  apply: (doc: Document) => void;
}

function normNode(doc: Document, name: string): YAMLMap | null {
  const norms = doc.get('norms', true);
  if (!isSeq(norms)) return null;
  for (const item of norms.items) if (isMap(item) && item.get('name') === name) return item;
  return null;
}

function normIndex(doc: Document, name: string): number {
  const norms = doc.get('norms', true);
  return isSeq(norms) ? norms.items.findIndex((item) => isMap(item) && item.get('name') === name) : -1;
}

function prependNorm(doc: Document, norm: Record<string, unknown>): void {
  const node = doc.createNode(norm);
  const norms = doc.get('norms', true);
  if (isSeq(norms)) norms.items.unshift(node);
  else doc.set('norms', doc.createNode([norm]));
}

function addComment(doc: Document, name: string, lines: string[]): void {
  const node = normNode(doc, name);
  if (node === null) return;
  const text = lines.map((l) => ` ${l}`).join('\n');
  node.commentBefore = node.commentBefore === undefined || node.commentBefore === null ? text : `${node.commentBefore}\n${text}`;
}

const NOT_FOR_ANNOTATE = ['mode', 'budget', 'fallback', 'precedent', 'interpretBy', 'reply', 'escalate'] as const;

class Suggester {
  readonly current: Policy;
  readonly labelled: Labelled[];
  readonly baseline: { action: Action; label: string; norm: string | null }[];
  private readonly labelledEvents: ClarionEvent[];

  constructor(
    readonly text: string,
    readonly file: string,
    readonly events: readonly ClarionEvent[],
    readonly sources: readonly LabelSource[] | undefined,
  ) {
    this.current = parsePolicy(text, file);
    this.labelled = [];
    events.forEach((event, index) => {
      const verdict = verdictOf(event, sources);
      if (verdict !== null) this.labelled.push({ index, y: verdictTarget(verdict) });
    });
    this.labelledEvents = this.labelled.map((l) => events[l.index] as ClarionEvent);
    this.baseline = actionsUnder(this.current, events);
  }

  /** F1 of a policy text on the labelled events alone (the search's objective); null when it does not parse. */
  labelledF1(text: string): number | null {
    let policy: Policy;
    try {
      policy = parsePolicy(text, this.file);
    } catch {
      return null;
    }
    const actions = actionsUnder(policy, this.labelledEvents);
    const byIndex = new Map(this.labelled.map((l, k) => [l.index, actions[k]?.action ?? 'pass']));
    return outcomeOf(this.labelled, (i) => ACTED.has(byIndex.get(i) ?? 'pass')).f1;
  }

  /** Replays every event under `before` and `after`. */
  validate(before: { action: Action; label: string }[], afterText: string): Validation {
    const after = actionsUnder(parsePolicy(afterText, this.file), this.events);
    const transitions: Record<string, number> = {};
    let changed = 0;
    let changedLabelled = 0;
    const isLabelled = new Set(this.labelled.map((l) => l.index));
    after.forEach((a, i) => {
      const b = before[i];
      if (b === undefined || b.label === a.label) return;
      changed++;
      if (isLabelled.has(i)) changedLabelled++;
      const key = `${b.label} -> ${a.label}`;
      transitions[key] = (transitions[key] ?? 0) + 1;
    });
    return {
      events: this.events.length,
      changed,
      changedLabelled,
      transitions,
      before: outcomeOf(this.labelled, (i) => ACTED.has(before[i]?.action ?? 'pass')),
      after: outcomeOf(this.labelled, (i) => ACTED.has(after[i]?.action ?? 'pass')),
    };
  }

  /** The best threshold for `build(t)` by labelled F1; null when none beats `baseF1` by MIN_GAIN. */
  search(thresholds: readonly number[], build: (t: number) => string, baseF1: number | null): { t: number; f1: number } | null {
    let best: { t: number; f1: number } | null = null;
    for (const t of thresholds) {
      const f1 = this.labelledF1(build(t));
      if (f1 !== null && (best === null || f1 > best.f1)) best = { t, f1 };
    }
    if (best === null || best.f1 < (baseF1 ?? 0) + MIN_GAIN) return null;
    return best;
  }

  edited(apply: (doc: Document) => void, base: string = this.text): string {
    const doc = parseDocument(base);
    apply(doc);
    return doc.toString();
  }

  proposals(): Proposal[] {
    const out: Proposal[] = [];
    const baseF1 = this.labelledF1(this.text);
    const byNorm = new Map<string, Labelled[]>();
    for (const l of this.labelled) {
      const norm = this.baseline[l.index]?.norm;
      if (norm === null || norm === undefined) continue;
      const list = byNorm.get(norm) ?? [];
      list.push(l);
      byNorm.set(norm, list);
    }
    const allScores = this.labelledEvents.map((e) => e.score);

    for (const norm of this.current.norms) {
      if (!ACTED.has(norm.then.action)) continue;
      const mine = byNorm.get(norm.name) ?? [];
      const positives = mine.filter((l) => l.y === 1).length;
      const precision = wilson(positives, mine.length);
      // Score range: a new score.min for this norm, searched over every labelled score.
      const min = norm.when.score?.min;
      const thresholds = thresholdsFrom(allScores).filter((t) => t !== min && (norm.when.score?.max === undefined || t <= norm.when.score.max));
      const build = (t: number): string => this.edited((doc) => doc.setIn(['norms', normIndex(doc, norm.name), 'when', 'score', 'min'], t));
      const best = this.search(thresholds, build, baseF1);
      if (best !== null) {
        const above = this.labelled.filter((l) => (this.events[l.index]?.score ?? 0) >= best.t);
        const below = this.labelled.filter((l) => (this.events[l.index]?.score ?? 0) < best.t);
        const share = (list: Labelled[]): Rate => wilson(list.filter((l) => l.y === 1).length, list.length);
        out.push({
          kind: 'score-range',
          norm: norm.name,
          change: `${norm.name}: score.min ${min ?? 'none'} -> ${best.t}`,
          evidence: `labelled events scoring >= ${best.t}: ${pct(share(above))} needed a question (${above.length}); below: ${pct(share(below))} (${below.length})`,
          evidenceLabels: this.labelled.length,
          apply: (doc) => doc.setIn(['norms', normIndex(doc, norm.name), 'when', 'score', 'min'], best.t),
        });
      }
      // Demote: its interventions were mostly unneeded (the whole interval below one half).
      if (mine.length > 0 && precision.hi !== null && precision.hi < 0.5) {
        out.push({
          kind: 'demote',
          norm: norm.name,
          change: `${norm.name}: ${norm.then.action} -> annotate (state assumptions instead of asking)`,
          evidence: `${norm.name} decided ${mine.length} labelled events; ${positives} needed it (precision ${pct(precision)})`,
          evidenceLabels: mine.length,
          apply: (doc) => {
            const i = normIndex(doc, norm.name);
            doc.setIn(['norms', i, 'then', 'action'], 'annotate');
            for (const field of NOT_FOR_ANNOTATE) if (doc.hasIn(['norms', i, 'then', field])) doc.deleteIn(['norms', i, 'then', field]);
          },
        });
      }
    }

    // New norms for groups with misses (ask) or with unneeded questions (annotate).
    const groupKeys: [GroupKey, 'tenant' | 'signals'][] = [
      ['tenant', 'tenant'],
      ['signal', 'signals'],
    ];
    const names = new Set(this.current.norms.map((n) => n.name));
    // A group gets a norm of its own only when it does markedly worse than the whole deployment: the
    // lower end of its interval above the overall rate (of misses, or of unneeded interventions).
    const isActed = (l: Labelled): boolean => ACTED.has(this.baseline[l.index]?.action ?? 'pass');
    const allActed = this.labelled.filter(isActed);
    const overallMissRate = this.labelled.filter((l) => l.y === 1 && !isActed(l)).length / Math.max(1, this.labelled.length);
    const overallUnneededRate = allActed.filter((l) => l.y === 0).length / Math.max(1, allActed.length);
    const unique = (name: string): string => {
      let candidate = name;
      for (let k = 2; names.has(candidate); k++) candidate = `${name}-${k}`;
      names.add(candidate);
      return candidate;
    };
    for (const [key, field] of groupKeys) {
      const groups = new Map<string, Labelled[]>();
      for (const l of this.labelled) {
        for (const { group } of groupsOf(this.events[l.index] as ClarionEvent, key, this.sources)) {
          if (key === 'tenant' && group === '-') continue;
          const list = groups.get(group) ?? [];
          list.push(l);
          groups.set(group, list);
        }
      }
      for (const [group, list] of [...groups].sort((a, b) => a[0].localeCompare(b[0]))) {
        const misses = list.filter((l) => l.y === 1 && !ACTED.has(this.baseline[l.index]?.action ?? 'pass'));
        const unneeded = list.filter((l) => l.y === 0 && ACTED.has(this.baseline[l.index]?.action ?? 'pass'));
        const scores = list.map((l) => this.events[l.index]?.score ?? 0);
        const when = (score: Record<string, number>): Record<string, unknown> => ({ [field]: field === 'signals' ? [group] : group, score });
        const what = key === 'tenant' ? `tenant ${group}` : `signal ${group}`;
        if (misses.length >= MIN_GROUP_EVIDENCE && (wilson(misses.length, list.length).lo ?? 0) > overallMissRate) {
          const name = unique(safeName(`ask-${key}-${group}`));
          const build = (t: number): Record<string, unknown> => ({ name, when: when({ min: t }), then: { action: 'clarify' } });
          const best = this.search(thresholdsFrom(scores), (t) => this.edited((doc) => prependNorm(doc, build(t))), baseF1);
          if (best !== null) {
            out.push({
              kind: 'new-norm',
              norm: name,
              change: `new first norm ${name}: clarify for ${what} when score >= ${best.t}`,
              evidence: `${what}: ${misses.length} of its ${list.length} labelled events needed a question the policy in force does not ask (${list.filter((l) => this.events[l.index]?.labels.some((x) => x.verdict === 'missed')).length} labelled missed)`,
              evidenceLabels: list.length,
              apply: (doc) => prependNorm(doc, build(best.t)),
            });
          }
        }
        const acted = list.filter(isActed);
        if (unneeded.length >= MIN_GROUP_EVIDENCE && (wilson(unneeded.length, acted.length).lo ?? 0) > overallUnneededRate) {
          const name = unique(safeName(`annotate-${key}-${group}`));
          const actedScores = acted.map((l) => this.events[l.index]?.score ?? 0);
          // Only what the policy acts on now becomes an annotation: from the lowest score it acted on.
          const lo = Math.floor(Math.min(...actedScores) * 1000) / 1000;
          const range = (t: number): Record<string, number> => (t >= 1 ? { min: lo } : { min: lo, max: t });
          const build = (t: number): Record<string, unknown> => ({ name, when: when(range(t)), then: { action: 'annotate' } });
          const best = this.search(
            thresholdsFrom(actedScores)
              .filter((t) => t > lo)
              .concat(1),
            (t) => this.edited((doc) => prependNorm(doc, build(t))),
            baseF1,
          );
          if (best !== null) {
            out.push({
              kind: 'new-norm',
              norm: name,
              change: `new first norm ${name}: annotate instead of asking for ${what} when score >= ${lo}${best.t >= 1 ? '' : ` and <= ${best.t}`}`,
              evidence: `${what}: ${unneeded.length} of its ${acted.length} labelled questions/deferrals were unneeded (precision ${pct(wilson(acted.length - unneeded.length, acted.length))})`,
              evidenceLabels: list.length,
              apply: (doc) => prependNorm(doc, build(best.t)),
            });
          }
        }
      }
    }
    return out;
  }
}

function missRows(
  events: readonly ClarionEvent[],
  key: GroupKey,
  labelled: readonly Labelled[],
  baseline: readonly { action: Action }[],
  sources: readonly LabelSource[] | undefined,
): MissRow[] {
  const rows = new Map<string, MissRow>();
  for (const l of labelled) {
    const event = events[l.index] as ClarionEvent;
    for (const { group, verdict } of groupsOf(event, key, sources)) {
      const row = rows.get(group) ?? { group, labelled: 0, missed: 0, notActedOn: 0 };
      row.labelled++;
      if (verdict === 'missed') row.missed++;
      if (l.y === 1 && !ACTED.has(baseline[l.index]?.action ?? 'pass')) row.notActedOn++;
      rows.set(group, row);
    }
  }
  return [...rows.values()]
    .filter((r) => r.missed + r.notActedOn > 0)
    .sort((a, b) => b.notActedOn - a.notActedOn || b.missed - a.missed || a.group.localeCompare(b.group));
}

function replayLines(v: Validation): string {
  const top = Object.entries(v.transitions)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  return (
    `replay: ${v.changed} of ${v.events} events change (${v.changedLabelled} labelled)${top === '' ? '' : `: ${top}`}; ` +
    `precision ${pct(v.before.precision)} -> ${pct(v.after.precision)}, recall ${pct(v.before.recall)} -> ${pct(v.after.recall)}, F1 ${f1Text(v.before.f1)} -> ${f1Text(v.after.f1)}`
  );
}

/** Proposes edits to `policyText` from `events`, validates each by replay, and writes the applied ones into a candidate text. */
export function suggest(policyText: string, file: string, events: readonly ClarionEvent[], options: SuggestOptions = {}): SuggestReport {
  const minLabels = options.minLabels ?? DEFAULT_MIN_LABELS;
  const s = new Suggester(policyText, file, events, options.sources);
  const warnings: string[] = [];
  if (s.labelled.length < minLabels)
    warnings.push(`only ${s.labelled.length} labelled events (fewer than ${minLabels}): no edit is applied; label more before trusting any number here`);
  if (s.labelled.length > 0 && s.labelled.every((l) => l.y === s.labelled[0]?.y))
    warnings.push('every label says the same thing: precision and recall cannot both be judged');
  const blind = s.current.norms.filter((n) => n.when.headers !== undefined || n.when.metadata !== undefined).map((n) => n.name);
  if (blind.length > 0) warnings.push(`norms matching on headers/metadata cannot match in replay (events do not store them): ${blind.join(', ')}`);

  const verdictsByNorm = breakdown(events, 'norm', options.sources === undefined ? {} : { sources: options.sources }).groups;
  const misses = {
    signal: missRows(events, 'signal', s.labelled, s.baseline, options.sources),
    category: missRows(events, 'category', s.labelled, s.baseline, options.sources),
    tenant: missRows(events, 'tenant', s.labelled, s.baseline, options.sources),
    model: missRows(events, 'model', s.labelled, s.baseline, options.sources),
  };

  const proposals = s.proposals().map((p) => ({ p, validation: s.validate(s.baseline, s.edited(p.apply)) }));
  const gain = (v: Validation): number => (v.after.f1 ?? 0) - (v.before.f1 ?? 0);
  // Largest gain first; on a tie, demoting (the gap is still handled) before a score range, existing norms before new ones.
  const rank: Record<EditKind, number> = { demote: 0, 'score-range': 1, 'new-norm': 2 };
  proposals.sort((a, b) => gain(b.validation) - gain(a.validation) || rank[a.p.kind] - rank[b.p.kind] || a.p.norm.localeCompare(b.p.norm));

  const edits: Edit[] = [];
  const skipped: Edit[] = [];
  let text = policyText;
  let before = s.baseline;
  const touched = new Set<string>();
  for (const { p, validation } of proposals) {
    const edit: Edit = {
      kind: p.kind,
      norm: p.norm,
      change: p.change,
      evidence: p.evidence,
      evidenceLabels: p.evidenceLabels,
      validation,
      applied: null,
      warning: null,
    };
    if (p.evidenceLabels < minLabels) {
      edit.warning = `rests on ${p.evidenceLabels} labelled events (fewer than ${minLabels}): not applied`;
      skipped.push(edit);
      continue;
    }
    if (touched.has(p.norm)) {
      edit.warning = `another edit of ${p.norm} was applied first`;
      skipped.push(edit);
      continue;
    }
    const next = s.edited(p.apply, text);
    const applied = s.validate(before, next);
    if (gain(applied) < MIN_GAIN) {
      edit.warning = `on top of the edits applied before it, the replay shows no gain (F1 ${f1Text(applied.before.f1)} -> ${f1Text(applied.after.f1)}): not applied`;
      skipped.push(edit);
      continue;
    }
    edit.applied = applied;
    touched.add(p.norm);
    const doc = parseDocument(next);
    addComment(doc, p.norm, [`suggested: ${p.change}`, `evidence: ${p.evidence}`, replayLines(applied)]);
    text = doc.toString();
    before = actionsUnder(parsePolicy(text, file), events);
    edits.push(edit);
  }

  if (edits.length === 0) {
    return {
      policyVersion: s.current.version,
      events: events.length,
      labelled: s.labelled.length,
      minLabels,
      warnings,
      verdictsByNorm,
      misses,
      edits: skipped,
      candidate: null,
      candidateText: null,
    };
  }
  const doc = parseDocument(text);
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 8);
  const version = `${s.current.version}-suggested-${hash}`;
  doc.set('version', version);
  const times = events.map((e) => e.time).sort();
  doc.commentBefore = [
    ` Candidate policy from \`clarion policy suggest\`: ${edits.length} edit(s) to ${s.current.version}, from ${s.labelled.length} labelled of ${events.length} events`,
    ` (${times[0] ?? '-'} .. ${times.at(-1) ?? '-'}). Each edit was validated by replaying these events; review every`,
    ` one, replay it on newer traffic (clarion replay --policy FILE), then put it in force.`,
  ].join('\n');
  const candidateText = doc.toString();
  const validation = s.validate(s.baseline, candidateText);
  return {
    policyVersion: s.current.version,
    events: events.length,
    labelled: s.labelled.length,
    minLabels,
    warnings,
    verdictsByNorm,
    misses,
    edits: [...edits, ...skipped],
    candidate: { version, validation },
    candidateText,
  };
}
