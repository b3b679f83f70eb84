/**
 * The training / evaluation pipeline shared by scripts/train.ts and scripts/eval.ts: featurise
 * rows through the serving code path, stratified k-fold cross-validation (seeded), Platt
 * calibration on out-of-fold scores, threshold and ClariQ cut-point selection, weights file.
 */
import { createHash } from 'node:crypto';
import { CLARIQ_FEATURES, type ClariqLevelModel } from '../clariq.js';
import { conversationFromText } from '../../conversation.js';
import { extractFeatures } from '../features.js';
import { RULE_FEATURES } from '../finding.js';
import { HASH_BITS } from '../features.js';
import type { WeightsFile } from '../model.js';
import { calibrate, clariqLevel } from '../model.js';
import { TokenScratch } from '../scan.js';
import { runSignals } from '../signals/index.js';
import { buildView } from '../view.js';
import type { LabelledRow } from './datasets.js';
import { prng } from './random.js';
import { fitLogistic, raw, type Example, type LinearWeights, type TrainParams } from './logistic.js';
import { binary, weightedF1 } from './metrics.js';

export const SEED = 20240611;
export const FOLDS = 5;
export const DEFAULT_PARAMS: TrainParams = {
  lambdaHash: 3e-3,
  lambdaRule: 1e-4,
  clariqWeight: 1,
  everydayWeight: 30,
  in3Weight: 0.2,
  templateWeight: 3,
  conversationalWeight: 5,
  epochs: 300,
  learningRate: 0.05,
  clariqGraded: false,
};
/** Ridge strength of the ClariQ level model (fixed a priori: near-unregularised least squares, 7 parameters). */
export const CLARIQ_RIDGE = 0.01;
/** The shipped threshold is the best-F1 point whose out-of-fold precision is at least this. */
export const MIN_PRECISION = 0.77;

export { prng };

export function toExample(row: LabelledRow, params: TrainParams): Example {
  const view = buildView(conversationFromText(row.text), new TokenScratch());
  const x = extractFeatures(view, runSignals(view));
  const y = (row.source === 'clariq-train' || row.source === 'clariq-dev') && params.clariqGraded === true ? (row.need - 1) / 3 : row.label;
  const w = row.source === 'clamber' ? 1 : row.source === 'everyday' ? (params.everydayWeight ?? 0) : params.clariqWeight;
  return { x, y, w };
}

/** Stratified fold ids (by source, group and label), seeded. */
export function assignFolds(
  rows: ReadonlyArray<{ readonly source: string; readonly group: string; readonly label: number }>,
  k: number,
  seed: number,
): Int32Array {
  const rand = prng(seed);
  const strata = new Map<string, number[]>();
  rows.forEach((r, i) => {
    const key = `${r.source}|${r.group}|${r.label}`;
    const list = strata.get(key) ?? [];
    list.push(i);
    strata.set(key, list);
  });
  const fold = new Int32Array(rows.length);
  let offset = 0;
  for (const key of [...strata.keys()].sort()) {
    const list = strata.get(key) ?? [];
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [list[i], list[j]] = [list[j] ?? 0, list[i] ?? 0];
    }
    list.forEach((row, n) => {
      fold[row] = (n + offset) % k;
    });
    offset += list.length;
  }
  return fold;
}

/** Out-of-fold raw scores for `rows`; `extra` rows are added to every training fold. */
export function crossValidate(rows: readonly LabelledRow[], examples: readonly Example[], extra: readonly Example[], params: TrainParams): Float64Array {
  const fold = assignFolds(rows, FOLDS, SEED);
  const out = new Float64Array(rows.length);
  for (let f = 0; f < FOLDS; f++) {
    const train = examples.filter((_, i) => fold[i] !== f).concat(extra);
    const w = fitLogistic(train, params);
    examples.forEach((e, i) => {
      if (fold[i] === f) out[i] = raw(w, e.x);
    });
  }
  return out;
}

/** Best-F1 threshold among those with precision >= minPrecision (falls back to best F1). */
export function chooseThreshold(scores: readonly number[], labels: readonly number[], minPrecision: number): number {
  const candidates = [...new Set(scores.map((s) => Math.round(s * 1000) / 1000))].sort((a, b) => a - b);
  let best = 0.5;
  let bestF1 = -1;
  let fallback = 0.5;
  let fallbackF1 = -1;
  for (const t of candidates) {
    const m = binary(
      scores.map((s) => (s >= t ? 1 : 0)),
      labels,
    );
    if (m.f1 > fallbackF1) {
      fallbackF1 = m.f1;
      fallback = t;
    }
    if (m.precision >= minPrecision && m.f1 > bestF1) {
      bestF1 = m.f1;
      best = t;
    }
  }
  return bestF1 >= 0 ? best : fallback;
}

/** Three increasing cut points mapping scores to ClariQ levels 1-4, maximising weighted F1. */
export function fitClariqCuts(scores: readonly number[], needs: readonly number[]): [number, number, number] {
  const grid = [...new Set(scores.map((s) => Math.round(s * 50) / 50))].sort((a, b) => a - b);
  grid.unshift(0);
  grid.push(1.01);
  let best: [number, number, number] = [0.25, 0.5, 0.75];
  let bestF1 = -1;
  for (let i = 0; i < grid.length; i++) {
    for (let j = i; j < grid.length; j++) {
      for (let k = j; k < grid.length; k++) {
        const cuts: [number, number, number] = [grid[i] ?? 0, grid[j] ?? 0, grid[k] ?? 0];
        const f1 = weightedF1(
          scores.map((s) => clariqLevel(cuts, s)),
          needs,
        );
        if (f1 > bestF1 + 1e-12) {
          bestF1 = f1;
          best = cuts;
        }
      }
    }
  }
  return best;
}

export function scoresOf(raws: ArrayLike<number>, platt: { a: number; b: number }): number[] {
  return Array.from(raws, (r) => calibrate(platt, r));
}

export function weightsFile(
  w: LinearWeights,
  platt: { a: number; b: number },
  threshold: number,
  cuts: readonly number[],
  training: Record<string, unknown>,
  level?: ClariqLevelModel,
): WeightsFile {
  const entries = [...w.hashed.entries()].filter(([, v]) => Math.abs(v) >= 0.01).sort((p, q) => p[0] - q[0]);
  const rule: Record<string, number> = {};
  RULE_FEATURES.forEach((f, i) => {
    rule[f] = Math.round((w.rule[i] ?? 0) * 1e4) / 1e4;
  });
  const body = {
    format: 1 as const,
    hashBits: HASH_BITS as typeof HASH_BITS,
    bias: Math.round(w.bias * 1e4) / 1e4,
    rule,
    hashedIndex: entries.map(([h]) => h),
    hashedWeight: entries.map(([, v]) => Math.round(v * 1e3) / 1e3),
    calibration: { a: Math.round(platt.a * 1e4) / 1e4, b: Math.round(platt.b * 1e4) / 1e4 },
    threshold: Math.round(threshold * 1e3) / 1e3,
    clariqCuts: cuts.map((c) => Math.round(c * 1e3) / 1e3),
    ...(level === undefined
      ? {}
      : { clariqLevel: { features: [...CLARIQ_FEATURES], weights: [...level.weights], cuts: level.cuts.map((c) => Math.round(c * 1e3) / 1e3) } }),
    training,
  };
  const version = `clarion-detector-1+${createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 10)}`;
  return { ...body, version };
}
