/**
 * Stage 5, finish: after the response is on its way — the event (when the decision is recorded),
 * the metrics, the token counters and the request's one log line. Runs for every request however
 * it ended, so it is the one place to hang anything that observes a whole request.
 */
import { NO_TOKENS, type TokenUsage } from '../../protocols/observe.js';
import type { PipelineDeps } from '../deps.js';
import type { RequestState } from '../state.js';

export function finish(deps: PipelineDeps, state: RequestState): void {
  const totalMs = performance.now() - state.t0;
  const { judgement, forwarded } = state;
  const usage = usageOf(state);
  const action = judgement?.decision.action ?? 'pass';
  if (state.eventId !== null && judgement !== null) {
    deps.events.record({
      id: state.eventId,
      time: state.arrived,
      requestId: state.requestId,
      context: judgement.context,
      upstream: state.upstream,
      conversation: judgement.conversation,
      assessment: judgement.assessment,
      decision: judgement.decision,
      detectorMicros: judgement.detectorMicros,
      upstreamStatus: forwarded?.upstreamStatus ?? null,
      upstreamMs: forwarded === null ? null : Math.round(forwarded.upstreamMs * 1000) / 1000,
      errorCode: forwarded?.errorCode ?? null,
      usage,
      responseId: state.observed?.id ?? null,
      secondOpinion: judgement.secondOpinion ?? null,
    });
  }
  const { metrics } = deps;
  metrics.requests.inc({ route: state.kind, status: String(state.status), upstream: state.upstream ?? 'clarion', action });
  metrics.requestSeconds.observe({ route: state.kind }, totalMs / 1000);
  metrics.overheadSeconds.observe({ route: state.kind }, state.overheadMs / 1000);
  if (usage !== null && state.upstream !== null) countTokens(deps, state, usage, action);
  deps.requestLog({
    reqId: state.requestId,
    route: state.path,
    // Protocol routes are always POST; pass-through lines say which method it was.
    method: state.kind === 'other' ? state.method : undefined,
    model: state.model,
    upstream: state.upstream,
    status: state.status,
    action,
    shadow: judgement?.decision.shadow ?? false,
    score: state.score,
    eventId: state.eventId,
    error: forwarded?.errorCode ?? null,
    totalMs,
    overheadMs: state.overheadMs,
    upstreamMs: forwarded?.upstreamMs,
    usage,
  });
  if (state.trace !== null) endTrace(state, usage, action);
}

/** The request span's attributes (GenAI semantic conventions and clarion.*), then the span ends. */
function endTrace(state: RequestState, usage: TokenUsage | null, action: string): void {
  const decision = state.judgement?.decision;
  state.trace?.end({
    kind: state.kind,
    method: state.method,
    path: state.path,
    family: state.family,
    status: state.status,
    requestModel: state.outModel ?? state.model,
    responseModel: state.observed?.model ?? null,
    inputTokens: usage?.inputTokens ?? null,
    outputTokens: usage?.outputTokens ?? null,
    upstream: state.upstream,
    action,
    score: state.score,
    norm: decision?.norm ?? null,
    policyVersion: decision?.policyVersion ?? String(state.replyHeaders['x-clarion-policy-version'] ?? ''),
    eventId: state.eventId,
    shadow: decision?.shadow ?? false,
    errorCode: state.forwarded?.errorCode ?? null,
  });
}

/**
 * Tokens this request consumed: what the upstream reported, zeros when Clarion answered itself
 * (no model was called), null when the upstream reported nothing (or on pass-through routes).
 */
function usageOf(state: RequestState): TokenUsage | null {
  if (state.upstream === null) return state.reader === null ? null : NO_TOKENS;
  return state.observed?.usage ?? null;
}

function countTokens(deps: PipelineDeps, state: RequestState, usage: TokenUsage, action: string): void {
  const labels = {
    upstream: state.upstream ?? 'clarion',
    // The model that answered (the upstream's name for it), else the one asked for.
    model: state.observed?.model ?? state.outModel ?? state.model ?? 'unknown',
    tenant: state.judgement?.context.tenant ?? 'none',
    action,
  };
  deps.metrics.inputTokens.inc(labels, usage.inputTokens);
  deps.metrics.outputTokens.inc(labels, usage.outputTokens);
}
