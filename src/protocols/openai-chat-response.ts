/**
 * Reads OpenAI Chat Completions responses as they stream through (see ./observe.ts): the id and
 * model of the completion, the text of choice 0, and `usage` — in the JSON body, or in the last
 * chunk of a stream that asked for it (`stream_options.include_usage`).
 */
import { asObject, count, parseJson, type ResponseFacts, type ResponseReader } from './observe.js';

/** A chunk that carries a usage object (not `"usage":null`): parsed even after the text bound. */
const HAS_USAGE = /"usage"\s*:\s*\{/;

function readUsage(value: unknown, facts: ResponseFacts): void {
  const usage = asObject(value);
  if (usage === undefined) return;
  const details = asObject(usage.prompt_tokens_details);
  facts.setUsage({
    inputTokens: count(usage.prompt_tokens) ?? 0,
    outputTokens: count(usage.completion_tokens) ?? 0,
    cachedInputTokens: count(details?.cached_tokens) ?? 0,
  });
}

function readHead(body: Record<string, unknown>, facts: ResponseFacts): void {
  if (facts.id === null && typeof body.id === 'string') facts.id = body.id;
  if (facts.model === null && typeof body.model === 'string') facts.model = body.model;
}

/** Choice 0 (the one an app with n=1 shows). */
function firstChoice(body: Record<string, unknown>): Record<string, unknown> | undefined {
  const choices = body.choices;
  if (!Array.isArray(choices)) return undefined;
  for (const choice of choices) {
    const c = asObject(choice);
    if (c !== undefined && (c.index === 0 || c.index === undefined)) return c;
  }
  return undefined;
}

export const openaiChatResponses: ResponseReader = {
  json(value, facts) {
    const body = asObject(value);
    if (body === undefined) return;
    readHead(body, facts);
    if (facts.wantsText) {
      const content = asObject(firstChoice(body)?.message)?.content;
      if (typeof content === 'string') facts.addText(content);
    }
    readUsage(body.usage, facts);
  },
  frame(_event, data, facts) {
    if (facts.id !== null && !facts.wantsText && !HAS_USAGE.test(data)) return;
    if (data === '[DONE]') return;
    const chunk = asObject(parseJson(data));
    if (chunk === undefined) return;
    readHead(chunk, facts);
    const content = asObject(firstChoice(chunk)?.delta)?.content;
    if (typeof content === 'string') facts.addText(content);
    if (chunk.usage !== null && chunk.usage !== undefined) readUsage(chunk.usage, facts);
  },
};
