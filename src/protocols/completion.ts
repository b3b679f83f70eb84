/**
 * A plain completion request of Clarion's own (the second opinion's judge call), in each API
 * family's wire format, and the reading of its answer: text, refusal, usage. Wire formats live here
 * so the caller (src/judge/) stays format-free.
 */
import type { ApiFamily } from './types.js';
import { anthropicMessagesResponses } from './anthropic-messages-response.js';
import { asObject, ResponseFacts, type TokenUsage } from './observe.js';
import { openaiChatResponses } from './openai-chat-response.js';

export interface CompletionRequest {
  model: string;
  system: string;
  user: string;
  maxTokens: number;
}

/** The route path (before the upstream's base path) and body of the call. */
export function completionCall(family: ApiFamily, request: CompletionRequest): { path: string; body: string } {
  if (family === 'anthropic') {
    return {
      path: '/v1/messages',
      body: JSON.stringify({
        model: request.model,
        max_tokens: request.maxTokens,
        temperature: 0,
        system: request.system,
        messages: [{ role: 'user', content: request.user }],
      }),
    };
  }
  return {
    path: '/v1/chat/completions',
    body: JSON.stringify({
      model: request.model,
      max_tokens: request.maxTokens,
      temperature: 0,
      messages: [
        { role: 'system', content: request.system },
        { role: 'user', content: request.user },
      ],
    }),
  };
}

export interface CompletionAnswer {
  text: string;
  /** The model declined (Chat `message.refusal`, Anthropic `stop_reason: "refusal"`). */
  refused: boolean;
  usage: TokenUsage | null;
}

/** Reads a JSON completion body of this family. */
export function completionAnswer(family: ApiFamily, body: unknown): CompletionAnswer {
  const facts = new ResponseFacts();
  const reader = family === 'anthropic' ? anthropicMessagesResponses : openaiChatResponses;
  reader.json(body, facts);
  const object = asObject(body);
  return { text: facts.text, refused: isRefusal(family, object), usage: facts.usage };
}

function isRefusal(family: ApiFamily, body: Record<string, unknown> | undefined): boolean {
  if (family === 'anthropic') return body?.stop_reason === 'refusal';
  const choices = body?.choices;
  const message = Array.isArray(choices) ? asObject(asObject(choices[0])?.message) : undefined;
  return typeof message?.refusal === 'string' && message.refusal !== '';
}
