/**
 * Stage 1, parse: the body bytes become a JSON object. Invalid JSON or a body that is not an
 * object ends the request with a 400 in the route's protocol shape; whether the object is a
 * request shape Clarion understands is the adapter's question, asked in judge.
 */
import { ClarionError } from '../../errors.js';
import { isObject } from '../../protocols/shared.js';
import type { PipelineDeps } from '../deps.js';
import { CLARION_REQUEST_HEADERS } from '../headers.js';
import { checkIdHeader, checkModel } from '../identifiers.js';
import { respondWithError } from '../respond.js';
import type { ProtocolState } from '../state.js';

/** False when the request was answered with an error. */
export function parse(deps: PipelineDeps, state: ProtocolState): boolean {
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
  const invalid = identifierError(deps, state);
  if (invalid !== null) {
    respondWithError(state, invalid);
    return false;
  }
  return true;
}

/** A client identifier too long (or, for header ids, outside the charset); header ids only count when they are trusted. */
function identifierError(deps: PipelineDeps, state: ProtocolState): ClarionError | null {
  const max = deps.limits.maxIdentifierLength;
  const model = checkModel(state.model, max);
  if (model !== null || !deps.trustClientHeaders) return model;
  return checkIdHeader(state.headers, CLARION_REQUEST_HEADERS.conversationId, max) ?? checkIdHeader(state.headers, deps.tenantHeader, max);
}
