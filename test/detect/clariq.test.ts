import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CLARIQ_FEATURES, clariqFeatures, clariqLevelOfText, clariqValue, levelOf } from '../../src/detect/clariq.js';
import { modelFromFile, WeightsFileSchema, type WeightsFile } from '../../src/detect/model.js';
import { readWeightsFile } from '../../src/detect/weights.js';
import { fitClariqLevelModel, fitLevelCuts, fitLevelWeights } from '../../src/detect/training/clariq-fit.js';
import { weightedF1 } from '../../src/detect/training/metrics.js';

describe('ClariQ level features', () => {
  test('count topic words after an open frame, and mark real questions', () => {
    const [logit, one, two, three, four, question] = clariqFeatures('Tell me about memory', 0.5);
    assert.equal(logit, 0);
    assert.deepEqual([one, two, three, four, question], [1, 0, 0, 0, 0]);
    const q = clariqFeatures('What was the name of Elvis Presley’s home?', 0.9);
    assert.ok((q[0] ?? 0) > 2);
    assert.equal(q[5], 1);
    assert.equal(q[1], 0);
    const long = clariqFeatures('What does the US capital gains tax rate consist of and how is it broken down?', 0.5);
    assert.deepEqual(long.slice(1, 5), [0, 0, 0, 0]); // more than four topic words: none of the 1-4 buckets
    assert.deepEqual(clariqFeatures('Find information on hayrides in pa', 0.5).slice(1, 5), [0, 1, 0, 0]);
    assert.equal(clariqFeatures('x', 0.5).length, CLARIQ_FEATURES.length);
  });
  test('levels follow the cut points', () => {
    assert.equal(levelOf([1.5, 2.5, 3.5], 1), 1);
    assert.equal(levelOf([1.5, 2.5, 3.5], 2.5), 3);
    assert.equal(levelOf([1.5, 2.5, 3.5], 9), 4);
    const m = { weights: [2, 0.5, 0, 0, 0, 0, 0], cuts: [1.5, 2.5, 3.5] };
    assert.equal(clariqValue(m, [2, 0, 0, 0, 0, 0]), 3);
    assert.ok(clariqLevelOfText(m, 'tell me about memory', 0.99) > clariqLevelOfText(m, 'tell me about memory', 0.01));
  });
});

describe('fitting the level model', () => {
  test('least squares recovers a linear relation, and the cuts separate the levels', () => {
    const feats: number[][] = [];
    const needs: number[] = [];
    for (let i = 0; i < 40; i++) {
      const need = 1 + (i % 4);
      feats.push([need - 2.5, 0, 0, 0, 0, i % 2]);
      needs.push(need);
    }
    const w = fitLevelWeights(feats, needs, 0);
    assert.ok(Math.abs((w[0] ?? 0) - 2.5) < 1e-6);
    assert.ok(Math.abs((w[1] ?? 0) - 1) < 1e-6);
    const model = fitClariqLevelModel(feats, needs, 0);
    assert.equal(
      weightedF1(
        feats.map((f) => levelOf(model.cuts, clariqValue(model, f))),
        needs,
      ),
      1,
    );
    const cuts = fitLevelCuts([1, 2, 3, 4], [1, 2, 3, 4]);
    assert.deepEqual(
      [1, 2, 3, 4].map((v) => levelOf(cuts, v)),
      [1, 2, 3, 4],
    );
  });
});

describe('level model in the weights file', () => {
  test('the shipped file carries a level model that predicts more than one level', () => {
    const model = modelFromFile(readWeightsFile());
    assert.ok(model.clariqLevel !== undefined);
    const levels = new Set(
      ['tell me about memory', 'What was the name of Elvis Presley’s home?', 'Find information on hayrides in pa'].map((t) =>
        clariqLevelOfText(model.clariqLevel!, t, 0.5),
      ),
    );
    assert.ok(levels.size >= 2);
  });
  test('a level model with a different feature list is ignored (the score cuts apply)', () => {
    const file: WeightsFile = { ...readWeightsFile(), clariqLevel: { features: ['other'], weights: [0, 1], cuts: [0, 1, 2] } };
    assert.ok(WeightsFileSchema.safeParse(file).success);
    assert.equal(modelFromFile(file).clariqLevel, undefined);
    const { clariqLevel: _omit, ...without } = readWeightsFile();
    assert.ok(WeightsFileSchema.safeParse(without).success);
    assert.equal(modelFromFile(without).clariqLevel, undefined);
  });
});
