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
