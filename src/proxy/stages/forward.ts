/**
 * Stage 4, forward: picks the upstream (the one a decision named, else the routing rules), sends
 * the request with the headers that may cross the proxy, and relays the response as it arrives
 * (../relay.ts). Shared by the protocol routes and pass-through.
 */
import { ClarionError } from '../../errors.js';
import type { PipelineDeps } from '../deps.js';
import { upstreamRequestHeaders } from '../headers.js';
import { relay } from '../relay.js';
import { respondWithError } from '../respond.js';
import { upstreamPath } from '../routing.js';
import type { RequestState } from '../state.js';
import type { Upstream } from '../upstreams.js';

export async function forward(deps: PipelineDeps, state: RequestState): Promise<void> {
  const upstream = upstreamFor(deps, state);
  if (upstream === undefined) {
    respondWithError(state, new ClarionError('CLARION_NO_UPSTREAM', state.outUpstream ?? state.outModel ?? state.path));
    return;
  }
  const { config } = upstream;
  state.upstream = config.name;
  const headers = upstreamRequestHeaders({
    clientHeaders: state.headers,
    upstream: config,
    requestId: state.requestId,
    contentLength: state.outLength,
    controlHeaders: deps.controlHeaders,
  });
  const dispatchedAt = performance.now();
  if (state.streaming) deps.metrics.openStreams.inc();
  try {
    state.forwarded = await relay({
      upstream,
      method: state.method,
      path: upstreamPath(config, upstream.basePath, state.path) + state.query,
      headers,
      body: state.outBody,
      res: state.res,
      extraHeaders: state.replyHeaders,
      errors: state.errors,
      reader: state.reader,
      onUpstreamHeaders: () => {
        state.overheadMs = dispatchedAt - state.t0;
        return state.overheadMs.toFixed(3);
      },
    });
  } finally {
    if (state.streaming) deps.metrics.openStreams.dec();
  }
  state.status = state.forwarded.status;
  state.observed = state.forwarded.observed;
  const failure = state.forwarded.failure;
  if (failure !== null && failure !== 'aborted') deps.metrics.upstreamErrors.inc({ upstream: config.name, kind: failure });
}

function upstreamFor(deps: PipelineDeps, state: RequestState): Upstream | undefined {
  const { router } = deps;
  const config = state.outUpstream !== null ? router.byName(state.outUpstream) : router.select(state.kind, state.family, state.outModel);
  return config === undefined ? undefined : deps.upstreams.get(config.name);
}
