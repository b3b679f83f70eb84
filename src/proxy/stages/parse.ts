/**
 * Stage 1, parse: the body bytes become a JSON object. Invalid JSON or a body that is not an
 * object ends the request with a 400 in the route's protocol shape; whether the object is a
 * request shape Clarion understands is the adapter's question, asked in judge.
 */
import { ClarionError } from '../../errors.js';
import { isObject } from '../../protocols/shared.js';
import { respondWithError } from '../respond.js';
import type { ProtocolState } from '../state.js';

/** False when the request was answered with an error. */
export function parse(state: ProtocolState): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(state.raw.toString('utf8'));
  } catch (error) {
    respondWithError(state, new ClarionError('CLARION_INVALID_JSON', (error as Error).message));
    return false;
  }
  if (!isObject(parsed)) {
    respondWithError(state, new ClarionError('CLARION_INVALID_REQUEST', 'the body must be a JSON object'));
    return false;
  }
  state.body = parsed;
  state.model = typeof parsed.model === 'string' ? parsed.model : undefined;
  return true;
}
