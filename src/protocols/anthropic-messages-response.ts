/**
 * Reads Anthropic Messages responses as they stream through (see ./observe.ts): the message id,
 * model, text blocks and `usage` — from the JSON body, or from the stream's `message_start`
 * (id, model, input tokens), `content_block_delta` text deltas and `message_delta` (the final,
 * cumulative output tokens).
 */
import { asObject, count, parseJson, type ResponseFacts, type ResponseReader } from './observe.js';

/** Input tokens are the sum of uncached, cache-written and cache-read tokens; output as reported. */
function readUsage(value: unknown, facts: ResponseFacts): void {
  const usage = asObject(value);
  if (usage === undefined) return;
  const uncached = count(usage.input_tokens);
  const written = count(usage.cache_creation_input_tokens) ?? 0;
  const read = count(usage.cache_read_input_tokens) ?? 0;
  facts.setUsage({
    // message_delta may carry only output_tokens: the input counts from message_start stay.
    ...(uncached === undefined ? {} : { inputTokens: uncached + written + read, cachedInputTokens: read }),
    ...(count(usage.output_tokens) === undefined ? {} : { outputTokens: count(usage.output_tokens) }),
  });
}

function readMessage(value: unknown, facts: ResponseFacts): void {
  const message = asObject(value);
  if (message === undefined) return;
  if (typeof message.id === 'string') facts.id = message.id;
  if (typeof message.model === 'string') facts.model = message.model;
  if (Array.isArray(message.content)) {
    for (const block of message.content) {
      const b = asObject(block);
      if (b?.type === 'text' && typeof b.text === 'string') facts.addText(b.text);
    }
  }
  readUsage(message.usage, facts);
}

export const anthropicMessagesResponses: ResponseReader = {
  json(value, facts) {
    readMessage(value, facts);
  },
  frame(event, data, facts) {
    switch (event) {
      case 'message_start':
        readMessage(asObject(parseJson(data))?.message, facts);
        return;
      case 'content_block_delta': {
        if (!facts.wantsText) return;
        const delta = asObject(asObject(parseJson(data))?.delta);
        if (delta?.type === 'text_delta' && typeof delta.text === 'string') facts.addText(delta.text);
        return;
      }
      case 'message_delta':
        readUsage(asObject(parseJson(data))?.usage, facts);
        return;
      default:
        return;
    }
  },
};
