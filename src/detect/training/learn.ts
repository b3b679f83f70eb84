/**
 * `clarion learn`: refits the detector's combiner to a deployment's labelled events. Pure: events
 * and data in, a weights file and a report out (the CLI does the I/O, src/cli/learn.ts).
 *
 * The model in force stays the starting point: learning fits a correction d(x) on its calibrated
 * logit, score' = sigmoid(a·raw(x) + b + d(x)), with d linear in the same features (bias, rule
 * features, hashed ids) and L2-shrunk towards 0 — with no labels the model does not move. The
 * correction is fit on the labelled events (each weighing `eventWeight` shipped rows) plus the
 * shipped training data when it is there (keeping what the shipped model knows), and folded back
 * into the weights (d / a), so serving is unchanged: same file format, same arithmetic.
 *
 * Evaluation is honest about time: the labelled events are ordered by time and the newest
 * `holdout` share is held out; the correction fitted on the older ones is compared with the
 * starting model on the held-out ones (AUROC and the policy's acted-on / touched rates, with
 * bootstrap 95% intervals). The written file is then refit on every labelled event. Deterministic:
 * full-batch optimiser, fixed seed, events in (time, id) order.
 */
import { createHash } from 'node:crypto';
import { effectiveLabel, verdictTarget } from '../../events/labels.js';
import type { ClarionEvent, LabelSource } from '../../events/schema.js';
import type { SparseFeatures } from '../assessment.js';
import { HASH_BITS, RULE_INDEX, type FeatureVector } from '../features.js';
import { RULE_FEATURES, type RuleFeature } from '../finding.js';
import { calibrate, modelFromFile, rawScore, sigmoid, type WeightsFile } from '../model.js';
import { aurocInterval, type Interval } from './metrics.js';
import { prng } from './random.js';

export const LEARN_SEED = 20261202;

/** A training row: features, target, weight, and the starting model's calibrated logit. */
interface Row {
  readonly x: FeatureVector;
  readonly y: number;
  readonly w: number;
}

export interface LearnOptions {
  /** The model in force (the starting point). */
  base: WeightsFile;
  /** Events to learn from; those without a label (from `sources`) or without features are skipped. */
  events: readonly ClarionEvent[];
  /** The shipped training data's rows (features, label, weight), when available. */
  corpus?: readonly { x: FeatureVector; y: number; w: number }[];
  /** Share of the newest labelled events held out for evaluation (0 .. 0.5). */
  holdout: number;
  /** Only labels from these sources count (default: all). */
  sources?: readonly LabelSource[];
  /** How many shipped rows one labelled event weighs. */
  eventWeight?: number;
  /** L2 strength on the correction. */
  lambda?: number;
  epochs?: number;
  /** Re-decides an event with a score (the policy's replay); gives acted-on / touched when set. */
  decide?: (event: ClarionEvent, score: number) => string;
  /** When the file is written (ISO); part of its training record, not of its version. */
  now?: string;
}

export interface PolicyRates {
  /** Share of held-out events the policy would act on (clarify, defer, escalate). */
  actedOn: Interval;
  /** Share it would touch at all (anything but pass). */
  touched: Interval;
  /** The same among events labelled as needing a question, and among those labelled as not. */
  actedOnNeeded: Interval;
  actedOnUnneeded: Interval;
}

export interface SideReport {
  auroc: Interval;
  policy: PolicyRates | null;
}

export interface LearnReport {
  labelled: number;
  skipped: { unlabelled: number; noFeatures: number };
  positives: number;
  train: number;
  holdout: number;
  /** The weight each labelled event had, and the total of the shipped rows. */
  eventWeight: number;
  corpusRows: number;
  corpusWeight: number;
  before: SideReport | null;
  after: SideReport | null;
  /** AUROC after minus before on the hold-out. */
  lift: number | null;
  /** Not worse on the hold-out (or nothing to judge by: no hold-out). */
  notWorse: boolean;
  warnings: string[];
  baseVersion: string;
  version: string;
}

export interface LearnResult {
  file: WeightsFile;
  report: LearnReport;
}

const MIN_HOLDOUT = 10;
const BOOTSTRAP = 1000;

