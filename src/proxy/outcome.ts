/**
 * The end of every protocol request: the response Clarion writes itself (errors, clarifying
 * questions, deferrals), then the event, the metrics and the request's one log line — all after
 * the response is on its way, so none of it delays the client.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { ClarionError } from '../errors.js';
import type { RenderedBody } from '../protocols/types.js';
import type { ForwardResult } from './forward.js';
import type { Judgement, PipelineDeps, ProtocolRoute } from './pipeline.js';

/** Writes a body Clarion rendered itself (errors, clarifying questions, deferrals). */
export function writeRendered(res: ServerResponse, rendered: RenderedBody, headers: OutgoingHttpHeaders): void {
  headers['content-type'] = rendered.contentType;
  if (rendered.chunks.length === 1) {
    const body = rendered.chunks[0] ?? '';
    headers['content-length'] = Buffer.byteLength(body);
    res.writeHead(rendered.status, headers);
    res.end(body);
    return;
  }
  res.writeHead(rendered.status, headers);
  for (const chunk of rendered.chunks) res.write(chunk);
  res.end();
}

export interface Outcome {
  t0: number;
  arrived: number;
  requestId: string;
  model: string | undefined;
  upstream: string | null;
  status: number;
  judgement: Judgement | null;
  eventId: string | null;
  forwardResult: ForwardResult | null;
  overheadMs: number;
}

/** After the response: event, metrics, the request's log line. */
export function finish(deps: PipelineDeps, route: ProtocolRoute, outcome: Outcome): void {
  const totalMs = performance.now() - outcome.t0;
  const judgement = outcome.judgement;
  const action = judgement?.decision?.action ?? 'pass';
  const forwarded = outcome.forwardResult;
  if (
    outcome.eventId !== null &&
    judgement !== null &&
    judgement.assessment !== null &&
    judgement.decision !== null &&
    judgement.context !== null &&
    judgement.conversation !== null
  ) {
    deps.events.record({
      id: outcome.eventId,
      time: outcome.arrived,
      requestId: outcome.requestId,
      context: judgement.context,
      upstream: outcome.upstream,
      conversation: judgement.conversation,
      assessment: judgement.assessment,
      decision: judgement.decision,
      detectorMicros: judgement.detectorMicros,
      upstreamStatus: forwarded?.upstreamStatus ?? null,
      upstreamMs: forwarded === null ? null : Math.round(forwarded.upstreamMs * 1000) / 1000,
      errorCode: forwarded?.errorCode ?? null,
    });
  }
  const metrics = deps.metrics;
  metrics.requests.inc({ route: route.kind, status: String(outcome.status), upstream: outcome.upstream ?? 'clarion', action });
  metrics.requestSeconds.observe({ route: route.kind }, totalMs / 1000);
  metrics.overheadSeconds.observe({ route: route.kind }, outcome.overheadMs / 1000);
  deps.requestLog({
    reqId: outcome.requestId,
    route: route.path,
    model: outcome.model,
    upstream: outcome.upstream,
    status: outcome.status,
    action,
    shadow: judgement?.decision?.shadow ?? false,
    score: judgement?.assessment?.score,
    eventId: outcome.eventId,
    error: forwarded?.errorCode ?? null,
    totalMs,
    overheadMs: outcome.overheadMs,
    upstreamMs: forwarded === null ? undefined : forwarded.upstreamMs,
  });
}

export function finishWithError(
  deps: PipelineDeps,
  route: ProtocolRoute,
  res: ServerResponse,
  extra: OutgoingHttpHeaders,
  error: ClarionError,
  t0: number,
  requestId: string,
  model: string | undefined,
  judgement: Judgement | null = null,
  eventId: string | null = null,
): void {
  const rendered = route.adapter.renderError(error);
  extra['x-clarion-overhead-ms'] = (performance.now() - t0).toFixed(3);
  writeRendered(res, rendered, extra);
  finish(deps, route, {
    t0,
    arrived: Date.now(),
    requestId,
    model,
    upstream: null,
    status: rendered.status,
    judgement,
    eventId,
    forwardResult: null,
    overheadMs: performance.now() - t0,
  });
}
