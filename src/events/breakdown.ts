/**
 * Per-group figures of the event log: how often Clarion clarified, annotated and deferred for each
 * tenant, model, language, route, norm, policy version, detector model, label source, action,
 * category or signal, how precise its interventions were by the labels people gave, and how often
 * it missed a gap; and `disparity()`, which flags the groups whose rate of unneeded questions is
 * far above the overall rate. Pure: events in, figures out. `clarion events stats --by`, the
 * console's overview and `clarion policy suggest` read it.
 *
 *   const acc = createBreakdown('tenant');
 *   for await (const event of store.list(filter)) acc.add(event);
 *   const result = acc.result();          // { key, overall, groups }
 *   const flags = disparity(result);      // { overall, groups: [{ group, flagged, ... }] }
 *
 * Definitions (docs/transparency.md restates them):
 * - rates of `clarify`, `annotate`, `defer`: applied decisions (shadow ones excluded) per event;
 * - labelled: events with a verdict (the latest label, among `sources` when given; with the key
 *   `label-source`, the latest label of that source);
 * - precision: interventions (any action but pass, shadow included) labelled needed or helpful,
 *   among the interventions labelled at all;
 * - unneeded questions: applied clarifications labelled unneeded or unhelpful, per labelled event;
 * - missed: events labelled `missed` per labelled event.
 * Every rate carries a Wilson score interval (95% by default), null when its base is 0.
 */
import { z } from 'zod';
import type { Action } from '../policy/decision.js';
import { detectLanguage } from './language.js';
import { effectiveLabel, latestPerSource, verdictTarget } from './labels.js';
import type { ClarionEvent, LabelSource, Verdict } from './schema.js';
import { TENANT_NONE } from './store.js';

export const GroupKeySchema = z.enum(['tenant', 'model', 'language', 'route', 'norm', 'policy', 'model-id', 'label-source', 'action', 'category', 'signal']);
export type GroupKey = z.infer<typeof GroupKeySchema>;
export const GROUP_KEYS: readonly GroupKey[] = GroupKeySchema.options;

/** Group names for values an event does not have. */
export const NO_NORM = '(defaults)';
export const NO_VALUE = '-';
export const UNLABELLED = '(unlabelled)';

/** z of a two-sided 95% interval. */
export const Z_95 = 1.959963984540054;

/** `count` of `of`, as a rate with its Wilson score interval; rate and bounds are null when `of` is 0. */
export interface Rate {
  count: number;
  of: number;
  rate: number | null;
  lo: number | null;
  hi: number | null;
}

/** Wilson score interval of `count` successes in `of` trials. */
export function wilson(count: number, of: number, z: number = Z_95): Rate {
  if (of <= 0) return { count, of, rate: null, lo: null, hi: null };
  const p = count / of;
  const z2 = z * z;
  const denominator = 1 + z2 / of;
  const centre = (p + z2 / (2 * of)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / of + z2 / (4 * of * of))) / denominator;
  // At 0 and `of` the bounds are exactly 0 and 1; rounding would leave them a hair inside.
  const lo = count <= 0 ? 0 : Math.max(0, centre - half);
  const hi = count >= of ? 1 : Math.min(1, centre + half);
  return { count, of, rate: p, lo, hi };
}

const ACTIONS = ['pass', 'annotate', 'clarify', 'defer', 'escalate'] as const satisfies readonly Action[];
const VERDICTS = ['needed', 'unneeded', 'helpful', 'unhelpful', 'missed'] as const satisfies readonly Verdict[];

export interface GroupFigures {
  /** The group's name (`acme`, `gpt-4o-mini`, `fr`, `openai-chat /v1/chat/completions`, ...); `(all)` for the overall row. */
  group: string;
  events: number;
  /** Decisions recorded as shadow (reported, not applied). */
  shadow: number;
  /** Recorded actions, shadow ones included. */
  actions: Record<Action, number>;
  /** Applied decisions per event. */
  clarify: Rate;
  annotate: Rate;
  defer: Rate;
  labelled: number;
  /** Latest verdicts of the labelled events. */
  verdicts: Record<Verdict, number>;
  /** Interventions labelled needed/helpful among the labelled interventions. */
  precision: Rate;
  /** Applied clarifications labelled unneeded/unhelpful, per labelled event: the figure `disparity()` compares. */
  unneeded: Rate;
  /** Events labelled `missed`, per labelled event. */
  missed: Rate;
}

