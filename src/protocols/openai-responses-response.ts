/**
 * Reads OpenAI Responses API responses as they stream through (see ./observe.ts): the Response
 * object's id, model, output text and `usage` — from the JSON body, or from the stream's
 * `response.created`, `response.output_text.delta` and final `response.completed` (or
 * `response.incomplete` / `response.failed`) events.
 */
import { asObject, count, parseJson, type ResponseFacts, type ResponseReader } from './observe.js';

const FINAL_EVENTS: ReadonlySet<string> = new Set(['response.completed', 'response.incomplete', 'response.failed']);

function readUsage(value: unknown, facts: ResponseFacts): void {
  const usage = asObject(value);
  if (usage === undefined) return;
  const details = asObject(usage.input_tokens_details);
  facts.setUsage({
    inputTokens: count(usage.input_tokens) ?? 0,
    outputTokens: count(usage.output_tokens) ?? 0,
    cachedInputTokens: count(details?.cached_tokens) ?? 0,
  });
}

/** The text of the output's message items (output_text parts), in order. */
function outputText(output: unknown, facts: ResponseFacts): void {
  if (!Array.isArray(output)) return;
  for (const item of output) {
    const message = asObject(item);
    if (message?.type !== 'message' || !Array.isArray(message.content)) continue;
    for (const part of message.content) {
      const p = asObject(part);
      if (p?.type === 'output_text' && typeof p.text === 'string') facts.addText(p.text);
    }
  }
}

/** A Response object: id and model, and with `final` its usage (and its text if none streamed). */
function readResponse(value: unknown, facts: ResponseFacts, final: boolean): void {
  const response = asObject(value);
  if (response === undefined) return;
  if (typeof response.id === 'string') facts.id = response.id;
  if (typeof response.model === 'string') facts.model = response.model;
  if (!final) return;
  if (facts.wantsText && facts.text.length === 0) outputText(response.output, facts);
  readUsage(response.usage, facts);
}

export const openaiResponsesResponses: ResponseReader = {
  json(value, facts) {
    readResponse(value, facts, true);
  },
  frame(event, data, facts) {
    if (event === 'response.output_text.delta') {
      if (!facts.wantsText) return;
      const delta = asObject(parseJson(data))?.delta;
      if (typeof delta === 'string') facts.addText(delta);
      return;
    }
    const final = FINAL_EVENTS.has(event);
    if (!final && event !== 'response.created' && event !== '') return;
    const payload = asObject(parseJson(data));
    if (payload === undefined) return;
    // Servers that send no `event:` lines: the type is inside the payload.
    const type = event !== '' ? event : payload.type;
    if (type === 'response.output_text.delta') {
      if (typeof payload.delta === 'string') facts.addText(payload.delta);
      return;
    }
    if (type === 'response.created' || (typeof type === 'string' && FINAL_EVENTS.has(type))) {
      readResponse(payload.response, facts, type !== 'response.created');
    }
  },
};
