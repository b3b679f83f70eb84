/**
 * Responses Clarion writes itself — errors, clarifying questions, deferrals — with the request's
 * `x-clarion-*` headers. Whichever stage answers records the outcome on the state for finish.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { ClarionError } from '../errors.js';
import type { RenderedBody } from '../protocols/types.js';
import type { RequestState } from './state.js';

/** Writes a body Clarion rendered itself. */
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

/** Answers the request with `rendered` instead of the upstream's response. */
export function respond(state: RequestState, rendered: RenderedBody): void {
  state.overheadMs = performance.now() - state.t0;
  state.replyHeaders['x-clarion-overhead-ms'] = state.overheadMs.toFixed(3);
  state.status = rendered.status;
  writeRendered(state.res, rendered, state.replyHeaders);
}

/** Answers the request with a catalogue error in the route's protocol shape. */
export function respondWithError(state: RequestState, error: ClarionError): void {
  respond(state, state.errors.renderError(error));
}
