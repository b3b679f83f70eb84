/**
 * Portkey's webhook guardrail ("Bring Your Own Guardrail"). Portkey POSTs
 *
 *   { request: { json, text, isStreamingRequest, isTransformed? }, response: { json, text, statusCode },
 *     provider, requestType, metadata, eventType: "beforeRequestHook" | "afterRequestHook" }
 *
 * and reads back `{ verdict: boolean, data?: any, transformedData?: { request?: { json } } }`; a
 * transformed request replaces the whole body (docs:
 * portkey.ai/docs/integrations/guardrails/bring-your-own-guardrails).
 *
 * Mapping: `request.json` is read with the adapter of its shape (Messages for `requestType:
 * messages` or an Anthropic provider, Responses for a body with `input` and no `messages`, else
 * Chat). A rewrite (annotate, clarify/instruct, escalate) is `verdict: true` with the new body in
 * `transformedData.request.json`; a reply (clarify/respond, defer) is `verdict: false` with the
 * question in `data.reply`, which fails the check so the guardrail's actions (deny...) apply.
 */
import { z } from 'zod';
import type { ProtocolId } from '../../conversation.js';
import type { GuardrailEffect } from '../../guardrail/evaluate.js';
import type { JsonObject } from '../types.js';

export const PortkeyWebhookRequestSchema = z.looseObject({
  request: z.looseObject({
    json: z.looseObject({}).nullish(),
    text: z.string().nullish(),
    isStreamingRequest: z.boolean().nullish(),
  }),
  response: z.looseObject({}).nullish(),
  provider: z.string().nullish(),
  requestType: z.string().nullish(),
  metadata: z.looseObject({}).nullish(),
  eventType: z.enum(['beforeRequestHook', 'afterRequestHook']).default('beforeRequestHook'),
});
export type PortkeyWebhookRequest = z.infer<typeof PortkeyWebhookRequestSchema>;

export interface PortkeyWebhookResponse {
  verdict: boolean;
  data?: JsonObject;
  transformedData?: { request: { json: JsonObject } };
}

export function portkeyProtocol(request: PortkeyWebhookRequest, body: JsonObject): ProtocolId {
  if (request.requestType === 'messages') return 'anthropic-messages';
  if (!Array.isArray(body.messages) && body.input !== undefined) return 'openai-responses';
  if (request.provider === 'anthropic' && request.requestType !== 'chatComplete') return 'anthropic-messages';
  return 'openai-chat';
}

/** The end user, for the policy's tenant: `tenant` or `_user` from Portkey's metadata. */
export function portkeyTenant(request: PortkeyWebhookRequest): string | null {
  const metadata = request.metadata ?? {};
  for (const key of ['tenant', '_user']) {
    const value = metadata[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return null;
}

export function portkeyResponse(effect: GuardrailEffect, data: JsonObject): PortkeyWebhookResponse {
  switch (effect.kind) {
    case 'unchanged':
      return { verdict: true, data };
    case 'reply':
      return { verdict: false, data: { ...data, reply: effect.text } };
    case 'rewrite':
      return { verdict: true, data, transformedData: { request: { json: effect.body } } };
  }
}
