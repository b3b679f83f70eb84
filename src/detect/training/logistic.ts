/**
 * L2-regularised logistic regression over the detector's feature vectors, trained full-batch
 * with Adam (deterministic: no sampling). Rule-feature weights are pulled towards their priors
 * (PRIOR_WEIGHTS) rather than towards zero, so a rule the data never exercises keeps the weight
 * its meaning gives it. Plus Platt scaling for calibration.
 */
import { PRIOR_WEIGHTS, RULE_FEATURES } from '../finding.js';
import type { FeatureVector } from '../features.js';
import { sigmoid } from '../model.js';

export interface Example {
  readonly x: FeatureVector;
  /** Target in [0, 1]: the label, or ClariQ's graded need as a soft target ((need - 1) / 3). */
  readonly y: number;
  /** Importance weight of the example. */
  readonly w: number;
}

export interface TrainParams {
  /** L2 strength on hashed (wording) weights. */
  readonly lambdaHash: number;
  /** L2 strength pulling rule weights to their priors. */
  readonly lambdaRule: number;
  /** Importance of a ClariQ topic relative to a CLAMBER row. */
  readonly clariqWeight: number;
  /** Importance of an everyday app request (the even half of test/detect/fixtures/everyday.ts) relative to a CLAMBER row; 0 or absent = not trained on. */
  readonly everydayWeight?: number;
  /** Importance of an IN3 task (or its filled-in twin); 0 or absent = not trained on. */
  readonly in3Weight?: number;
  /** Importance of a template-family item (src/detect/training/families.ts). */
  readonly templateWeight?: number;
  /** Importance of a conversational turn (greetings, thanks, acknowledgements). */
  readonly conversationalWeight?: number;
  readonly epochs: number;
  readonly learningRate: number;
  /** Train on ClariQ's graded need as a soft target ((need - 1) / 3) instead of the binarised label. */
  readonly clariqGraded?: boolean;
}

export interface LinearWeights {
  bias: number;
  readonly rule: Float64Array;
  readonly hashed: Map<number, number>;
}

const PRIORS = Float64Array.from(RULE_FEATURES.map((f) => PRIOR_WEIGHTS[f]));

export function raw(weights: LinearWeights, x: FeatureVector): number {
  let z = weights.bias;
  for (let i = 0; i < x.rule.length; i++) z += (x.rule[i] ?? 0) * (weights.rule[i] ?? 0);
  for (let i = 0; i < x.hashed.length; i++) z += weights.hashed.get(x.hashed[i] ?? 0) ?? 0;
  return z;
}

export function fitLogistic(examples: readonly Example[], params: TrainParams): LinearWeights {
  // Dense index over the hashed features that occur in the data.
  const slot = new Map<number, number>();
  for (const e of examples) for (const h of e.x.hashed) if (!slot.has(h)) slot.set(h, slot.size);
  const nr = RULE_FEATURES.length;
  const nh = slot.size;
  const dim = 1 + nr + nh;
  const w = new Float64Array(dim);
  for (let i = 0; i < nr; i++) w[1 + i] = PRIORS[i] ?? 0;
  const m = new Float64Array(dim);
  const v = new Float64Array(dim);
  const g = new Float64Array(dim);
  const rows = examples.map((e) => Int32Array.from(e.x.hashed, (h) => 1 + nr + (slot.get(h) ?? 0)));
  const totalWeight = examples.reduce((s, e) => s + e.w, 0);
  const beta1 = 0.9;
  const beta2 = 0.999;
  for (let epoch = 1; epoch <= params.epochs; epoch++) {
    g.fill(0);
    for (let n = 0; n < examples.length; n++) {
      const e = examples[n];
      const idx = rows[n];
      if (e === undefined || idx === undefined) continue;
      let z = w[0] ?? 0;
      for (let i = 0; i < nr; i++) z += (e.x.rule[i] ?? 0) * (w[1 + i] ?? 0);
      for (const j of idx) z += w[j] ?? 0;
      const err = ((sigmoid(z) - e.y) * e.w) / totalWeight;
      g[0] = (g[0] ?? 0) + err;
      for (let i = 0; i < nr; i++) g[1 + i] = (g[1 + i] ?? 0) + err * (e.x.rule[i] ?? 0);
      for (const j of idx) g[j] = (g[j] ?? 0) + err;
    }
    for (let i = 0; i < nr; i++) g[1 + i] = (g[1 + i] ?? 0) + params.lambdaRule * ((w[1 + i] ?? 0) - (PRIORS[i] ?? 0));
    for (let j = 1 + nr; j < dim; j++) g[j] = (g[j] ?? 0) + params.lambdaHash * (w[j] ?? 0);
    const lr = params.learningRate / Math.sqrt(1 + epoch / 50);
    const c1 = 1 - beta1 ** epoch;
    const c2 = 1 - beta2 ** epoch;
    for (let j = 0; j < dim; j++) {
      const gj = g[j] ?? 0;
      const mj = beta1 * (m[j] ?? 0) + (1 - beta1) * gj;
      const vj = beta2 * (v[j] ?? 0) + (1 - beta2) * gj * gj;
      m[j] = mj;
      v[j] = vj;
      w[j] = (w[j] ?? 0) - (lr * (mj / c1)) / (Math.sqrt(vj / c2) + 1e-8);
    }
  }
  const hashed = new Map<number, number>();
  for (const [h, j] of slot) hashed.set(h, w[1 + nr + j] ?? 0);
  return { bias: w[0] ?? 0, rule: w.slice(1, 1 + nr), hashed };
}

/** Platt scaling: fits p = sigmoid(a * raw + b) by Newton's method on log-loss. */
export function fitPlatt(raws: readonly number[], labels: readonly number[]): { a: number; b: number } {
  let a = 1;
  let b = 0;
  for (let iter = 0; iter < 50; iter++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-6;
    let hab = 0;
    let hbb = 1e-6;
    for (let i = 0; i < raws.length; i++) {
      const r = raws[i] ?? 0;
      const p = sigmoid(a * r + b);
      const d = p - (labels[i] ?? 0);
      const s = p * (1 - p);
      ga += d * r;
      gb += d;
      haa += s * r * r;
      hab += s * r;
      hbb += s;
    }
    const det = haa * hbb - hab * hab;
    if (Math.abs(det) < 1e-12) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-9) break;
  }
  return { a, b };
}
