/**
 * Every other `/v1/*` route (models, embeddings, files, batches, count_tokens...): no assessment,
 * the body streams straight through to the upstream of the right API family.
 */
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { ClarionError } from '../errors.js';
import { adapterForFamily } from '../protocols/index.js';
import type { ApiFamily } from '../protocols/types.js';
import { forward } from './forward.js';
import { upstreamRequestHeaders } from './headers.js';
import { writeRendered } from './outcome.js';
import { NOT_ASSESSED, requestIdOf, type PipelineDeps } from './pipeline.js';
import { upstreamPath } from './routing.js';

/** Anthropic's own paths, or an Anthropic client (it always sends `anthropic-version`). */
export function familyOf(path: string, headers: IncomingHttpHeaders): ApiFamily {
  if (path.startsWith('/v1/messages')) return 'anthropic';
  if (headers['anthropic-version'] !== undefined) return 'anthropic';
  return 'openai';
}

export interface IncomingPassthrough {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** The raw request stream (not consumed), or null for body-less methods. */
  body: IncomingMessage | null;
  res: ServerResponse;
}

export async function handlePassthrough(deps: PipelineDeps, incoming: IncomingPassthrough): Promise<void> {
  const t0 = performance.now();
  const { headers, res } = incoming;
  const query = incoming.url.indexOf('?');
  const path = query === -1 ? incoming.url : incoming.url.slice(0, query);
  const family = familyOf(path, headers);
  const errors = adapterForFamily(family);
  const requestId = requestIdOf(headers);
  const extra: OutgoingHttpHeaders = {
    'x-request-id': requestId,
    'x-clarion-policy-version': deps.policy.current().version,
    'x-clarion-action': 'pass',
    'x-clarion-score': NOT_ASSESSED,
  };
  const upstreamConfig = deps.router.select('other', family, undefined);
  const upstream = upstreamConfig === undefined ? undefined : deps.upstreams.get(upstreamConfig.name);
  let status: number;
  let upstreamMs: number | undefined;
  let overheadMs = 0;
  if (upstream === undefined) {
    const rendered = errors.renderError(new ClarionError('CLARION_NO_UPSTREAM', path));
    extra['x-clarion-overhead-ms'] = (performance.now() - t0).toFixed(3);
    writeRendered(res, rendered, extra);
    status = rendered.status;
  } else {
    const sendHeaders = upstreamRequestHeaders({
      clientHeaders: headers,
      upstream: upstream.config,
      requestId,
      contentLength: undefined,
      controlHeaders: deps.controlHeaders,
    });
    const dispatchedAt = performance.now();
    const result = await forward({
      upstream,
      method: incoming.method,
      path: upstreamPath(upstream.config, upstream.basePath, path) + (query === -1 ? '' : incoming.url.slice(query)),
      headers: sendHeaders,
      body: incoming.body,
      res,
      extraHeaders: extra,
      errors,
      onUpstreamHeaders: () => {
        overheadMs = dispatchedAt - t0;
        return overheadMs.toFixed(3);
      },
    });
    if (result.failure !== null && result.failure !== 'aborted') deps.metrics.upstreamErrors.inc({ upstream: upstream.config.name, kind: result.failure });
    status = result.status;
    upstreamMs = result.upstreamMs;
  }
  const totalMs = performance.now() - t0;
  deps.metrics.requests.inc({ route: 'other', status: String(status), upstream: upstream?.config.name ?? 'clarion', action: 'pass' });
  deps.metrics.requestSeconds.observe({ route: 'other' }, totalMs / 1000);
  deps.metrics.overheadSeconds.observe({ route: 'other' }, overheadMs / 1000);
  deps.requestLog({
    reqId: requestId,
    route: path,
    method: incoming.method,
    model: undefined,
    upstream: upstream?.config.name ?? null,
    status,
    action: 'pass',
    shadow: false,
    score: undefined,
    eventId: null,
    error: null,
    totalMs,
    overheadMs,
    upstreamMs,
  });
}