/** An event's sparse features as the trainer's dense-rule / hashed-id vector; null when it has none usable. */
export function featureVectorOf(features: SparseFeatures | null): FeatureVector | null {
  if (features === null || features.hashBits !== HASH_BITS) return null;
  const rule = new Float64Array(RULE_FEATURES.length);
  for (const [name, value] of Object.entries(features.rule)) {
    const i = RULE_INDEX.get(name as RuleFeature);
    if (i !== undefined) rule[i] = value;
  }
  return { rule, hashed: Uint32Array.from(features.hashed), origin: new Int32Array(features.hashed.length), tokens: [] };
}

/** The calibrated score of a feature vector under a weights file (what the detector serves). */
export function scoreWith(file: WeightsFile): (x: FeatureVector) => number {
  const model = modelFromFile(file);
  return (x) => calibrate(model, rawScore(model, x).raw);
}

interface Correction {
  bias: number;
  rule: Float64Array;
  hashed: Map<number, number>;
}

/**
 * The rows as one sparse matrix (CSR), identical rows merged: row i's entries are cols/vals from
 * start[i] to start[i + 1] (column 0 is the bias, 1..nr the rule features, then one per hashed id).
 * Rows with the same features and target are summed into one with their weights added — the
 * full-batch gradient is the same sum, computed once.
 */
interface Design {
  start: Int32Array;
  cols: Int32Array;
  vals: Float64Array;
  y: Float64Array;
  w: Float64Array;
  offset: Float64Array;
  /** Hashed id -> its column. */
  slot: Map<number, number>;
  dim: number;
}

function design(rows: readonly Row[], offsets: Float64Array): Design {
  const nr = RULE_FEATURES.length;
  const slot = new Map<number, number>();
  const merged = new Map<string, number>();
  const start: number[] = [0];
  const cols: number[] = [];
  const vals: number[] = [];
  const y: number[] = [];
  const w: number[] = [];
  const offset: number[] = [];
  const rowCols: number[] = [];
  const rowVals: number[] = [];
  for (let n = 0; n < rows.length; n++) {
    const r = rows[n] as Row;
    rowCols.length = 0;
    rowVals.length = 0;
    for (let i = 0; i < nr; i++) {
      const v = r.x.rule[i] ?? 0;
      if (v !== 0) {
        rowCols.push(1 + i);
        rowVals.push(v);
      }
    }
    for (const h of r.x.hashed) {
      let j = slot.get(h);
      if (j === undefined) slot.set(h, (j = slot.size));
      rowCols.push(1 + nr + j);
      rowVals.push(1);
    }
    const key = `${r.y}|${rowCols.join(',')}|${rowVals.join(',')}`;
    const seen = merged.get(key);
    if (seen !== undefined) {
      w[seen] = (w[seen] ?? 0) + r.w;
      continue;
    }
    merged.set(key, y.length);
    y.push(r.y);
    w.push(r.w);
    offset.push(offsets[n] ?? 0);
    for (let k = 0; k < rowCols.length; k++) {
      cols.push(rowCols[k] ?? 0);
      vals.push(rowVals[k] ?? 0);
    }
    start.push(cols.length);
  }
  return {
    start: Int32Array.from(start),
    cols: Int32Array.from(cols),
    vals: Float64Array.from(vals),
    y: Float64Array.from(y),
    w: Float64Array.from(w),
    offset: Float64Array.from(offset),
    slot,
    dim: 1 + nr + slot.size,
  };
}

