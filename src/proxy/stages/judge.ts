/**
 * Stage 2, judge: adapter.toConversation -> detector.assess -> policy decide, failing open. If any
 * of them throws, the request goes on unassessed (and the failure is counted) unless the policy
 * says failClosed. Conversation memory is awaited only when the policy is about to ask a
 * clarifying question. The outcome is announced in the response headers, with the event id when
 * the decision is recorded.
 */
import { ClarionError, isClarionError } from '../../errors.js';
import { decide } from '../../policy/decide.js';
import type { Policy } from '../../policy/schema.js';
import type { SecondOpinion } from '../../judge/second-opinion.js';
import { withRecalledContext } from '../context-memory.js';
import type { PipelineDeps } from '../deps.js';
import { buildRequestContext } from '../request-context.js';
import { respondWithError } from '../respond.js';
import { consult, labelLater } from '../second-opinion.js';
import type { Judgement, ProtocolState } from '../state.js';

type Step = 'parse' | 'detect' | 'policy' | 'memory';

/** How far judging got, and a background second opinion still on its way. */
interface Progress {
  step: Step;
  background: Promise<SecondOpinion> | null;
}

/** False when the request was answered with an error (a failure the policy fails closed on). */
export async function judge(deps: PipelineDeps, state: ProtocolState): Promise<boolean> {
  const policy = deps.policy.current();
  const progress: Progress = { step: 'parse', background: null };
  const started = state.trace === null ? 0 : performance.now();
  try {
    state.judgement = await assessAndDecide(deps, state, policy, progress);
    state.trace?.assessed(started, performance.now());
  } catch (error) {
    if (failsClosed(deps, policy, progress.step, error)) {
      respondWithError(state, new ClarionError('CLARION_INTERNAL', 'assessment failed and the policy fails closed'));
      return false;
    }
  }
  announce(deps, state);
  labelLater(deps, state.eventId, progress.background);
  return true;
}

async function assessAndDecide(deps: PipelineDeps, state: ProtocolState, policy: Policy, progress: Progress): Promise<Judgement> {
  const own = state.route.adapter.toConversation(state.body);
  progress.step = 'memory';
  // Earlier turns the request only points at (previous_response_id...), when Clarion remembers them.
  const conversation = await withRecalledContext(deps, own, state.headers);
  progress.step = 'detect';
  const started = performance.now();
  const local = deps.detector.assess(conversation);
  const detectorMicros = Math.round((performance.now() - started) * 1000);
  // In the grey band, a model's second opinion (inline: may move the score; background: labels the event later).
  const consulted = await consult(deps, state, conversation, local);
  const assessment = consulted.assessment;
  state.score = assessment.score;
  progress.step = 'policy';
  const context = buildRequestContext({
    conversation,
    body: state.body,
    headers: state.headers,
    route: state.path,
    tenantHeader: deps.tenantHeader,
    trustClientHeaders: deps.trustClientHeaders,
  });
  let decision = decide(assessment, context, policy);
  if (decision.action === 'clarify' && !decision.shadow) {
    progress.step = 'memory';
    const asked = await deps.memory.clarifications(context.conversationId);
    if (asked > 0) {
      context.clarificationsSoFar = asked;
      progress.step = 'policy';
      decision = decide(assessment, context, policy);
    }
  }
  progress.background = consulted.background;
  return { conversation, assessment, context, decision, detectorMicros, secondOpinion: consulted.inline };
}

/** Logs and counts a failure; true when the policy wants it to stop the request. */
function failsClosed(deps: PipelineDeps, policy: Policy, step: Step, error: unknown): boolean {
  if (step === 'parse' && isClarionError(error)) {
    // A body shape the adapter does not know (a newer API field, say): the upstream is the
    // authority on validity, so forward it unassessed rather than break the app.
    deps.logger.debug({ err: error.message }, 'request not assessed: unrecognised body shape');
    return false;
  }
  deps.metrics.pipelineFailures.inc({ stage: step });
  deps.logger.error({ err: error, stage: step }, 'assessment or policy failed; failing open');
  return policy.defaults.failClosed === true;
}

/** Score, action and norm headers; an event id when the decision is recorded. */
function announce(deps: PipelineDeps, state: ProtocolState): void {
  const headers = state.replyHeaders;
  if (state.score !== undefined) headers['x-clarion-score'] = state.score.toFixed(3);
  const judgement = state.judgement;
  if (judgement === null) return;
  const { decision, assessment } = judgement;
  headers['x-clarion-action'] = decision.action;
  // Earlier turns exist but Clarion did not see them (an unknown previous_response_id...).
  if (assessment.context === 'unknown') headers['x-clarion-context'] = 'unknown';
  if (decision.mode !== null) headers['x-clarion-mode'] = decision.mode;
  if (decision.norm !== null) headers['x-clarion-norm'] = decision.norm;
  if (decision.shadow) headers['x-clarion-shadow'] = 'true';
  if (deps.events.shouldRecord(decision, assessment, state.requestId)) {
    state.eventId = deps.events.newId();
    headers['x-clarion-event-id'] = state.eventId;
  }
}
