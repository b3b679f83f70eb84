/** Hand-built assessments, contexts and policies for policy tests. */
import type { Assessment, Category, Signal, SignalId } from '../../src/detect/assessment.js';
import type { RequestContext } from '../../src/policy/decision.js';
import { parsePolicy } from '../../src/policy/load.js';
import type { Policy } from '../../src/policy/schema.js';

const CATEGORY: Record<SignalId, Category | null> = {
  missing_input: 'aleatoric',
  unresolved_reference: 'linguistic',
  missing_slot: 'aleatoric',
  unanchored_time_place: 'aleatoric',
  polysemy: 'linguistic',
  contradiction: 'epistemic',
  unfamiliar_entity: 'epistemic',
  answered_clarification: null,
  clear_request: null,
  vague_request: 'aleatoric',
};

export function signal(id: SignalId, evidence = '', slot?: string): Signal {
  const out: Signal = { id, category: CATEGORY[id], weight: CATEGORY[id] === null ? -1 : 1, evidence };
  if (slot !== undefined) out.slot = slot;
  return out;
}

export function assessment(score: number, signals: Signal[] = [], extra: Partial<Assessment> = {}): Assessment {
  const categories: Category[] = [];
  for (const s of signals) if (s.category !== null && !categories.includes(s.category)) categories.push(s.category);
  const missingSlots = signals.filter((s) => s.id === 'missing_slot' && s.slot !== undefined).map((s) => s.slot as string);
  return { score, categories, signals, missingSlots, suggestedQuestion: null, detectorVersion: 'test', ...extra };
}

export function context(extra: Partial<RequestContext> = {}): RequestContext {
  return {
    protocol: 'openai-chat',
    route: '/v1/chat/completions',
    model: 'gpt-4o-mini',
    tenant: null,
    headers: {},
    metadata: {},
    conversationId: 'conv-1',
    clarificationsSoFar: 0,
    optOut: false,
    ...extra,
  };
}

export function policy(yaml: string): Policy {
  return parsePolicy(yaml, 'test-policy.yaml');
}
