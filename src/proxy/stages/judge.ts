/**
 * Stage 2, judge: adapter.toConversation -> detector.assess -> policy decide, failing open. A body
 * the adapter refuses (a shape the API could never accept) is answered with 400 naming the field;
 * if detection or the policy throws, the request goes on unassessed (and the failure is counted)
 * unless the policy says failClosed. Conversation memory is awaited only when the policy is about to ask a
 * clarifying question. The outcome is announced in the response headers, with the event id when
 * the decision is recorded.
 */
import { ClarionError, isClarionError } from '../../errors.js';
import type { Assessment } from '../../detect/assessment.js';
import { decide } from '../../policy/decide.js';
import type { Decision, RequestContext } from '../../policy/decision.js';
import { precedentGaps, precedentKey } from '../../policy/precedent.js';
import { policyContentHash } from '../../policy/load.js';
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
    if (progress.step === 'parse' && isClarionError(error)) {
      // A body the API could never accept (messages not an array, a role spelled `User`...):
      // refused in the protocol's shape, naming the field, never forwarded unassessed.
      respondWithError(state, error);
      return false;
    }
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
  const recalled = withRecalledContext(deps, own, state.headers);
  const conversation = recalled instanceof Promise ? await recalled : recalled;
  progress.step = 'detect';
  const started = performance.now();
  const local = deps.detector.assess(conversation);
  const detectorMicros = Math.round((performance.now() - started) * 1000);
  // In the grey band, a model's second opinion (inline: may move the score; background: labels the event later).
  const asked = consult(deps, state, conversation, local);
  const consulted = asked instanceof Promise ? await asked : asked;
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
    userHeader: deps.userHeader,
  });
  let decision = decide(assessment, context, policy);
  if (decision.action === 'clarify' && !decision.shadow) {
    progress.step = 'memory';
    const [asked, answers] = await Promise.all([deps.memory.clarifications(context.conversationId), earlierAnswers(deps, decision, assessment, context)]);
    if (asked > 0 || answers !== null) {
      context.clarificationsSoFar = asked;
      if (answers !== null) context.precedents = answers;
      progress.step = 'policy';
      decision = decide(assessment, context, policy);
    }
  }
  progress.background = consulted.background;
  return { conversation, assessment, context, decision, detectorMicros, secondOpinion: consulted.inline, policyHash: policyContentHash(policy) };
}

/** The user's (or tenant's) earlier answers to this request's gaps, when the norm about to ask opted into precedent and any exist. */
async function earlierAnswers(deps: PipelineDeps, decision: Decision, assessment: Assessment, context: RequestContext): Promise<Record<string, string> | null> {
  if (decision.precedent === undefined) return null;
  const key = precedentKey(decision.precedent.scope, context);
  const gaps = key === null ? null : precedentGaps(assessment);
  if (key === null || gaps === null) return null;
  const answers = await deps.precedents.answers(
    key,
    gaps.map((g) => g.kind),
  );
  return Object.keys(answers).length > 0 ? answers : null;
}

/** Logs and counts a failure; true when the policy wants it to stop the request. */
function failsClosed(deps: PipelineDeps, policy: Policy, step: Step, error: unknown): boolean {
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
  if (decision.assumed !== undefined) headers['x-clarion-precedent'] = decision.assumed.join(', ');
  if (decision.shadow) headers['x-clarion-shadow'] = 'true';
  if (deps.events.shouldRecord(decision, assessment, state.requestId)) {
    state.eventId = deps.events.newId();
    headers['x-clarion-event-id'] = deps.events.token(state.eventId);
  }
}
