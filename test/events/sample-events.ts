/** Whole stored events built by hand, and a seeded deployment where one tenant is over-asked. */
import { createIdGenerator } from '../../src/events/id.js';
import type { ClarionEvent, Label, Verdict } from '../../src/events/schema.js';

export function storedEvent(overrides: Partial<ClarionEvent> = {}): ClarionEvent {
  return {
    v: 2,
    id: '01JXXXXXXXXXXXXXXXXXXXXXXX',
    time: '2026-11-29T10:00:00.000Z',
    instance: 'test',
    requestId: 'r1',
    route: '/v1/chat/completions',
    protocol: 'openai-chat',
    model: 'gpt-4o-mini',
    upstream: 'openai',
    tenant: 'acme',
    conversationId: 'c1',
    policyVersion: 'p1',
    policyHash: null,
    modelId: 'shipped-1',
    decisionState: { optOut: false, clarificationsSoFar: 0 },
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
    request: { mode: 'excerpt', text: 'Translate this for me please', truncated: false, sha256: 'x', chars: 28, turns: 1, userTurns: 1 },
    labels: [],
    ...overrides,
  };
}

export function label(verdict: Verdict, source: Label['source'] = 'app', time = '2026-11-29T11:00:00.000Z'): Label {
  return { verdict, note: null, time, source };
}

/**
 * 244 events (one a minute from `start`, real event ids) over four tenants. `legal` (80 events) gets a question on 60 of them and 50 of
 * those are labelled unneeded; `acme` and `globex` (80 each) get 20 questions each, 3 labelled
 * unneeded and the rest needed; every tenant has 10 passes labelled (2 of them `missed`) and a few
 * unlabelled events. `legal` is the over-asked tenant; `tiny` has 4 events, all unneeded questions,
 * which is too few to flag.
 */
export function overAskedDeployment(start = Date.parse('2026-11-29T00:00:00.000Z')): ClarionEvent[] {
  const out: ClarionEvent[] = [];
  let n = 0;
  let ms = start;
  const newId = createIdGenerator(() => ms);
  const push = (tenant: string, action: ClarionEvent['action'], verdict: Verdict | null, text: string): void => {
    ms = start + n * 60_000;
    const time = new Date(ms).toISOString();
    const id = newId();
    n++;
    out.push(
      storedEvent({
        id,
        time,
        tenant,
        action,
        mode: action === 'clarify' ? 'instruct' : null,
        norm: action === 'pass' ? null : action === 'clarify' ? 'ask-missing' : 'note',
        score: action === 'pass' ? 0.2 : action === 'clarify' ? 0.75 : 0.55,
        request: { mode: 'excerpt', text, truncated: false, sha256: id, chars: text.length, turns: 1, userTurns: 1 },
        labels: verdict === null ? [] : [label(verdict, 'app', time)],
      }),
    );
  };
  const tenant = (name: string, questions: number, unneeded: number, text: string): void => {
    for (let i = 0; i < questions; i++) push(name, 'clarify', i < unneeded ? 'unneeded' : 'needed', text);
    for (let i = 0; i < 10; i++) push(name, 'pass', i < 2 ? 'missed' : 'unneeded', text);
    for (let i = 0; i < 80 - questions - 10; i++) push(name, i % 5 === 0 ? 'annotate' : 'pass', null, text);
  };
  tenant('legal', 60, 50, 'Review the contract and tell me what the clause means');
  tenant('acme', 20, 3, 'Translate this report for the team please');
  tenant('globex', 20, 3, 'Traduis ce rapport pour l\u2019équipe, s\u2019il vous plaît, avec les chiffres du mois');
  for (let i = 0; i < 4; i++) push('tiny', 'clarify', 'unneeded', 'Fix it');
  return out;
}
