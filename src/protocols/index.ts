/**
 * The protocol adapters by id, and each API family's adapter for rendering errors on routes that
 * are passed through without parsing (other `/v1/*` paths).
 */
import type { ProtocolId } from '../conversation.js';
import { anthropicMessagesAdapter } from './anthropic-messages.js';
import { openaiChatAdapter } from './openai-chat.js';
import { openaiResponsesAdapter } from './openai-responses.js';
import type { ApiFamily, ProtocolAdapter } from './types.js';

export { anthropicMessagesAdapter, openaiChatAdapter, openaiResponsesAdapter };
export type { ApiFamily, InstructionPlacement, JsonObject, ProtocolAdapter, RenderedBody, SyntheticReply } from './types.js';

const ADAPTERS: Record<ProtocolId, ProtocolAdapter> = {
  'openai-chat': openaiChatAdapter,
  'openai-responses': openaiResponsesAdapter,
  'anthropic-messages': anthropicMessagesAdapter,
};

export function adapterFor(protocol: ProtocolId): ProtocolAdapter {
  return ADAPTERS[protocol];
}

/** The adapter whose renderError/renderStreamError speak this family's error shape. */
export function adapterForFamily(family: ApiFamily): ProtocolAdapter {
  return family === 'anthropic' ? anthropicMessagesAdapter : openaiChatAdapter;
}