export interface BreakdownResult {
  key: GroupKey;
  /** Every event counted once. */
  overall: GroupFigures;
  /** Largest groups first. Multi-valued keys (category, signal, label-source) count an event in each of its groups. */
  groups: GroupFigures[];
}

export interface BreakdownOptions {
  /** Only labels from these sources count. */
  sources?: readonly LabelSource[];
  /** z of the intervals (default: 95%). */
  z?: number;
}

interface Counts {
  events: number;
  shadow: number;
  actions: Record<Action, number>;
  applied: Record<Action, number>;
  labelled: number;
  verdicts: Record<Verdict, number>;
  labelledInterventions: number;
  positiveInterventions: number;
  unneededQuestions: number;
}

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

function emptyCounts(): Counts {
  return {
    events: 0,
    shadow: 0,
    actions: zeros(ACTIONS),
    applied: zeros(ACTIONS),
    labelled: 0,
    verdicts: zeros(VERDICTS),
    labelledInterventions: 0,
    positiveInterventions: 0,
    unneededQuestions: 0,
  };
}

function count(counts: Counts, event: ClarionEvent, verdict: Verdict | null): void {
  counts.events++;
  counts.actions[event.action]++;
  if (event.shadow) counts.shadow++;
  else counts.applied[event.action]++;
  if (verdict === null) return;
  counts.labelled++;
  counts.verdicts[verdict]++;
  const positive = verdictTarget(verdict) === 1;
  if (event.action !== 'pass') {
    counts.labelledInterventions++;
    if (positive) counts.positiveInterventions++;
  }
  if (event.action === 'clarify' && !event.shadow && !positive) counts.unneededQuestions++;
}

function figures(group: string, c: Counts, z: number): GroupFigures {
  return {
    group,
    events: c.events,
    shadow: c.shadow,
    actions: { ...c.actions },
    clarify: wilson(c.applied.clarify, c.events, z),
    annotate: wilson(c.applied.annotate, c.events, z),
    defer: wilson(c.applied.defer, c.events, z),
    labelled: c.labelled,
    verdicts: { ...c.verdicts },
    precision: wilson(c.positiveInterventions, c.labelledInterventions, z),
    unneeded: wilson(c.unneededQuestions, c.labelled, z),
    missed: wilson(c.verdicts.missed, c.labelled, z),
  };
}

/** The route group of an event: protocol and path. */
export function routeGroup(event: Pick<ClarionEvent, 'protocol' | 'route'>): string {
  return `${event.protocol} ${event.route}`;
}

/** The text the language is guessed from: the stored (redacted) last user turn, when the redaction mode kept one. */
export function languageOf(event: Pick<ClarionEvent, 'request'>): string {
  return detectLanguage(event.request.text);
}

/** The event's verdict under the sources asked for. */
export function verdictOf(event: ClarionEvent, sources?: readonly LabelSource[]): Verdict | null {
  return effectiveLabel(event, sources)?.verdict ?? null;
}

/**
 * The groups an event belongs to under `key`, each with the verdict that counts in it. One group
 * for single-valued keys; none, one or several for category, signal and label-source.
 */
export function groupsOf(event: ClarionEvent, key: GroupKey, sources?: readonly LabelSource[]): { group: string; verdict: Verdict | null }[] {
  if (key === 'label-source') {
    const latest = Object.entries(latestPerSource(event)).filter(([source]) => sources === undefined || sources.includes(source as LabelSource));
    if (latest.length === 0) return [{ group: UNLABELLED, verdict: null }];
    return latest.map(([source, label]) => ({ group: source, verdict: label.verdict }));
  }
  const verdict = verdictOf(event, sources);
  const one = (group: string): { group: string; verdict: Verdict | null }[] => [{ group, verdict }];
  switch (key) {
    case 'tenant':
      return one(event.tenant ?? TENANT_NONE);
    case 'model':
      return one(event.model);
    case 'language':
      return one(languageOf(event));
    case 'route':
      return one(routeGroup(event));
    case 'norm':
      return one(event.norm ?? NO_NORM);
    case 'policy':
      return one(event.policyVersion);
    case 'model-id':
      return one(event.modelId ?? NO_VALUE);
    case 'action':
      return one(event.action);
    case 'category':
      return [...new Set(event.categories)].map((group) => ({ group, verdict }));
    case 'signal':
      return [...new Set(event.signals.filter((s) => s.weight > 0).map((s) => s.id))].map((group) => ({ group, verdict }));
  }
}

