/**
 * Clarion as a guardrail for another gateway: one request body (chat / Responses / Messages) in,
 * the assessment, the decision and what the decision does to the request out. The same detector,
 * policy and conversation memory as the proxy's judge stage; nothing is forwarded anywhere.
 *
 * `record` (the decide endpoints) makes it count: the event is recorded like a proxied request's,
 * a clarification is remembered for the conversation and a deferral goes to the review queue.
 * Without it (assess) the decision is computed and nothing is written.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { lastUserTurn, turnText, type Conversation } from '../conversation.js';
import type { Assessment } from '../detect/assessment.js';
import { decide } from '../policy/decide.js';
import type { Decision, RequestContext } from '../policy/decision.js';
import type { JsonObject, ProtocolAdapter } from '../protocols/types.js';
import type { PipelineDeps } from '../proxy/deps.js';
import { buildRequestContext } from '../proxy/request-context.js';

export type GuardrailDeps = Pick<PipelineDeps, 'detector' | 'policy' | 'memory' | 'reviews' | 'events' | 'tenantHeader'>;

export interface GuardrailInput {
  adapter: ProtocolAdapter;
  body: JsonObject;
  /** Headers that describe the end user's request (tenant, conversation id, opt-out), never the gateway's credential. */
  headers: IncomingHttpHeaders;
  /** The route the request is for (the protocol's own path, e.g. `/v1/chat/completions`), for norms matching on route. */
  route: string;
  /** Which surface asked (`api`, `litellm`, `portkey`): the event's `upstream` is `guardrail:<surface>`. */
  surface: string;
  /** The calling gateway's request id (LiteLLM call id...), else a new one. */
  requestId: string;
  /** Record the event and apply side effects (decide), or only compute (assess). */
  record: boolean;
}

/** What the decision does to the request, for the calling gateway to apply. */
export type GuardrailEffect =
  /** Send the request as it is (pass, shadow, or an action with nothing to change). */
  | { kind: 'unchanged' }
  /** Send this body instead (annotate, clarify/instruct: an injected instruction; escalate: another model). */
  | { kind: 'rewrite'; body: JsonObject; upstream: string | null }
  /** Do not call the model; answer the user with this text (clarify/respond, defer). */
  | { kind: 'reply'; text: string };

export interface GuardrailResult {
  conversation: Conversation;
  assessment: Assessment;
  context: RequestContext;
  decision: Decision;
  effect: GuardrailEffect;
  eventId: string | null;
}

/** Throws ClarionError(CLARION_INVALID_REQUEST) when the body is not a request of the adapter's protocol. */
export async function evaluateGuardrail(deps: GuardrailDeps, input: GuardrailInput): Promise<GuardrailResult> {
  const arrived = Date.now();
  const conversation = input.adapter.toConversation(input.body);
  const started = performance.now();
  const assessment = deps.detector.assess(conversation);
  const detectorMicros = Math.round((performance.now() - started) * 1000);
  // The caller holds the guardrail token (a gateway Clarion trusts), and the gateway adapters set
  // the tenant from the gateway's own contract: its tenant and conversation headers are read.
  const context = buildRequestContext({
    conversation,
    body: input.body,
    headers: input.headers,
    route: input.route,
    tenantHeader: deps.tenantHeader,
    trustClientHeaders: true,
  });
  const policy = deps.policy.current();
  let decision = decide(assessment, context, policy);
  if (decision.action === 'clarify' && !decision.shadow) {
    const asked = await deps.memory.clarifications(context.conversationId);
    if (asked > 0) {
      context.clarificationsSoFar = asked;
      decision = decide(assessment, context, policy);
    }
  }
  const effect = effectOf(decision, input);
  let eventId: string | null = null;
  if (input.record) {
    if (deps.events.shouldRecord(decision, assessment, input.requestId)) {
      eventId = deps.events.newId();
      deps.events.record({
        id: eventId,
        time: arrived,
        requestId: input.requestId,
        context,
        upstream: `guardrail:${input.surface}`,
        conversation,
        assessment,
        decision,
        detectorMicros,
        upstreamStatus: null,
        upstreamMs: null,
        errorCode: null,
      });
    }
    if (!decision.shadow) sideEffects(deps, { conversation, context, decision, eventId, arrived, adapter: input.adapter });
  }
  return { conversation, assessment, context, decision, effect, eventId };
}

/** The decision applied to the body through the protocol's adapter (a shadow decision changes nothing). */
export function effectOf(decision: Decision, input: Pick<GuardrailInput, 'adapter' | 'body'>): GuardrailEffect {
  if (decision.shadow) return { kind: 'unchanged' };
  const { adapter, body } = input;
  switch (decision.action) {
    case 'pass':
      return { kind: 'unchanged' };
    case 'defer':
      return { kind: 'reply', text: decision.reply ?? '' };
    case 'clarify':
    case 'annotate':
      if (decision.action === 'clarify' && decision.mode === 'respond') return { kind: 'reply', text: decision.reply ?? '' };
      if (decision.instruction === null || decision.instruction === '') return { kind: 'unchanged' };
      return { kind: 'rewrite', body: adapter.injectInstruction(body, decision.instruction, decision.placement), upstream: null };
    case 'escalate': {
      const target = decision.escalateTo;
      if (target === null) return { kind: 'unchanged' };
      return { kind: 'rewrite', body: target.model === null ? body : adapter.withModel(body, target.model), upstream: target.upstream };
    }
  }
}

interface Applied {
  conversation: Conversation;
  context: RequestContext;
  decision: Decision;
  eventId: string | null;
  arrived: number;
  adapter: ProtocolAdapter;
}

/** The same side effects as a proxied request's applied decision (src/proxy/stages/apply.ts). */
function sideEffects(deps: GuardrailDeps, applied: Applied): void {
  const { context, decision, conversation } = applied;
  if (decision.action === 'clarify') deps.memory.recordClarification(context.conversationId);
  if (decision.action !== 'defer') return;
  const last = lastUserTurn(conversation);
  deps.reviews.enqueue({
    eventId: applied.eventId,
    time: new Date(applied.arrived).toISOString(),
    conversationId: context.conversationId,
    tenant: context.tenant,
    model: context.model,
    protocol: applied.adapter.id,
    reason: decision.reason,
    norm: decision.norm,
    text: last === undefined ? '' : turnText(last),
  });
}
