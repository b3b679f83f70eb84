/**
 * Remembered context: what Clarion itself proxied, kept per response id and per named
 * conversation, so a request that carries only a pointer to its earlier turns is assessed with
 * them in view instead of as a request without context.
 *
 *   recall (judge, before the detector)             remember (after the response, ./stages/remember.ts)
 *   Responses `previous_response_id`  -> r:<tenant>:<id>     <- the response's id (observed as it streamed)
 *   Responses `conversation`          -> c:<tenant>:<id>     <- that conversation's id
 *   x-clarion-conversation-id header,  -> c:<tenant>:<id>    <- the header's id
 *     request with no earlier turns
 *
 * Keys are scoped by tenant, so one tenant's turns never inform another's assessment. A miss on a
 * pointer (`previous_response_id` Clarion did not proxy, or forgot) leaves the context unknown:
 * the detector then says `context: "unknown"` and claims no gap those turns could fill. A miss on
 * the header alone changes nothing (the request may well be the conversation's first turn).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { withRememberedTurns, type Conversation, type Turn } from '../conversation.js';
import type { RememberedTurns } from '../policy/memory-store.js';
import type { PipelineDeps } from './deps.js';
import { CLARION_REQUEST_HEADERS } from './headers.js';
import { tenantOf } from './request-context.js';

export type ContextSource = 'previous_response_id' | 'conversation' | 'header';

export function responseKey(tenant: string | null, responseId: string): string {
  return `r:${tenant ?? ''}:${responseId}`;
}

export function conversationKey(tenant: string | null, conversationId: string): string {
  return `c:${tenant ?? ''}:${conversationId}`;
}

/** The app's own conversation id (`x-clarion-conversation-id`), or null. */
export function namedConversation(headers: IncomingHttpHeaders): string | null {
  const id = headers[CLARION_REQUEST_HEADERS.conversationId];
  return typeof id === 'string' && id !== '' ? id : null;
}

/** Where this request's earlier turns could be remembered, if anywhere: the key and what pointed at it. */
function lookupFor(conversation: Conversation, headers: IncomingHttpHeaders, tenant: string | null): { key: string; source: ContextSource } | null {
  const prior = conversation.priorContext;
  if (prior !== undefined) {
    return prior.kind === 'previous_response_id'
      ? { key: responseKey(tenant, prior.id), source: 'previous_response_id' }
      : { key: conversationKey(tenant, prior.id), source: 'conversation' };
  }
  const named = namedConversation(headers);
  if (named === null) return null;
  // Only a request that carries no earlier turn of its own needs them from memory.
  for (const turn of conversation.turns) if (turn.role === 'assistant') return null;
  let users = 0;
  for (const turn of conversation.turns) if (turn.role === 'user') users++;
  return users <= 1 ? { key: conversationKey(tenant, named), source: 'header' } : null;
}

function asTurns(remembered: RememberedTurns): Turn[] {
  return remembered.turns.map((turn) => ({ role: turn.role, parts: [{ type: 'text', text: turn.text }] }));
}

/**
 * The conversation with its remembered earlier turns put back when Clarion has them; unchanged
 * otherwise. Waits on the store at most `policy.memoryTimeoutMs`, and only for requests that
 * point at earlier turns.
 */
export function withRecalledContext(deps: PipelineDeps, conversation: Conversation, headers: IncomingHttpHeaders): Conversation | Promise<Conversation> {
  // Most requests point at nothing: they are answered without a promise (no microtask hop).
  if (conversation.priorContext === undefined && namedConversation(headers) === null) return conversation;
  const lookup = lookupFor(conversation, headers, tenantOf(headers, deps.tenantHeader));
  if (lookup === null) return conversation;
  return recall(deps, conversation, lookup);
}

async function recall(deps: PipelineDeps, conversation: Conversation, lookup: { key: string; source: ContextSource }): Promise<Conversation> {
  const remembered = await deps.memory.recallTurns(lookup.key);
  deps.metrics.contextMemory.inc({ source: lookup.source, result: remembered === null ? 'miss' : 'hit' });
  return remembered === null ? conversation : withRememberedTurns(conversation, asTurns(remembered));
}
