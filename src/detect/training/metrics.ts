/** Evaluation metrics: AUROC, precision/recall/F1, weighted multi-class F1, reliability bins. */

export function auroc(scores: readonly number[], labels: readonly number[]): number {
  const idx = scores.map((_, i) => i).sort((a, b) => (scores[a] ?? 0) - (scores[b] ?? 0));
  let rankSumPos = 0;
  let pos = 0;
  let i = 0;
  while (i < idx.length) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1] ?? 0] === scores[idx[i] ?? 0]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++)
      if (labels[idx[k] ?? 0] === 1) {
        rankSumPos += rank;
        pos++;
      }
    i = j + 1;
  }
  const neg = labels.length - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

export interface Binary {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision: number;
  recall: number;
  f1: number;
  accuracy: number;
}

export function binary(predicted: readonly number[], labels: readonly number[]): Binary {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = predicted[i] === 1;
    const y = labels[i] === 1;
    if (p && y) tp++;
    else if (p) fp++;
    else if (y) fn++;
    else tn++;
  }
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { tp, fp, fn, tn, precision, recall, f1, accuracy: (tp + tn) / Math.max(labels.length, 1) };
}

/** sklearn's f1_score(average='weighted') over the classes present in the gold labels. */
export function weightedF1(predicted: readonly number[], gold: readonly number[]): number {
  const classes = [...new Set(gold)];
  let total = 0;
  for (const c of classes) {
    const p = predicted.map((v) => (v === c ? 1 : 0));
    const y = gold.map((v) => (v === c ? 1 : 0));
    const support = y.reduce((s: number, v) => s + v, 0);
    total += binary(p, y).f1 * support;
  }
  return total / Math.max(gold.length, 1);
}

export interface ReliabilityBin {
  lo: number;
  hi: number;
  n: number;
  meanScore: number;
  positiveRate: number;
}

export function reliability(scores: readonly number[], labels: readonly number[], bins = 10): ReliabilityBin[] {
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const lo = b / bins;
    const hi = (b + 1) / bins;
    let n = 0;
    let s = 0;
    let y = 0;
    for (let i = 0; i < scores.length; i++) {
      const v = scores[i] ?? 0;
      if (v >= lo && (v < hi || (b === bins - 1 && v <= hi))) {
        n++;
        s += v;
        y += labels[i] ?? 0;
      }
    }
    out.push({ lo, hi, n, meanScore: n === 0 ? 0 : s / n, positiveRate: n === 0 ? 0 : y / n });
  }
  return out;
}

/** Expected calibration error over the bins. */
export function ece(bins: readonly ReliabilityBin[]): number {
  const n = bins.reduce((s, b) => s + b.n, 0);
  return bins.reduce((s, b) => s + (b.n / Math.max(n, 1)) * Math.abs(b.meanScore - b.positiveRate), 0);
}

export interface Interval {
  readonly value: number;
  readonly lo: number;
  readonly hi: number;
}

/** The 2.5% and 97.5% quantiles of bootstrap replicates. */
function percentileInterval(value: number, reps: number[]): Interval {
  reps.sort((a, b) => a - b);
  const at = (q: number): number => reps[Math.min(reps.length - 1, Math.max(0, Math.floor(q * reps.length)))] ?? Number.NaN;
  return { value, lo: at(0.025), hi: at(0.975) };
}

/**
 * AUROC with a stratified bootstrap 95% interval (positives and negatives resampled separately,
 * seeded). Each replicate walks the items sorted once by score with resampled multiplicities: O(n).
 */
export function aurocInterval(scores: readonly number[], labels: readonly number[], reps: number, rand: () => number): Interval {
  const value = auroc(scores, labels);
  const order = scores.map((_, i) => i).sort((a, b) => (scores[a] ?? 0) - (scores[b] ?? 0));
  const pos: number[] = [];
  const neg: number[] = [];
  labels.forEach((y, i) => (y === 1 ? pos : neg).push(i));
  if (pos.length === 0 || neg.length === 0) return { value, lo: Number.NaN, hi: Number.NaN };
  const count = new Float64Array(scores.length);
  const out: number[] = [];
  for (let r = 0; r < reps; r++) {
    count.fill(0);
    for (let k = 0; k < pos.length; k++) count[pos[Math.floor(rand() * pos.length)] ?? 0]! += 1;
    for (let k = 0; k < neg.length; k++) count[neg[Math.floor(rand() * neg.length)] ?? 0]! += 1;
    let negBelow = 0;
    let sum = 0;
    let i = 0;
    while (i < order.length) {
      let j = i;
      const s = scores[order[i] ?? 0];
      let groupPos = 0;
      let groupNeg = 0;
      while (j < order.length && scores[order[j] ?? 0] === s) {
        const k = order[j] ?? 0;
        if (labels[k] === 1) groupPos += count[k] ?? 0;
        else groupNeg += count[k] ?? 0;
        j++;
      }
      sum += groupPos * (negBelow + groupNeg / 2);
      negBelow += groupNeg;
      i = j;
    }
    out.push(sum / (pos.length * neg.length));
  }
  return percentileInterval(value, out);
}

/** Share of minimal pairs whose underspecified member scores higher (ties count half), with a bootstrap 95% interval over pairs. */
export function pairAccuracy(under: readonly number[], clear: readonly number[], reps: number, rand: () => number): Interval {
  const wins = under.map((u, i) => (u > (clear[i] ?? 0) ? 1 : u === clear[i] ? 0.5 : 0));
  const n = wins.length;
  if (n === 0) return { value: Number.NaN, lo: Number.NaN, hi: Number.NaN };
  const value = wins.reduce((s: number, w) => s + w, 0) / n;
  const out: number[] = [];
  for (let r = 0; r < reps; r++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += wins[Math.floor(rand() * n)] ?? 0;
    out.push(s / n);
  }
  return percentileInterval(value, out);
}