/** Fits d(x) on top of the offset (the base's calibrated logit) by full-batch Adam with L2 towards 0. */
function fitCorrection(rows: readonly Row[], offsets: Float64Array, lambda: number, epochs: number): Correction {
  const nr = RULE_FEATURES.length;
  const { start, cols, vals, y, w: weight, offset, slot, dim } = design(rows, offsets);
  const count = y.length;
  const w = new Float64Array(dim);
  const m = new Float64Array(dim);
  const v = new Float64Array(dim);
  const g = new Float64Array(dim);
  let total = 0;
  for (let n = 0; n < count; n++) total += weight[n] as number;
  if (total === 0) total = 1;
  // The typed arrays are read with `as number`: every index is in range by construction.
  for (let epoch = 1; epoch <= epochs; epoch++) {
    g.fill(0);
    for (let n = 0; n < count; n++) {
      const from = start[n] as number;
      const to = start[n + 1] as number;
      let z = (offset[n] as number) + (w[0] as number);
      for (let k = from; k < to; k++) z += (vals[k] as number) * (w[cols[k] as number] as number);
      const err = ((sigmoid(z) - (y[n] as number)) * (weight[n] as number)) / total;
      g[0] = (g[0] as number) + err;
      for (let k = from; k < to; k++) {
        const j = cols[k] as number;
        g[j] = (g[j] as number) + err * (vals[k] as number);
      }
    }
    for (let j = 1; j < dim; j++) g[j] = (g[j] as number) + lambda * (w[j] as number);
    const lr = 0.05 / Math.sqrt(1 + epoch / 50);
    const c1 = 1 - 0.9 ** epoch;
    const c2 = 1 - 0.999 ** epoch;
    for (let j = 0; j < dim; j++) {
      const gj = g[j] as number;
      const mj = 0.9 * (m[j] as number) + 0.1 * gj;
      const vj = 0.999 * (v[j] as number) + 0.001 * gj * gj;
      m[j] = mj;
      v[j] = vj;
      w[j] = (w[j] as number) - (lr * (mj / c1)) / (Math.sqrt(vj / c2) + 1e-8);
    }
  }
  const hashed = new Map<number, number>();
  for (const [h, j] of slot) hashed.set(h, w[1 + nr + j] ?? 0);
  return { bias: w[0] ?? 0, rule: w.slice(1, 1 + nr), hashed };
}

/** The base file with the correction folded in (d / a on the raw scale), versioned by content. */
function corrected(base: WeightsFile, d: Correction, training: Record<string, unknown>): WeightsFile {
  const a = base.calibration.a === 0 ? 1 : base.calibration.a;
  const hashed = new Map<number, number>();
  base.hashedIndex.forEach((h, i) => hashed.set(h, base.hashedWeight[i] ?? 0));
  for (const [h, dw] of d.hashed) hashed.set(h, (hashed.get(h) ?? 0) + dw / a);
  const entries = [...hashed.entries()].filter(([, w]) => Math.abs(w) >= 0.001).sort((p, q) => p[0] - q[0]);
  const rule: Record<string, number> = {};
  RULE_FEATURES.forEach((f, i) => {
    rule[f] = Math.round(((base.rule[f] ?? 0) + (d.rule[i] ?? 0) / a) * 1e4) / 1e4;
  });
  const body = {
    ...base,
    bias: Math.round((base.bias + d.bias / a) * 1e4) / 1e4,
    rule,
    hashedIndex: entries.map(([h]) => h),
    hashedWeight: entries.map(([, w]) => Math.round(w * 1e4) / 1e4),
    training,
  };
  const { version: _ignored, ...hashable } = body;
  void _ignored;
  const { trainedAt: _time, ...stableTraining } = training;
  void _time;
  const version = `clarion-learned-${createHash('sha256')
    .update(JSON.stringify({ ...hashable, training: stableTraining }))
    .digest('hex')
    .slice(0, 12)}`;
  return { ...body, version };
}

function rate(hits: readonly boolean[], rand: () => number): Interval {
  const n = hits.length;
  const value = n === 0 ? Number.NaN : hits.filter(Boolean).length / n;
  if (n === 0) return { value, lo: Number.NaN, hi: Number.NaN };
  const reps: number[] = [];
  for (let r = 0; r < BOOTSTRAP; r++) {
    let k = 0;
    for (let i = 0; i < n; i++) if (hits[Math.floor(rand() * n)]) k++;
    reps.push(k / n);
  }
  reps.sort((p, q) => p - q);
  return { value, lo: reps[Math.floor(0.025 * BOOTSTRAP)] ?? value, hi: reps[Math.floor(0.975 * BOOTSTRAP)] ?? value };
}

const ACTS = new Set(['clarify', 'defer', 'escalate']);

function side(
  events: readonly ClarionEvent[],
  xs: readonly FeatureVector[],
  ys: readonly number[],
  score: (x: FeatureVector) => number,
  decide: LearnOptions['decide'],
): SideReport {
  const scores = xs.map(score);
  const auroc = aurocInterval(scores, ys, BOOTSTRAP, prng(LEARN_SEED));
  if (decide === undefined) return { auroc, policy: null };
  const actions = events.map((e, i) => decide(e, scores[i] ?? 0));
  const rand = prng(LEARN_SEED + 1);
  const acted = actions.map((a) => ACTS.has(a));
  return {
    auroc,
    policy: {
      actedOn: rate(acted, rand),
      touched: rate(
        actions.map((a) => a !== 'pass'),
        rand,
      ),
      actedOnNeeded: rate(
        acted.filter((_, i) => ys[i] === 1),
        rand,
      ),
      actedOnUnneeded: rate(
        acted.filter((_, i) => ys[i] === 0),
        rand,
      ),
    },
  };
}

