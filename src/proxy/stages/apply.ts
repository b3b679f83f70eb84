/**
 * Stage 3, apply: what the decision does to the request, through the route's adapter (see
 * ../actions.ts): forward it as it is, forward a rewritten body, or answer with Clarion's own
 * reply. A shadow decision is recorded but not applied. Applying fails open like judging does.
 * The side effects of an applied decision happen here: a clarification is remembered for the
 * conversation, a deferral goes to the review queue.
 */
import { lastUserTurn, turnText } from '../../conversation.js';
import { ClarionError } from '../../errors.js';
import type { Decision } from '../../policy/decision.js';
import { precedentGaps, precedentKey } from '../../policy/precedent.js';
import { observeResponse, type ObservedResponse } from '../../protocols/observe.js';
import type { RenderedBody } from '../../protocols/types.js';
import { planAction, type ActionPlan, type ActionRequest } from '../actions.js';
import type { PipelineDeps } from '../deps.js';
import { respond, respondWithError } from '../respond.js';
import type { Judgement, ProtocolState } from '../state.js';
import { remembersExchange } from './remember.js';

/** False when Clarion answered the request itself (a reply, or an error the norm fails closed on). */
export function apply(deps: PipelineDeps, state: ProtocolState): boolean {
  const { adapter } = state.route;
  const judgement = state.judgement;
  let decision = judgement !== null && !judgement.decision.shadow ? judgement.decision : null;
  const request: ActionRequest = { adapter, body: state.body, raw: state.raw, model: state.model };
  let plan: ActionPlan;
  try {
    plan = planAction(decision, request);
  } catch (error) {
    if (!failOpen(deps, state, decision, error)) {
      respondWithError(state, new ClarionError('CLARION_INTERNAL', 'the policy decision could not be applied'));
      return false;
    }
    plan = planAction(null, request);
    decision = null;
  }
  if (decision !== null && judgement !== null) sideEffects(deps, state, judgement, decision);
  if (plan.kind === 'reply') {
    respond(state, plan.rendered);
    state.observed = readOwnReply(state, plan.rendered);
    return false;
  }
  state.outBody = plan.body;
  state.outLength = typeof plan.body === 'string' ? Buffer.byteLength(plan.body) : plan.body.length;
  state.outModel = plan.model;
  state.outUpstream = plan.upstream;
  state.streaming = adapter.isStream(state.body);
  state.keepText = remembersExchange(state);
  return true;
}

/** Clarion's own reply, read back like an upstream's (its id and text are remembered like any response's). */
function readOwnReply(state: ProtocolState, rendered: RenderedBody): ObservedResponse | null {
  const observer = observeResponse(state.route.adapter.responses, rendered.contentType, '', remembersExchange(state));
  if (observer === null) return null;
  for (const chunk of rendered.chunks) observer.write(Buffer.from(chunk));
  return observer.end();
}

/**
 * Precedent, in the background: a clarification by a norm that opted in notes which gaps were
 * asked about (and whose answers they will be); the user's reply to a clarification is read for
 * those answers, which are stored for next time.
 */
function precedentEffects(deps: PipelineDeps, { assessment, context, conversation }: Judgement, decision: Decision): void {
  if (decision.action === 'clarify' && decision.precedent !== undefined) {
    const key = precedentKey(decision.precedent.scope, context);
    const gaps = key === null ? null : precedentGaps(assessment);
    if (key !== null && gaps !== null) deps.precedents.expect(context.conversationId, { key, gaps, ttlSeconds: decision.precedent.ttlSeconds });
    return;
  }
  if (!assessment.signals.some((s) => s.id === 'answered_clarification')) return;
  const last = lastUserTurn(conversation);
  if (last !== undefined) deps.precedents.capture(context.conversationId, turnText(last));
}

/**
 * Applying the decision threw (a bug, or a body the adapter cannot rewrite): logged and counted.
 * True to forward the request unchanged; false when the norm says to fail closed.
 */
function failOpen(deps: PipelineDeps, state: ProtocolState, decision: Decision | null, error: unknown): boolean {
  deps.metrics.pipelineFailures.inc({ stage: 'action' });
  deps.logger.error({ err: error, action: decision?.action, norm: decision?.norm }, 'applying the decision failed');
  if (decision?.failClosed === true) return false;
  state.replyHeaders['x-clarion-action'] = 'pass';
  return true;
}

function sideEffects(deps: PipelineDeps, state: ProtocolState, judgement: Judgement, decision: Decision): void {
  const { context, conversation } = judgement;
  if (decision.action === 'clarify') deps.memory.recordClarification(context.conversationId);
  precedentEffects(deps, judgement, decision);
  if (decision.action !== 'defer') return;
  const last = lastUserTurn(conversation);
  deps.reviews.enqueue({
    eventId: state.eventId,
    time: new Date(state.arrived).toISOString(),
    conversationId: context.conversationId,
    tenant: context.tenant,
    model: state.model ?? 'unknown',
    protocol: state.route.adapter.id,
    reason: decision.reason,
    norm: decision.norm,
    text: last === undefined ? '' : turnText(last),
  });
}
