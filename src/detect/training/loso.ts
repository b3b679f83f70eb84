/**
 * Training on corpus items (conversations from every source) and the leave-one-source-out
 * protocol: for each source, a model trained on every other source (through the same
 * `trainOn` as `npm run train`) scores the held-out source's items. Calibration (Platt) comes
 * from the training sources' own out-of-fold scores, never from the held-out source.
 */
import { extractFeatures, type FeatureVector } from '../features.js';
import { TokenScratch } from '../scan.js';
import { runSignals } from '../signals/index.js';
import { buildView } from '../view.js';
import type { Item } from './corpus.js';
import { fitLogistic, fitPlatt, raw, type Example, type LinearWeights, type TrainParams } from './logistic.js';
import { assignFolds, SEED } from './pipeline.js';

/** The serving code path's features of one item (independent of the weights: computed once per item). */
export function featuresOf(item: Item, scratch: TokenScratch = new TokenScratch()): FeatureVector {
  const view = buildView(item.conversation, scratch);
  return extractFeatures(view, runSignals(view));
}

/** How much one item weighs in training, by its source (TrainParams). */
export function itemWeight(item: Item, params: TrainParams): number {
  if (item.source === 'clamber') return 1;
  if (item.source === 'clariq') return params.clariqWeight;
  if (item.source === 'in3') return params.in3Weight ?? 0;
  if (item.source === 'everyday') return params.everydayWeight ?? 0;
  if (item.source === 'conversational') return params.conversationalWeight ?? 0;
  return params.templateWeight ?? 0;
}

/** Sources whose out-of-fold scores fit the Platt calibration: the balanced public sets. */
const CALIBRATION_SOURCES = new Set(['clamber', 'clariq']);

export interface Trained {
  readonly weights: LinearWeights;
  readonly platt: { a: number; b: number };
}

/**
 * Fits the combiner on `items` (trainable ones with a non-zero weight) and a Platt calibration
 * on `innerFolds`-fold out-of-fold scores of the calibration sources among them.
 */
export function trainOn(items: readonly Item[], xs: readonly FeatureVector[], params: TrainParams, innerFolds: number): Trained {
  const idx: number[] = [];
  items.forEach((it, i) => {
    if (it.trainable && itemWeight(it, params) > 0) idx.push(i);
  });
  const examples: Example[] = idx.map((i) => ({ x: xs[i] as FeatureVector, y: (items[i] as Item).label, w: itemWeight(items[i] as Item, params) }));
  const rows = idx.map((i) => items[i] as Item);
  const fold = assignFolds(rows, innerFolds, SEED);
  const calRaw: number[] = [];
  const calY: number[] = [];
  for (let f = 0; f < innerFolds; f++) {
    const w = fitLogistic(
      examples.filter((_, k) => fold[k] !== f),
      params,
    );
    rows.forEach((r, k) => {
      if (fold[k] === f && CALIBRATION_SOURCES.has(r.source)) {
        calRaw.push(raw(w, (examples[k] as Example).x));
        calY.push(r.label);
      }
    });
  }
  const platt = calRaw.length > 0 ? fitPlatt(calRaw, calY) : { a: 1, b: 0 };
  return { weights: fitLogistic(examples, params), platt };
}

export interface SourceFold {
  readonly source: string;
  readonly trained: Trained;
}

/**
 * Leave-one-source-out: for every source in `sources`, train on all other items and keep the
 * model (its items are then scored by it). Sources not listed are always in training.
 */
export function leaveOneSourceOut(
  items: readonly Item[],
  xs: readonly FeatureVector[],
  params: TrainParams,
  sources: readonly string[],
  innerFolds: number,
  progress?: (source: string) => void,
): SourceFold[] {
  const folds: SourceFold[] = [];
  for (const source of sources) {
    progress?.(source);
    const keep: number[] = [];
    items.forEach((it, i) => {
      if (it.source !== source) keep.push(i);
    });
    folds.push({
      source,
      trained: trainOn(
        keep.map((i) => items[i] as Item),
        keep.map((i) => xs[i] as FeatureVector),
        params,
        innerFolds,
      ),
    });
  }
  return folds;
}
