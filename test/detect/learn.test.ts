/** learn(): identical rows are merged in the trainer (src/detect/training/learn.ts) without changing what it learns. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conversationFromText } from '../../src/conversation.js';
import { createDetector } from '../../src/detect/index.js';
import { learn } from '../../src/detect/training/learn.js';
import { readWeightsFile } from '../../src/detect/weights.js';
import type { ClarionEvent, Verdict } from '../../src/events/schema.js';

const detector = createDetector();
const base = readWeightsFile();
const TEXTS: [string, Verdict][] = [
  ['Review the indemnity language.', 'needed'],
  ['Review the contract with Acme.', 'unneeded'],
  ["Summarize Globex's latest one.", 'needed'],
  ['Summarize the termination clause of the agreement.', 'unneeded'],
  ['Translate this', 'needed'],
  ['What is the capital of France?', 'unneeded'],
];

function events(copies: number, flip = false): ClarionEvent[] {
  const out: ClarionEvent[] = [];
  let n = 0;
  for (let round = 0; round < 10; round++) {
    for (const [text, verdict] of TEXTS) {
      const features = detector.assess(conversationFromText(`${text} ${round}`)).features ?? null;
      for (let c = 0; c < copies; c++) {
        const v: Verdict = flip && c === 1 ? (verdict === 'needed' ? 'unneeded' : 'needed') : verdict;
        out.push({
          id: `E${String(n).padStart(25, '0')}`,
          time: new Date(Date.UTC(2026, 10, 1) + n * 1000).toISOString(),
          features,
          labels: [{ verdict: v, note: null, time: 't', source: 'app' }],
        } as unknown as ClarionEvent);
        n++;
      }
    }
  }
  return out;
}

test('an event twice at weight W learns what it learns once at weight 2W', () => {
  const twice = learn({ base, events: events(2), holdout: 0, eventWeight: 3 }).file;
  const once = learn({ base, events: events(1), holdout: 0, eventWeight: 6 }).file;
  // The version and the training record differ (they name the event count and weight); the model does not.
  const model = (f: typeof base): string => JSON.stringify({ ...f, version: null, training: null });
  assert.ok(model(twice) === model(once), 'the learned weights differ');
  assert.notEqual(once.version, base.version);
});

test('the same features with opposite labels are not merged into one', () => {
  const agreeing = learn({ base, events: events(2), holdout: 0 }).file;
  const disagreeing = learn({ base, events: events(2, true), holdout: 0 }).file;
  assert.notDeepEqual(disagreeing.hashedWeight, agreeing.hashedWeight);
  // Half the copies say the opposite: the learned scores on those texts are less sure than when every copy agrees
  // (measured on the scores, not on how far the weights moved, which depends on how far the shipped weights already agree).
  const certainty = (file: typeof base): number => {
    const d = createDetector({ weights: file });
    return TEXTS.reduce((s, [text]) => s + Math.abs(d.assess(conversationFromText(`${text} 0`)).score - 0.5), 0);
  };
  assert.ok(certainty(disagreeing) < certainty(agreeing), `${certainty(disagreeing)} < ${certainty(agreeing)}`);
});
