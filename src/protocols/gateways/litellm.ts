/**
 * LiteLLM's Generic Guardrail API (`guardrail: generic_guardrail_api` in LiteLLM's config.yaml).
 * LiteLLM POSTs to `<api_base>/beta/litellm_basic_guardrail_api`:
 *
 *   { texts: string[], images?, tools?, tool_calls?, structured_messages?, request_data: {user_api_key_*},
 *     input_type: "request" | "response", litellm_call_id?, litellm_trace_id?,
 *     additional_provider_specific_params? }
 *
 * and reads back `{ action: "NONE" | "BLOCKED" | "GUARDRAIL_INTERVENED", blocked_reason?, texts?,
 * structured_messages? }` (docs: docs.litellm.ai/docs/adding_provider/generic_guardrail_api; code:
 * BerriAI/litellm litellm/types/proxy/guardrails/guardrail_hooks/generic_guardrail_api.py).
 *
 * Mapping: the request becomes an OpenAI chat body (`structured_messages` when LiteLLM sends them,
 * else each text as a user message). An injected instruction comes back both ways LiteLLM
 * applies a rewrite: `structured_messages` with the instruction where the chat adapter puts system
 * text (newer LiteLLM), and `texts` with the instruction appended to the last text (older LiteLLM,
 * which reads only `texts`). A reply (clarify/respond, defer) becomes BLOCKED with the reply as
 * `blocked_reason`: LiteLLM turns it into an error whose message carries the question.
 */
import { z } from 'zod';
import type { GuardrailEffect } from '../../guardrail/evaluate.js';
import type { JsonObject } from '../types.js';

export const LITELLM_GUARDRAIL_PATH = '/beta/litellm_basic_guardrail_api';

export const LiteLLMGuardrailRequestSchema = z.looseObject({
  texts: z.array(z.string()).nullish(),
  images: z.array(z.string()).nullish(),
  tools: z.array(z.looseObject({})).nullish(),
  structured_messages: z.array(z.looseObject({ role: z.string() })).nullish(),
  request_data: z.looseObject({}).nullish(),
  input_type: z.enum(['request', 'response']).default('request'),
  litellm_call_id: z.string().nullish(),
  litellm_trace_id: z.string().nullish(),
  additional_provider_specific_params: z.looseObject({}).nullish(),
});
export type LiteLLMGuardrailRequest = z.infer<typeof LiteLLMGuardrailRequestSchema>;

export interface LiteLLMGuardrailResponse {
  action: 'NONE' | 'BLOCKED' | 'GUARDRAIL_INTERVENED';
  blocked_reason?: string;
  texts?: string[];
  structured_messages?: unknown[];
}

/** The OpenAI chat body the request stands for (model from `additional_provider_specific_params.model`, else `unknown`). */
export function litellmChatBody(request: LiteLLMGuardrailRequest): JsonObject {
  const params = request.additional_provider_specific_params ?? {};
  const model = typeof params.model === 'string' && params.model !== '' ? params.model : 'unknown';
  const structured = request.structured_messages;
  const messages =
    structured !== null && structured !== undefined && structured.length > 0
      ? structured
      : (request.texts ?? []).map((text) => ({ role: 'user', content: text }));
  const body: JsonObject = { model, messages };
  if (request.tools !== null && request.tools !== undefined && request.tools.length > 0) body.tools = request.tools;
  return body;
}

/** Who the end user is, for the policy's tenant: the LiteLLM team, else the user, else the key's hash. */
export function litellmTenant(request: LiteLLMGuardrailRequest): string | null {
  const data = request.request_data ?? {};
  for (const key of ['user_api_key_team_alias', 'user_api_key_team_id', 'user_api_key_user_id', 'user_api_key_hash']) {
    const value = data[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return null;
}

export function litellmResponse(effect: GuardrailEffect, request: LiteLLMGuardrailRequest, instruction: string | null): LiteLLMGuardrailResponse {
  switch (effect.kind) {
    case 'unchanged':
      return { action: 'NONE' };
    case 'reply':
      return { action: 'BLOCKED', blocked_reason: effect.text };
    case 'rewrite': {
      // LiteLLM cannot change the model or upstream of a call; only text rewrites reach it.
      if (instruction === null) return { action: 'NONE' };
      const out: LiteLLMGuardrailResponse = { action: 'GUARDRAIL_INTERVENED' };
      const texts = request.texts ?? [];
      if (texts.length > 0) out.texts = texts.map((text, i) => (i === texts.length - 1 ? `${text}\n\n${instruction}` : text));
      const structured = request.structured_messages;
      if (structured !== null && structured !== undefined && structured.length > 0 && Array.isArray(effect.body.messages)) {
        out.structured_messages = effect.body.messages;
      }
      return out;
    }
  }
}
