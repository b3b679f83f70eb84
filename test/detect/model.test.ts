import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { createDetector, DEFAULT_THRESHOLD, assess } from '../../src/detect/index.js';
import { clariqLevel, WeightsFileSchema } from '../../src/detect/model.js';
import { SHIPPED_THRESHOLD, SHIPPED_VERSION } from '../../src/detect/shipped.js';
import { fitLogistic, fitPlatt, raw, type Example } from '../../src/detect/training/logistic.js';
import { auroc, binary, weightedF1 } from '../../src/detect/training/metrics.js';
import { assignFolds, chooseThreshold } from '../../src/detect/training/pipeline.js';
import { DEFAULT_WEIGHTS_PATH, readWeightsFile } from '../../src/detect/weights.js';
import { RULE_FEATURES } from '../../src/detect/finding.js';
import { conversationFromText } from '../../src/conversation.js';
import type { LabelledRow } from '../../src/detect/training/datasets.js';

describe('shipped weights', () => {
  test('the committed file validates, is small, and matches the generated threshold constant', () => {
    const file = readWeightsFile();
    assert.ok(WeightsFileSchema.safeParse(file).success);
    assert.ok(statSync(DEFAULT_WEIGHTS_PATH).size < 300 * 1024);
    assert.equal(file.threshold, SHIPPED_THRESHOLD);
    assert.equal(file.version, SHIPPED_VERSION);
    assert.equal(DEFAULT_THRESHOLD, file.threshold);
    assert.ok(DEFAULT_THRESHOLD > 0 && DEFAULT_THRESHOLD < 1);
  });
  test('the default assess() uses the shipped model', () => {
    assert.equal(assess(conversationFromText('hello')).detectorVersion, SHIPPED_VERSION);
    assert.equal(createDetector().version, SHIPPED_VERSION);
  });
  test('a bad weights file fails loudly at creation', () => {
    assert.throws(() => readWeightsFile('/nonexistent/detector.json'), /cannot load detector weights/);
  });
});

function vec(rule: number[], hashed: number[]) {
  const r = new Float64Array(RULE_FEATURES.length);
  rule.forEach((v, i) => (r[i] = v));
  return { rule: r, hashed: Uint32Array.from(hashed), origin: new Int32Array(hashed.length).fill(-1), tokens: [] };
}

describe('training primitives', () => {
  const examples: Example[] = [];
  for (let i = 0; i < 40; i++) examples.push({ x: vec([], [1, i % 2 === 0 ? 7 : 9]), y: i % 2 === 0 ? 1 : 0, w: 1 });
  const params = { lambdaHash: 1e-3, lambdaRule: 1e-3, clariqWeight: 1, epochs: 200, learningRate: 0.05 };
  test('logistic regression learns a separating feature and is deterministic', () => {
    const a = fitLogistic(examples, params);
    const b = fitLogistic(examples, params);
    assert.ok(raw(a, vec([], [7])) > raw(a, vec([], [9])) + 2);
    assert.deepEqual([...a.hashed.entries()], [...b.hashed.entries()]);
  });
  test('rule weights never exercised by the data stay at their prior', () => {
    const w = fitLogistic(examples, params);
    const i = RULE_FEATURES.indexOf('answered_clarification');
    assert.equal(w.rule[i], -4);
  });
  test('Platt scaling recovers a known logistic link', () => {
    const raws: number[] = [];
    const labels: number[] = [];
    for (let i = 0; i < 400; i++) {
      const r = (i / 400) * 8 - 4;
      raws.push(r);
      labels.push(((i * 7919) % 100) / 100 < 1 / (1 + Math.exp(-(2 * r))) ? 1 : 0);
    }
    const { a } = fitPlatt(raws, labels);
    assert.ok(a > 1.3 && a < 3, `a=${a}`);
  });
  test('metrics: AUROC, F1, weighted F1', () => {
    assert.equal(auroc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75);
    const m = binary([1, 1, 0, 0], [1, 0, 1, 0]);
    assert.equal(m.precision, 0.5);
    assert.equal(m.f1, 0.5);
    // sklearn: f1_score([1,2,2,3],[1,2,3,3],average='weighted') = 0.75
    assert.ok(Math.abs(weightedF1([1, 2, 3, 3], [1, 2, 2, 3]) - 0.75) < 1e-9);
  });
  test('threshold selection respects the precision floor', () => {
    const t = chooseThreshold([0.9, 0.8, 0.7, 0.6, 0.4], [1, 1, 0, 1, 0], 0.9);
    assert.equal(t, 0.8);
  });
  test('ClariQ level mapping and stratified seeded folds', () => {
    assert.equal(clariqLevel([0.2, 0.5, 0.8], 0.1), 1);
    assert.equal(clariqLevel([0.2, 0.5, 0.8], 0.5), 3);
    assert.equal(clariqLevel([0.2, 0.5, 0.8], 0.95), 4);
    const rows: LabelledRow[] = Array.from({ length: 50 }, (_, i) => ({
      id: String(i),
      text: '',
      label: (i % 2) as 0 | 1,
      source: 'clamber',
      group: 'g',
      need: 0,
      baseline: -1,
    }));
    const f1 = assignFolds(rows, 5, 1);
    assert.deepEqual([...f1], [...assignFolds(rows, 5, 1)]);
    for (let k = 0; k < 5; k++) assert.equal([...f1].filter((f) => f === k).length, 10);
  });
});
