/**
 * Client-supplied identifiers, checked where they enter: the body's `model` and the conversation
 * id and tenant headers. Each is bounded in length (`limits.maxIdentifierLength`) and the header
 * ids in charset, so no later step — a policy glob, a Redis key, a log line, a rollup field —
 * ever sees a megabyte of text or a control character from a client.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { ClarionError } from '../errors.js';

/** Printable ASCII without spaces: what ids from real clients look like (UUIDs, slugs, base64). */
const ID_CHARSET = /^[\x21-\x7e]+$/;

export function invalidIdentifier(param: string, reason: string): ClarionError {
  return new ClarionError('CLARION_INVALID_REQUEST', `"${param}" ${reason}`, { param });
}

/** The error for a `model` longer than `maxLength`, else null. */
export function checkModel(model: string | undefined, maxLength: number): ClarionError | null {
  if (model !== undefined && model.length > maxLength) return invalidIdentifier('model', `is longer than ${maxLength} characters`);
  return null;
}

/** The error for an id header present but too long or outside the charset, else null. */
export function checkIdHeader(headers: IncomingHttpHeaders, name: string, maxLength: number): ClarionError | null {
  const value = headers[name];
  if (value === undefined) return null;
  if (typeof value !== 'string') return invalidIdentifier(name, 'must be sent once');
  if (value.length > maxLength) return invalidIdentifier(name, `is longer than ${maxLength} characters`);
  if (value !== '' && !ID_CHARSET.test(value)) return invalidIdentifier(name, 'must be printable ASCII without spaces');
  return null;
}
