/**
 * onRequest guards in front of Clarion's own surfaces (admin today; the console and the guardrail
 * endpoints reuse them): a bearer token, and no new work once the server is shutting down.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ClarionError } from '../errors.js';
import { OWN_API_ERRORS, sendError } from './errors.js';

export interface BearerOptions {
  /** The token, or undefined when the surface is disabled. */
  token: string | undefined;
  /** What to tell a caller when the surface is disabled, e.g. `admin API is disabled (set CLARION_ADMIN_TOKEN)`. */
  disabled: string;
}

const BEARER = /^bearer +/i;

/**
 * True when `authorization` is `Bearer <token>`: the scheme in any case (RFC 9110 §11.1), the
 * token compared in constant time (both sides hashed first, so neither length nor content leaks
 * through timing).
 */
export function bearerMatches(authorization: string | undefined, token: string): boolean {
  if (authorization === undefined || !BEARER.test(authorization)) return false;
  const given = createHash('sha256').update(authorization.replace(BEARER, '')).digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, expected);
}

/**
 * Lets through only `Authorization: Bearer <token>`. Without a configured token the surface is
 * off and answers 404.
 */
export function requireBearer(options: BearerOptions) {
  const expected = options.token;
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    if (expected === undefined) return sendError(reply, new ClarionError('CLARION_NOT_FOUND', options.disabled), OWN_API_ERRORS);
    if (!bearerMatches(request.headers.authorization, expected)) return sendError(reply, new ClarionError('CLARION_UNAUTHORIZED'), OWN_API_ERRORS);
    return undefined;
  };
}

/** Answers CLARION_SHUTTING_DOWN once the server is closing. */
export function refuseWhileClosing(closing: () => boolean) {
  return async (_request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    if (closing()) return sendError(reply.header('connection', 'close'), new ClarionError('CLARION_SHUTTING_DOWN'), OWN_API_ERRORS);
    return undefined;
  };
}
