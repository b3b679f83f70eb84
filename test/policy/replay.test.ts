import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClarionEvent } from '../../src/events/schema.js';
import { parsePolicy } from '../../src/policy/load.js';
import { addToSummary, emptySummary, replayEvent } from '../../src/policy/replay.js';
import { storedEvent } from '../events/sample-events.js';

/** A v1 event (no model id or decision state), as events recorded before schema v2 read back. */
function event(overrides: Partial<ClarionEvent>): ClarionEvent {
  return storedEvent({
    v: 1,
    tenant: 'team-a',
    policyVersion: 'old',
    modelId: null,
    decisionState: null,
    request: { mode: 'excerpt', text: 'Translate this', truncated: false, sha256: 'x', chars: 14, turns: 1, userTurns: 1 },
    ...overrides,
  });
}

const CANDIDATE = parsePolicy(
  `version: candidate
norms:
  - name: only-annotate
    when: { score: { min: 0.5 } }
    then: { action: annotate }
  - name: header-based
    when: { headers: { x-team: ops } }
    then: { action: defer }
`,
  'candidate.yaml',
);

test('a stored event is re-decided by the candidate with the same decide()', () => {
  const replayed = replayEvent(event({}), CANDIDATE);
  assert.equal(replayed.after.action, 'annotate');
  assert.equal(replayed.after.norm, 'only-annotate');
  assert.equal(replayed.changed, true);
  const unchanged = replayEvent(event({ action: 'annotate', mode: null }), CANDIDATE);
  assert.equal(unchanged.changed, false);
  const low = replayEvent(event({ score: 0.2, action: 'pass', mode: null }), CANDIDATE);
  assert.equal(low.after.action, 'pass');
});

test('the summary counts transitions, candidate actions and verdicts, and names blind norms', () => {
  const summary = emptySummary(CANDIDATE);
  addToSummary(summary, replayEvent(event({}), CANDIDATE));
  addToSummary(summary, replayEvent(event({ labels: [{ verdict: 'unneeded', note: null, time: 't', source: 'app' }] }), CANDIDATE));
  addToSummary(summary, replayEvent(event({ score: 0.1, action: 'pass', mode: null }), CANDIDATE));
  assert.equal(summary.events, 3);
  assert.equal(summary.changed, 2);
  assert.equal(summary.transitions['clarify/instruct -> annotate'], 2);
  assert.equal(summary.transitions['pass -> pass'], 1);
  assert.deepEqual(summary.byVerdict, { unneeded: { annotate: 1 } });
  assert.deepEqual(summary.normsBlindInReplay, ['header-based']);
});
