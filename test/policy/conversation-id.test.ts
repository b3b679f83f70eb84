import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Conversation } from '../../src/conversation.js';
import { deriveConversationId } from '../../src/policy/conversation-id.js';

function conv(system: string, turns: Array<[Conversation['turns'][number]['role'], string]>, model = 'gpt-4o'): Conversation {
  return { protocol: 'openai-chat', model, system, turns: turns.map(([role, text]) => ({ role, parts: [{ type: 'text', text }] })), tools: [], stream: false };
}

test('stable across the turns of one conversation, and across models and protocols', () => {
  const turn1 = conv('You are helpful.', [['user', 'Summarize this.']]);
  const turn2 = conv(
    'You are helpful.',
    [
      ['user', 'Summarize this.'],
      ['assistant', 'What text?'],
      ['user', 'The memo below: ...'],
    ],
    'gpt-4o-mini',
  );
  const other = { ...turn2, protocol: 'anthropic-messages' as const };
  const id = deriveConversationId(turn1);
  assert.match(id, /^[0-9a-f]{32}$/);
  assert.equal(deriveConversationId(turn2), id);
  assert.equal(deriveConversationId(other), id);
});

test('differs when the system text, the first user turn or the scope differ', () => {
  const base = conv('S', [['user', 'hello']]);
  const id = deriveConversationId(base);
  assert.notEqual(deriveConversationId(conv('S2', [['user', 'hello']])), id);
  assert.notEqual(deriveConversationId(conv('S', [['user', 'hello!']])), id);
  assert.notEqual(deriveConversationId(base, 'tenant-a'), id);
  assert.equal(deriveConversationId(base, 'tenant-a'), deriveConversationId(base, 'tenant-a'));
  // Field boundaries matter: system "ab" + user "c" is not system "a" + user "bc".
  assert.notEqual(deriveConversationId(conv('ab', [['user', 'c']])), deriveConversationId(conv('a', [['user', 'bc']])));
});

test('attachments in the first turn count; a conversation without user turns still gets an id', () => {
  const text = conv('S', [['user', 'look']]);
  const withImage: Conversation = { ...text, turns: [{ role: 'user', parts: [{ type: 'text', text: 'look' }, { type: 'image' }] }] };
  assert.notEqual(deriveConversationId(withImage), deriveConversationId(text));
  assert.match(deriveConversationId(conv('only system', [])), /^[0-9a-f]{32}$/);
});