export interface BreakdownAccumulator {
  add(event: ClarionEvent): void;
  result(): BreakdownResult;
}

/** A streaming breakdown: add events one by one (a store's scan), then read the result. */
export function createBreakdown(key: GroupKey, options: BreakdownOptions = {}): BreakdownAccumulator {
  const z = options.z ?? Z_95;
  const overall = emptyCounts();
  const groups = new Map<string, Counts>();
  return {
    add(event) {
      count(overall, event, verdictOf(event, options.sources));
      for (const { group, verdict } of groupsOf(event, key, options.sources)) {
        let counts = groups.get(group);
        if (counts === undefined) groups.set(group, (counts = emptyCounts()));
        count(counts, event, verdict);
      }
    },
    result() {
      const rows = [...groups].map(([group, counts]) => figures(group, counts, z));
      rows.sort((a, b) => b.events - a.events || a.group.localeCompare(b.group));
      return { key, overall: figures('(all)', overall, z), groups: rows };
    },
  };
}

/** The breakdown of a list of events. */
export function breakdown(events: Iterable<ClarionEvent>, key: GroupKey, options: BreakdownOptions = {}): BreakdownResult {
  const acc = createBreakdown(key, options);
  for (const event of events) acc.add(event);
  return acc.result();
}

export interface DisparityOptions {
  /** Groups with fewer labelled events are never flagged (default 30). */
  minLabelled?: number;
  /** How far above: the group's rate must be at least this multiple of the overall rate (default 1.5). */
  minRatio?: number;
}

export const DEFAULT_MIN_LABELLED = 30;
export const DEFAULT_MIN_RATIO = 1.5;

/** `flagged`: far above the overall rate; `too-few-labels`: below the minimum count, not judged; `within`: not flagged. */
export type DisparityStatus = 'flagged' | 'too-few-labels' | 'within';

export interface DisparityRow {
  group: string;
  events: number;
  labelled: number;
  /** The group's rate of unneeded questions (per labelled event), with its interval. */
  unneeded: Rate;
  /** Group rate / overall rate; null when either is unknown or the overall rate is 0. */
  ratio: number | null;
  status: DisparityStatus;
}

export interface DisparityResult {
  key: GroupKey;
  overall: Rate;
  minLabelled: number;
  minRatio: number;
  /** Flagged first, then by ratio. */
  groups: DisparityRow[];
}

/**
 * Flags the groups whose rate of unneeded questions is far above the overall rate: at least
 * `minLabelled` labelled events, the lower end of the group's interval above the overall rate, and
 * the rate itself at least `minRatio` times the overall rate. A group below the minimum is
 * `too-few-labels` — not enough data, which is not the same as fine.
 */
export function disparity(result: BreakdownResult, options: DisparityOptions = {}): DisparityResult {
  const minLabelled = options.minLabelled ?? DEFAULT_MIN_LABELLED;
  const minRatio = options.minRatio ?? DEFAULT_MIN_RATIO;
  const overall = result.overall.unneeded;
  const base = overall.rate;
  const rows = result.groups.map((g): DisparityRow => {
    const { rate, lo } = g.unneeded;
    const ratio = rate === null || base === null || base === 0 ? null : rate / base;
    let status: DisparityStatus = 'within';
    if (g.labelled < minLabelled) status = 'too-few-labels';
    else if (rate !== null && lo !== null && base !== null && lo > base && rate >= minRatio * base) status = 'flagged';
    return { group: g.group, events: g.events, labelled: g.labelled, unneeded: g.unneeded, ratio, status };
  });
  const order: Record<DisparityStatus, number> = { flagged: 0, within: 1, 'too-few-labels': 2 };
  rows.sort((a, b) => order[a.status] - order[b.status] || (b.unneeded.rate ?? -1) - (a.unneeded.rate ?? -1) || a.group.localeCompare(b.group));
  return { key: result.key, overall, minLabelled, minRatio, groups: rows };
}
