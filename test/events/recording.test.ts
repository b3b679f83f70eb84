import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventsConfigSchema } from '../../src/events/config.js';
import { createRecordingRule, sampleFraction } from '../../src/events/recording.js';
import { assessment, decision } from './fixtures.js';

test('default: every non-pass action, passes at or above the floor, a sampled share of the rest', () => {
  const rule = createRecordingRule(EventsConfigSchema.parse({ record: { passScoreFloor: 0.3, passSampleRate: 0.05 } }));
  for (const action of ['annotate', 'clarify', 'defer', 'escalate'] as const) {
    assert.equal(rule(decision({ action }), assessment({ score: 0 }), 'k'), true, action);
  }
  assert.equal(rule(decision({ action: 'pass' }), assessment({ score: 0.3 }), 'k'), true);
  let sampled = 0;
  for (let i = 0; i < 20_000; i++) if (rule(decision({ action: 'pass' }), assessment({ score: 0.1 }), `req-${i}`)) sampled++;
  assert.ok(sampled > 20_000 * 0.04 && sampled < 20_000 * 0.06, `sampled ${sampled}`);
  // Deterministic: the same request id is always in or always out.
  const key = 'req-42';
  const first = rule(decision({ action: 'pass' }), assessment({ score: 0.1 }), key);
  for (let i = 0; i < 5; i++) assert.equal(rule(decision({ action: 'pass' }), assessment({ score: 0.1 }), key), first);
});

test('sample rate 0 records no low-score pass; disabled records nothing', () => {
  const none = createRecordingRule(EventsConfigSchema.parse({ record: { passSampleRate: 0 } }));
  for (let i = 0; i < 1_000; i++) assert.equal(none(decision({ action: 'pass' }), assessment({ score: 0.01 }), `r${i}`), false);
  const off = createRecordingRule(EventsConfigSchema.parse({ enabled: false }));
  assert.equal(off(decision({ action: 'clarify' }), assessment({ score: 0.99 }), 'r'), false);
});

test('sampleFraction is uniform enough over [0, 1)', () => {
  const buckets = new Array<number>(10).fill(0);
  for (let i = 0; i < 50_000; i++) {
    const f = sampleFraction(`request-${i}`);
    assert.ok(f >= 0 && f < 1);
    buckets[Math.floor(f * 10)] = (buckets[Math.floor(f * 10)] ?? 0) + 1;
  }
  for (const n of buckets) assert.ok(n > 4_000 && n < 6_000, `bucket ${n}`);
});
