/**
 * Stage 4, forward: picks the upstream (the one a decision named, else the routing rules), sends
 * the request with the headers that may cross the proxy, and relays the response as it arrives
 * (../relay.ts). Shared by the protocol routes and pass-through.
 *
 * Resilience: while nothing has reached the client, a connect error or a 429 / 5xx answer is
 * dropped and the request sent again — on the same upstream up to its `retries.max` (backoff, or
 * the upstream's `retry-after`), then on the routing rule's `fallbacks` in order (../retry.ts).
 * Only a body Clarion holds (protocol routes, body-less pass-through) can be sent twice; a
 * streamed pass-through body goes out once. `x-clarion-upstream` names the upstream that served.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ClarionError } from '../../errors.js';
import type { PipelineDeps } from '../deps.js';
import { upstreamRequestHeaders } from '../headers.js';
import { relay, type ForwardResult, type RetryCause } from '../relay.js';
import { respondWithError } from '../respond.js';
import { nextDelayMs, retryReason } from '../retry.js';
import { upstreamPath } from '../routing.js';
import type { RequestState } from '../state.js';
import type { Upstream } from '../upstreams.js';

export async function forward(deps: PipelineDeps, state: RequestState): Promise<void> {
  const candidates = candidatesFor(deps, state);
  if (candidates.length === 0) {
    respondWithError(state, new ClarionError('CLARION_NO_UPSTREAM', state.outUpstream ?? state.outModel ?? state.path));
    return;
  }
  const dispatchedAt = performance.now();
  if (state.streaming) deps.metrics.openStreams.inc();
  try {
    state.forwarded = await sendWithRetries(deps, state, candidates, dispatchedAt);
  } finally {
    if (state.streaming) deps.metrics.openStreams.dec();
  }
  state.status = state.forwarded.status;
  state.observed = state.forwarded.observed;
  const failure = state.forwarded.failure;
  if (failure !== null && failure !== 'aborted') deps.metrics.upstreamErrors.inc({ upstream: state.upstream ?? 'unknown', kind: failure });
}

/** Where the next attempt goes: the same upstream after `delayMs`, or the next fallback. */
interface NextAttempt {
  index: number;
  attempt: number;
  delayMs: number;
}

async function sendWithRetries(deps: PipelineDeps, state: RequestState, candidates: readonly Upstream[], dispatchedAt: number): Promise<ForwardResult> {
  const body = state.outBody;
  const replayable = body === null || typeof body === 'string' || Buffer.isBuffer(body);
  let index = 0;
  let attempt = 0;
  for (;;) {
    const upstream = candidates[index] as Upstream;
    const planned: { next: NextAttempt | null } = { next: null };
    const plan = (cause: RetryCause): boolean => {
      const delayMs = nextDelayMs(upstream.config.retries, attempt, cause);
      if (delayMs !== null) planned.next = { index, attempt: attempt + 1, delayMs };
      else if (index + 1 < candidates.length) planned.next = { index: index + 1, attempt: 0, delayMs: 0 };
      return planned.next !== null;
    };
    const result = await sendOnce(deps, state, upstream, dispatchedAt, replayable ? plan : undefined);
    const next = planned.next;
    state.trace?.upstreamEnded(result.upstreamStatus, result.errorCode, result.retry !== null);
    if (result.retry === null || next === null) return result;
    deps.metrics.upstreamRetries.inc({ upstream: upstream.config.name, reason: retryReason(result.retry) });
    if (next.index !== index) deps.metrics.upstreamFallbacks.inc({ from: upstream.config.name, to: (candidates[next.index] as Upstream).config.name });
    if (next.delayMs > 0) await sleep(next.delayMs);
    if (state.res.destroyed || state.res.closed) return { ...result, status: 499, failure: 'aborted', retry: null };
    index = next.index;
    attempt = next.attempt;
  }
}

function sendOnce(
  deps: PipelineDeps,
  state: RequestState,
  upstream: Upstream,
  dispatchedAt: number,
  retryWanted: ((cause: RetryCause) => boolean) | undefined,
): Promise<ForwardResult> {
  const { config } = upstream;
  state.upstream = config.name;
  state.replyHeaders['x-clarion-upstream'] = config.name;
  const headers = upstreamRequestHeaders({
    clientHeaders: state.headers,
    upstream: config,
    requestId: state.requestId,
    contentLength: state.outLength,
    controlHeaders: deps.controlHeaders,
  });
  // The attempt's span context replaces the client's traceparent (continued, not passed through).
  if (state.trace !== null) Object.assign(headers, state.trace.upstreamStarted({ name: config.name, baseUrl: config.baseUrl }));
  return relay({
    upstream,
    method: state.method,
    path: upstreamPath(config, upstream.basePath, state.path) + state.query,
    headers,
    body: state.outBody,
    res: state.res,
    extraHeaders: state.replyHeaders,
    errors: state.errors,
    reader: state.reader,
    keepText: state.keepText,
    onUpstreamHeaders: () => {
      state.overheadMs = dispatchedAt - state.t0;
      return state.overheadMs.toFixed(3);
    },
    ...(retryWanted === undefined ? {} : { retryWanted }),
  });
}

function candidatesFor(deps: PipelineDeps, state: RequestState): Upstream[] {
  const { router } = deps;
  const configs = state.outUpstream !== null ? [router.byName(state.outUpstream)] : router.candidates(state.kind, state.family, state.outModel);
  const out: Upstream[] = [];
  for (const config of configs) {
    const upstream = config === undefined ? undefined : deps.upstreams.get(config.name);
    if (upstream !== undefined) out.push(upstream);
  }
  return out;
}
