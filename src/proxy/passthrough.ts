/**
 * Every other `/v1/*` route (models, embeddings, files, batches, count_tokens...): no assessment;
 * the body streams straight through to the upstream of the right API family. The same forward and
 * finish stages as the protocol routes, without parse, judge and apply.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { ClarionError } from '../errors.js';
import { adapterForFamily } from '../protocols/index.js';
import type { ApiFamily } from '../protocols/types.js';
import type { PipelineDeps } from './deps.js';
import { hasUnsafeSegment } from './path-safety.js';
import { respondWithError } from './respond.js';
import { finish } from './stages/finish.js';
import { forward } from './stages/forward.js';
import { newRequestState } from './state.js';

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
  const family = familyOf(incoming.url, incoming.headers);
  const state = newRequestState(deps, {
    kind: 'other',
    method: incoming.method,
    url: incoming.url,
    headers: incoming.headers,
    res: incoming.res,
    family,
    errors: adapterForFamily(family),
  });
  if (state.path === '/v1/clarion' || state.path.startsWith('/v1/clarion/')) {
    // Clarion's own API: a method or path it does not serve is not the upstream's to answer.
    incoming.body?.resume();
    respondWithError(state, new ClarionError('CLARION_NOT_FOUND', `${state.method} ${state.path}`));
  } else if (hasUnsafeSegment(state.path)) {
    // Dot-segments or hidden separators: the upstream could resolve the path to an assessed
    // route or outside its base path. Refused, never normalised into something routable.
    incoming.body?.resume();
    respondWithError(state, new ClarionError('CLARION_INVALID_REQUEST', 'the path contains a dot-segment or an encoded separator'));
  } else {
    state.outBody = incoming.body;
    await forward(deps, state);
  }
  finish(deps, state);
}
