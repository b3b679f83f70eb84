/**
 * Fitting the ClariQ level model (src/detect/clariq.ts): ridge least squares of the need (1-4) on
 * the level features, then three cut points on the fitted values chosen to maximise 4-class
 * weighted F1 (the official metric) on the same rows.
 */
import { CLARIQ_FEATURES, levelOf, type ClariqLevelModel } from '../clariq.js';
import { weightedF1 } from './metrics.js';

/** Solves (A + ridge·I') w = b by Gaussian elimination (tiny dense systems; the bias is not penalised). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i] ?? 0]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]?.[c] ?? 0) > Math.abs(m[p]?.[c] ?? 0)) p = r;
    [m[c], m[p]] = [m[p] ?? [], m[c] ?? []];
    const pivot = m[c]?.[c] ?? 0;
    if (Math.abs(pivot) < 1e-12) continue;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = (m[r]?.[c] ?? 0) / pivot;
      for (let k = c; k <= n; k++) (m[r] as number[])[k] = (m[r]?.[k] ?? 0) - f * (m[c]?.[k] ?? 0);
    }
  }
  return m.map((row, i) => (row[n] ?? 0) / (row[i] || 1));
}

export function fitLevelWeights(features: readonly (readonly number[])[], needs: readonly number[], ridge: number): number[] {
  const d = CLARIQ_FEATURES.length + 1;
  const a = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  const b = new Array<number>(d).fill(0);
  features.forEach((f, n) => {
    const x = [1, ...f];
    for (let i = 0; i < d; i++) {
      b[i] = (b[i] ?? 0) + (x[i] ?? 0) * (needs[n] ?? 0);
      for (let j = 0; j < d; j++) (a[i] as number[])[j] = (a[i]?.[j] ?? 0) + (x[i] ?? 0) * (x[j] ?? 0);
    }
  });
  for (let i = 1; i < d; i++) (a[i] as number[])[i] = (a[i]?.[i] ?? 0) + ridge * features.length;
  return solve(a, b);
}

/** Three increasing cuts over the fitted values (candidates: midpoints of sorted distinct values, rounded). */
export function fitLevelCuts(values: readonly number[], needs: readonly number[]): number[] {
  const sorted = [...new Set(values.map((v) => Math.round(v * 100) / 100))].sort((p, q) => p - q);
  const grid = [sorted[0] ?? 0, ...sorted.slice(1).map((v, i) => Math.round(((v + (sorted[i] ?? v)) / 2) * 1000) / 1000), (sorted[sorted.length - 1] ?? 0) + 1];
  let best = [1.5, 2.5, 3.5];
  let bestF1 = -1;
  for (let i = 0; i < grid.length; i++) {
    for (let j = i; j < grid.length; j++) {
      for (let k = j; k < grid.length; k++) {
        const cuts = [grid[i] ?? 0, grid[j] ?? 0, grid[k] ?? 0];
        const f1 = weightedF1(
          values.map((v) => levelOf(cuts, v)),
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

export function fitClariqLevelModel(features: readonly (readonly number[])[], needs: readonly number[], ridge = 0.05): ClariqLevelModel {
  const weights = fitLevelWeights(features, needs, ridge).map((w) => Math.round(w * 1e4) / 1e4);
  const values = features.map((f) => weights.reduce((s, w, i) => s + w * (i === 0 ? 1 : (f[i - 1] ?? 0)), 0));
  return { weights, cuts: fitLevelCuts(values, needs) };
}
