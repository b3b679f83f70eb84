/**
 * Clarion errors in each API family's error shape. The OpenAI `code` is the stable catalogue code
 * as-is (e.g. "CLARION_UPSTREAM_TIMEOUT") so clients and logs can match on it; the `type` comes from
 * the catalogue. Messages never carry a stack trace.
 */
import type { ClarionError } from '../errors.js';
import { dataFrame, eventFrame, jsonBody } from './shared.js';
import type { RenderedBody } from './types.js';

export interface OpenAIErrorObject {
  message: string;
  type: string;
  param: string | null;
  code: string;
}

export function openaiErrorObject(error: ClarionError): OpenAIErrorObject {
  return { message: error.message, type: error.spec.openaiType, param: error.param, code: error.code };
}

/** `{"error":{"message","type","param":null,"code"}}` with the error's status. */
export function renderOpenAIError(error: ClarionError): RenderedBody {
  return jsonBody(error.status, { error: openaiErrorObject(error) });
}

/** Chat Completions mid-stream error: `data: {"error":{...}}` (openai-node throws APIError on it). */
export function renderOpenAIChatStreamError(error: ClarionError): string {
  return dataFrame({ error: openaiErrorObject(error) });
}

/**
 * Responses mid-stream error. The documented event has top-level `code`/`message`/`param`; the live
 * API has been seen sending them nested under `error` instead, and clients parse one or the other
 * (openai-node throws APIError on a nested `error`, the Vercel AI SDK requires `error.code`). The
 * frame carries both so every client reports it as an error.
 */
export function renderResponsesStreamError(error: ClarionError, sequenceNumber = 0): string {
  const inner = openaiErrorObject(error);
  return eventFrame('error', {
    type: 'error',
    code: inner.code,
    message: inner.message,
    param: inner.param,
    sequence_number: sequenceNumber,
    error: inner,
  });
}

export function anthropicErrorPayload(error: ClarionError): { type: 'error'; error: { type: string; message: string } } {
  return { type: 'error', error: { type: error.spec.anthropicType, message: error.message } };
}

/** `{"type":"error","error":{"type","message"}}` with the error's status. */
export function renderAnthropicError(error: ClarionError): RenderedBody {
  return jsonBody(error.status, anthropicErrorPayload(error));
}

/** Anthropic mid-stream error: `event: error` (the SDK throws APIError with the error type). */
export function renderAnthropicStreamError(error: ClarionError): string {
  return eventFrame('error', anthropicErrorPayload(error));
}
