import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClarionEvent } from '../../src/events/schema.js';
import { parsePolicy } from '../../src/policy/load.js';
import { addToSummary, emptySummary, replayEvent } from '../../src/policy/replay.js';

function event(overrides: Partial<ClarionEvent>): ClarionEvent {
  return {
    v: 1,
    id: '01JXXXXXXXXXXXXXXXXXXXXXXX',
    time: '2026-11-29T10:00:00.000Z',
    instance: 'test',
    requestId: 'r1',
    route: '/v1/chat/completions',
    protocol: 'openai-chat',
    model: 'gpt-4o-mini',
    upstream: 'openai',
    tenant: 'team-a',
    conversationId: 'c1',
    policyVersion: 'old',
    policyHash: null,
    modelId: null,
    decisionState: null,
    features: null,
    norm: 'ask',
    action: 'clarify',
    mode: 'instruct',
    shadow: false,
    reason: 'r',
    escalateTo: null,
    score: 0.8,
    categories: ['aleatoric'],
    signals: [{ id: 'missing_slot', category: 'aleatoric', weight: 1.2, evidence: 'translate', slot: 'target_language' }],
    missingSlots: ['target_language'],
    question: 'Which language?',
    detectorVersion: 'd1',
    detectorMicros: 12,
    upstreamStatus: 200,
    upstreamMs: 100,
    errorCode: null,
    request: { mode: 'excerpt', text: 'Translate this', truncated: false, sha256: 'x', chars: 14, turns: 1, userTurns: 1 },
    labels: [],
    ...overrides,
  };
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
