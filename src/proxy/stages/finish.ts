/**
 * Stage 5, finish: after the response is on its way — the event (when the decision is recorded),
 * the metrics and the request's one log line. Runs for every request however it ended, so it is
 * the one place to hang anything that observes a whole request.
 */
import type { PipelineDeps } from '../deps.js';
import type { RequestState } from '../state.js';

export function finish(deps: PipelineDeps, state: RequestState): void {
  const totalMs = performance.now() - state.t0;
  const { judgement, forwarded } = state;
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
      policyHash: judgement.policyHash,
      upstreamStatus: forwarded?.upstreamStatus ?? null,
      upstreamMs: forwarded === null ? null : Math.round(forwarded.upstreamMs * 1000) / 1000,
      errorCode: forwarded?.errorCode ?? null,
    });
  }
  const action = judgement?.decision.action ?? 'pass';
  const { metrics } = deps;
  metrics.requests.inc({ route: state.kind, status: String(state.status), upstream: state.upstream ?? 'clarion', action });
  metrics.requestSeconds.observe({ route: state.kind }, totalMs / 1000);
  metrics.overheadSeconds.observe({ route: state.kind }, state.overheadMs / 1000);
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
  });
}
