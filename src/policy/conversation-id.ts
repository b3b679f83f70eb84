/**
 * A conversation id for apps that do not send `x-clarion-conversation-id`.
 *
 * Chat APIs are stateless: every turn resends the conversation so far. What stays the same from
 * one turn to the next is its beginning — the system text and the first user turn — so the id is
 * a hash of exactly those. Deliberately left out: the model (apps switch models mid-conversation,
 * and escalation changes it), the protocol, and later turns (they change every turn).
 *
 * Limitation (documented in docs/policy.md): two conversations that start identically (same
 * system text, same first message, e.g. "hi") share an id, so a clarification in one counts
 * against the other. That errs on the side of asking less. Pass `scope` (e.g. the tenant) to keep
 * tenants apart, and have apps send the header where it matters.
 */
import { createHash } from 'node:crypto';
import type { Conversation, Part } from '../conversation.js';

function partKey(part: Part): string {
  switch (part.type) {
    case 'text':
      return `t:${part.text}`;
    case 'file':
      return `f:${part.name ?? ''}`;
    case 'image':
    case 'audio':
      return part.type;
  }
}

/** 32 hex characters (128 bits of SHA-256), stable across the turns of one conversation. */
export function deriveConversationId(conversation: Conversation, scope = ''): string {
  const hash = createHash('sha256');
  hash.update('clarion-conversation-v1\u0000');
  hash.update(scope);
  hash.update('\u0000');
  hash.update(conversation.system);
  hash.update('\u0000');
  const first = conversation.turns.find((turn) => turn.role === 'user');
  if (first !== undefined) {
    for (const part of first.parts) {
      hash.update(partKey(part));
      hash.update('\u0001');
    }
  }
  return hash.digest('hex').slice(0, 32);
}
