/**
 * Every error response of the HTTP surfaces comes from the catalogue (src/errors.ts), rendered by
 * a protocol adapter: the route's own on the protocol routes, the API family's on pass-through,
 * the OpenAI shape on Clarion's own APIs (admin, /v1/clarion/*). Fastify's own errors (body too
 * large, unsupported media type, malformed URL...) are mapped onto catalogue codes here.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { protectIdentifier } from '../events/redact.js';
import { ClarionError, type ErrorCode } from '../errors.js';
import type { Logger } from '../ops/logger.js';
import { adapterForFamily } from '../protocols/index.js';
import type { ProtocolAdapter } from '../protocols/types.js';

/** How Clarion's own JSON APIs (admin, /v1/clarion/*) render errors: the OpenAI shape. */
export const OWN_API_ERRORS: ProtocolAdapter = adapterForFamily('openai');

const FASTIFY_ERRORS: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'CLARION_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'CLARION_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'CLARION_INVALID_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'CLARION_INVALID_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'CLARION_INVALID_JSON',
  FST_ERR_BAD_URL: 'CLARION_INVALID_REQUEST',
};

interface RaisedError {
  code?: string;
  statusCode?: number;
  message: string;
}

/** Any error a handler or fastify raised, as a catalogue error: unknown client errors are invalid requests, anything else is internal. */
export function asClarionError(error: RaisedError): ClarionError {
  if (error instanceof ClarionError) return error;
  const mapped = error.code === undefined ? undefined : FASTIFY_ERRORS[error.code];
  if (mapped !== undefined) return new ClarionError(mapped, error.message);
  const status = error.statusCode ?? 500;
  return status >= 400 && status < 500 ? new ClarionError('CLARION_INVALID_REQUEST', error.message) : new ClarionError('CLARION_INTERNAL');
}

export function sendError(reply: FastifyReply, error: ClarionError, renderer: ProtocolAdapter): FastifyReply {
  const rendered = renderer.renderError(error);
  return reply.code(rendered.status).header('content-type', rendered.contentType).send(rendered.chunks.join(''));
}

/**
 * A fastify error handler: the error from the catalogue, in the shape `rendererFor(request)`
 * speaks. Internal errors are logged with Clarion's logger (fastify's own logging is off).
 */
export function catalogueErrors(logger: Logger, rendererFor: (request: FastifyRequest) => ProtocolAdapter) {
  return (error: RaisedError, request: FastifyRequest, reply: FastifyReply): void => {
    const clarionError = asClarionError(error);
    if (clarionError.code === 'CLARION_INTERNAL') logger.error({ err: error, url: protectIdentifier(request.url) }, 'unhandled error');
    void sendError(reply, clarionError, rendererFor(request));
  };
}