export function learn(options: LearnOptions): LearnResult {
  const eventWeight = options.eventWeight ?? 5;
  const lambda = options.lambda ?? 1e-3;
  const epochs = options.epochs ?? 200;
  const warnings: string[] = [];
  let unlabelled = 0;
  let noFeatures = 0;
  const labelled: { event: ClarionEvent; x: FeatureVector; y: number }[] = [];
  const ordered = [...options.events].sort((p, q) => (p.time < q.time ? -1 : p.time > q.time ? 1 : p.id < q.id ? -1 : p.id > q.id ? 1 : 0));
  for (const event of ordered) {
    const label = effectiveLabel(event, options.sources);
    if (label === null) {
      unlabelled++;
      continue;
    }
    const x = featureVectorOf(event.features);
    if (x === null) {
      noFeatures++;
      continue;
    }
    labelled.push({ event, x, y: verdictTarget(label.verdict) });
  }
  const corpus = options.corpus ?? [];
  const baseScore = scoreWith(options.base);
  const baseModel = modelFromFile(options.base);
  const offsetOf = (x: FeatureVector): number => baseModel.a * rawScore(baseModel, x).raw + baseModel.b;
  const fit = (events: typeof labelled): Correction => {
    const rows: Row[] = [...events.map((e) => ({ x: e.x, y: e.y, w: eventWeight })), ...corpus];
    const offsets = Float64Array.from(rows, (r) => offsetOf(r.x));
    return fitCorrection(rows, offsets, lambda, epochs);
  };

  const holdN = Math.floor(labelled.length * Math.min(0.5, Math.max(0, options.holdout)));
  const train = labelled.slice(0, labelled.length - holdN);
  const held = labelled.slice(labelled.length - holdN);
  const heldBoth = held.some((e) => e.y === 1) && held.some((e) => e.y === 0);
  if (labelled.length < 50) warnings.push(`only ${labelled.length} labelled events: numbers below are rough`);
  if (holdN < MIN_HOLDOUT || !heldBoth) warnings.push(`the hold-out (${holdN} events) is too small or one-sided to judge the new model`);
  if (noFeatures > 0) warnings.push(`${noFeatures} labelled events have no feature vector (schema v1): skipped`);

  let before: SideReport | null = null;
  let after: SideReport | null = null;
  if (holdN >= 2 && heldBoth) {
    const xs = held.map((e) => e.x);
    const ys = held.map((e) => e.y);
    const events = held.map((e) => e.event);
    before = side(events, xs, ys, baseScore, options.decide);
    const candidate = corrected(options.base, fit(train), {});
    after = side(events, xs, ys, scoreWith(candidate), options.decide);
  }
  const lift = before === null || after === null ? null : Math.round((after.auroc.value - before.auroc.value) * 1e4) / 1e4;
  const notWorse = lift === null ? true : lift >= 0;

  const training = {
    learnedFrom: options.base.version,
    labelledEvents: labelled.length,
    positives: labelled.filter((e) => e.y === 1).length,
    eventWeight,
    corpusRows: corpus.length,
    lambda,
    epochs,
    seed: LEARN_SEED,
    sources: options.sources ?? 'all',
    holdout: { share: options.holdout, events: holdN, aurocBefore: before?.auroc.value ?? null, aurocAfter: after?.auroc.value ?? null },
    ...(options.now === undefined ? {} : { trainedAt: options.now }),
  };
  const file = corrected(options.base, fit(labelled), training);
  return {
    file,
    report: {
      labelled: labelled.length,
      skipped: { unlabelled, noFeatures },
      positives: training.positives,
      train: train.length,
      holdout: holdN,
      eventWeight,
      corpusRows: corpus.length,
      corpusWeight: corpus.reduce((s, r) => s + r.w, 0),
      before,
      after,
      lift,
      notWorse,
      warnings,
      baseVersion: options.base.version,
      version: file.version,
    },
  };
}
