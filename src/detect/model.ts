/**
 * The trained weights: their shape on disk (models/detector.json), validation, and the linear
 * scorer. Score = sigmoid(a * raw + b) where raw = bias + rule weights · rule features + the
 * weights of the hashed features present, and (a, b) is the Platt calibration fitted on
 * out-of-fold scores.
 */
import { z } from 'zod';
import { RULE_FEATURES, type RuleFeature } from './finding.js';
import { HASH_BITS, type FeatureVector } from './features.js';
import { CLARIQ_FEATURES, type ClariqLevelModel } from './clariq.js';

export const WeightsFileSchema = z.object({
  format: z.literal(1),
  version: z.string(),
  hashBits: z.literal(HASH_BITS),
  bias: z.number(),
  rule: z.record(z.string(), z.number()),
  /** Sparse hashed weights: parallel arrays of index and weight. */
  hashedIndex: z.array(z.number().int().min(0)),
  hashedWeight: z.array(z.number()),
  calibration: z.object({ a: z.number(), b: z.number() }),
  threshold: z.number().min(0).max(1),
  /** ClariQ clarification-need cut points on the score: level = 1 + number of cuts at or below it. */
  clariqCuts: z.array(z.number()).length(3),
  /** The ClariQ level model (src/detect/clariq.ts): bias + one weight per feature, and cuts on its output. Preferred over clariqCuts when present. */
  clariqLevel: z.object({ features: z.array(z.string()), weights: z.array(z.number()), cuts: z.array(z.number()).length(3) }).optional(),
  /** What it was trained on and the cross-validated numbers at training time. */
  training: z.record(z.string(), z.unknown()),
});
export type WeightsFile = z.infer<typeof WeightsFileSchema>;

/**
 * The hashed n-gram weights: a few thousand non-zero entries in a 2^HASH_BITS index space. A
 * dense Float32Array of that space is 1 MiB, and every request reads ~100 random entries of it:
 * cache misses that cost more than the arithmetic once other processes share the cores. So the
 * weights are stored compactly — a presence bitset, per-word ranks and the packed values
 * (~100 KiB) — and looked up by rank. Values stay float32, so scores are bit-identical.
 */
export class HashedWeights {
  /**
   * Per 32-index word: [presence bits, rank of its first present index], interleaved so one
   * lookup touches one cache line of the index (then one of the values) — what counts when the
   * caches were flushed by other processes between requests.
   */
  private readonly index: Int32Array;
  private readonly values: Float32Array;

  constructor(indices: readonly number[], weights: readonly number[]) {
    const size = 1 << HASH_BITS;
    const dense = new Map<number, number>();
    const n = Math.min(indices.length, weights.length);
    for (let i = 0; i < n; i++) {
      const index = indices[i] ?? 0;
      if (index >= 0 && index < size) dense.set(index, weights[i] ?? 0);
    }
    const sorted = [...dense.keys()].sort((a, b) => a - b);
    const words = size >>> 5;
    this.index = new Int32Array(2 * words);
    this.values = new Float32Array(sorted.length);
    for (let rank = 0; rank < sorted.length; rank++) {
      const index = sorted[rank] ?? 0;
      this.index[2 * (index >>> 5)]! |= 1 << (index & 31);
      this.values[rank] = dense.get(index) ?? 0;
    }
    let running = 0;
    for (let w = 0; w < words; w++) {
      this.index[2 * w + 1] = running;
      running += popcount(this.index[2 * w] ?? 0);
    }
  }

  get(index: number): number {
    const at = (index >>> 5) << 1;
    const bits = this.index[at] ?? 0;
    const bit = 1 << (index & 31);
    if ((bits & bit) === 0) return 0;
    return this.values[(this.index[at + 1] ?? 0) + popcount(bits & (bit - 1))] ?? 0;
  }
}

function popcount(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

export interface Model {
  readonly version: string;
  readonly bias: number;
  readonly rule: Float64Array;
  readonly hashed: HashedWeights;
  readonly a: number;
  readonly b: number;
  readonly threshold: number;
  readonly clariqCuts: readonly number[];
  readonly clariqLevel?: ClariqLevelModel;
}

export function modelFromFile(file: WeightsFile): Model {
  const rule = new Float64Array(RULE_FEATURES.length);
  RULE_FEATURES.forEach((name: RuleFeature, i) => {
    rule[i] = file.rule[name] ?? 0;
  });
  const hashed = new HashedWeights(file.hashedIndex, file.hashedWeight);
  return {
    version: file.version,
    bias: file.bias,
    rule,
    hashed,
    a: file.calibration.a,
    b: file.calibration.b,
    threshold: file.threshold,
    clariqCuts: file.clariqCuts,
    ...(levelModelOf(file) === undefined ? {} : { clariqLevel: levelModelOf(file) }),
  };
}

/** The level model, when the file has one whose feature list matches this code's (else the plain score cuts apply). */
function levelModelOf(file: WeightsFile): ClariqLevelModel | undefined {
  const l = file.clariqLevel;
  if (l === undefined || l.features.join(',') !== CLARIQ_FEATURES.join(',') || l.weights.length !== CLARIQ_FEATURES.length + 1) return undefined;
  return { weights: l.weights, cuts: l.cuts };
}

export interface RawScore {
  /** bias + rule part + hashed part, before calibration. */
  readonly raw: number;
  readonly rulePart: Float64Array;
  readonly hashedPart: number;
}

export function rawScore(model: Model, x: FeatureVector): RawScore {
  const rulePart = new Float64Array(x.rule.length);
  let raw = model.bias;
  for (let i = 0; i < x.rule.length; i++) {
    const v = (x.rule[i] ?? 0) * (model.rule[i] ?? 0);
    rulePart[i] = v;
    raw += v;
  }
  let hashedPart = 0;
  for (let i = 0; i < x.hashed.length; i++) hashedPart += model.hashed.get(x.hashed[i] ?? 0);
  return { raw: raw + hashedPart, rulePart, hashedPart };
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

export function calibrate(model: Pick<Model, 'a' | 'b'>, raw: number): number {
  return sigmoid(model.a * raw + model.b);
}

/** ClariQ clarification need 1-4 from a score. */
export function clariqLevel(cuts: readonly number[], score: number): number {
  let level = 1;
  for (const c of cuts) if (score >= c) level++;
  return level;
}
