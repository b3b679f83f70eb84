/**
 * EventInput (raw material from the request pipeline) -> ClarionEvent (schema v2, redacted).
 * Runs in the writer's batch flush, never on the request path.
 */
import { createHash } from 'node:crypto';
import { turnText, type Conversation } from '../conversation.js';
import type { Decision } from '../policy/decision.js';
import type { EventsConfig } from './config.js';
import type { EventInput } from './input.js';
import { protectIdentifier, redactText } from './redact.js';
import { EVENT_SCHEMA_VERSION, type ClarionEvent, type StoredRequest, type StoredSignal } from './schema.js';

type RedactionConfig = EventsConfig['redaction'];

/** What the user was asked: the reply Clarion sent (clarify/respond) or the instruction telling the model to ask (clarify/instruct). */
function questionAsked(decision: Decision): string | null {
  if (decision.action !== 'clarify') return null;
  if (decision.mode === 'respond') return decision.reply;
  return decision.instruction ?? decision.reply;
}

function storedRequest(conversation: Conversation, redaction: RedactionConfig): StoredRequest {
  let last = '';
  let userTurns = 0;
  for (const turn of conversation.turns) {
    if (turn.role !== 'user') continue;
    userTurns++;
    last = turnText(turn);
  }
  const sha256 = createHash('sha256').update(last).digest('hex');
  const base = { mode: redaction.mode, sha256, chars: last.length, turns: conversation.turns.length, userTurns };
  if (redaction.mode === 'none' || userTurns === 0) return { ...base, text: null, truncated: false };
  const redacted = redactText(last);
  if (redaction.mode === 'full' || redacted.length <= redaction.excerptChars) return { ...base, text: redacted, truncated: false };
  return { ...base, text: redacted.slice(0, redaction.excerptChars), truncated: true };
}

export function buildEvent(input: EventInput, instance: string, redaction: RedactionConfig): ClarionEvent {
  const { context, decision, assessment } = input;
  const signals: StoredSignal[] = assessment.signals.map((s) => {
    const signal: StoredSignal = { id: s.id, category: s.category, weight: s.weight, evidence: redactText(s.evidence) };
    if (s.slot !== undefined) signal.slot = s.slot;
    return signal;
  });
  const question = questionAsked(decision);
  return {
    v: EVENT_SCHEMA_VERSION,
    id: input.id,
    time: new Date(input.time).toISOString(),
    instance,
    // Client-supplied identifiers: hashed when they carry a credential or an e-mail address.
    requestId: protectIdentifier(input.requestId),
    route: protectIdentifier(context.route),
    protocol: context.protocol,
    model: protectIdentifier(context.model),
    upstream: input.upstream,
    tenant: context.tenant === null ? null : protectIdentifier(context.tenant),
    conversationId: protectIdentifier(context.conversationId),
    policyVersion: decision.policyVersion,
    policyHash: input.policyHash ?? null,
    norm: decision.norm,
    action: decision.action,
    mode: decision.mode,
    shadow: decision.shadow,
    reason: redactText(decision.reason),
    escalateTo: decision.escalateTo,
    score: assessment.score,
    categories: [...assessment.categories],
    signals,
    missingSlots: [...assessment.missingSlots],
    question: question === null ? null : redactText(question),
    detectorVersion: assessment.detectorVersion,
    modelId: assessment.detectorVersion,
    detectorMicros: input.detectorMicros,
    upstreamStatus: input.upstreamStatus,
    upstreamMs: input.upstreamMs,
    errorCode: input.errorCode,
    request: storedRequest(input.conversation, redaction),
    decisionState: { optOut: context.optOut, clarificationsSoFar: context.clarificationsSoFar },
    features: assessment.features ?? null,
    labels: [],
    usage: input.usage ?? null,
    context: assessment.context ?? 'known',
    ...(input.secondOpinion === undefined || input.secondOpinion === null
      ? {}
      : {
          secondOpinion: {
            outcome: input.secondOpinion.outcome,
            underspecified: input.secondOpinion.verdict?.underspecified ?? null,
            ms: Math.round(input.secondOpinion.ms * 1000) / 1000,
          },
        }),
    responseId: input.responseId ?? null,
  };
}
