import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { anthropicMessagesAdapter as messages } from '../../src/protocols/anthropic-messages.js';
import { ClarionError } from '../../src/errors.js';
import { lastUserTurn, turnText } from '../../src/conversation.js';
import type { JsonObject } from '../../src/protocols/types.js';

const cachedSystem = [
  { type: 'text', text: 'You are a contracts lawyer.' },
  { type: 'text', text: 'Long policy document...', cache_control: { type: 'ephemeral' } },
];

const realistic: JsonObject = {
  model: 'claude-sonnet-4-5',
  max_tokens: 1024,
  system: cachedSystem,
  messages: [
    {
      role: 'user',
      content: [
        { type: 'document', title: 'lease.pdf', source: { type: 'base64', media_type: 'application/pdf', data: 'AAAA' } },
        { type: 'text', text: 'Is clause 4 enforceable?' },
      ],
    },
    {
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: '...', signature: 'x' },
        { type: 'text', text: 'Let me look it up.' },
        { type: 'tool_use', id: 'toolu_1', name: 'search_law', input: { query: 'clause 4' } },
      ],
    },
    {
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'Statute 12 applies.' }] }],
    },
    { role: 'assistant', content: 'It depends on the state.' },
    {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_2', content: 'ok' },
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
        { type: 'text', text: 'What about this one?' },
      ],
    },
  ],
  tools: [
    { name: 'search_law', description: 'Search statutes', input_schema: { type: 'object' } },
    { type: 'web_search_20250305', name: 'web_search', max_uses: 3 },
  ],
};

describe('anthropic-messages toConversation', () => {
  test('maps system blocks, documents, tool_use, tool_result (as tool turns), images and tools', () => {
    const conversation = messages.toConversation(realistic);
    assert.equal(conversation.protocol, 'anthropic-messages');
    assert.equal(conversation.model, 'claude-sonnet-4-5');
    assert.equal(conversation.stream, false);
    assert.equal(conversation.system, 'You are a contracts lawyer.\n\nLong policy document...');
    assert.deepEqual(
      conversation.turns.map((t) => t.role),
      ['user', 'assistant', 'tool', 'assistant', 'tool', 'user'],
    );
    assert.deepEqual(conversation.turns[0]?.parts, [
      { type: 'file', name: 'lease.pdf' },
      { type: 'text', text: 'Is clause 4 enforceable?' },
    ]);
    assert.equal(turnText(conversation.turns[1]!), 'Let me look it up.');
    assert.deepEqual(conversation.turns[1]?.toolCalls, [{ name: 'search_law', arguments: '{"query":"clause 4"}' }]);
    assert.equal(turnText(conversation.turns[2]!), 'Statute 12 applies.');
    assert.equal(turnText(conversation.turns[4]!), 'ok');
    // the last user turn is the user's words, not the tool result riding in the same message
    assert.deepEqual(lastUserTurn(conversation)?.parts, [{ type: 'image' }, { type: 'text', text: 'What about this one?' }]);
    assert.deepEqual(conversation.tools, [{ name: 'search_law', description: 'Search statutes', parameters: { type: 'object' } }, { name: 'web_search' }]);
  });

  test('string system and string content', () => {
    const conversation = messages.toConversation({
      model: 'claude',
      system: 'Be brief.',
      stream: true,
      messages: [{ role: 'user', content: 'Hello' }],
    });
    assert.equal(conversation.system, 'Be brief.');
    assert.equal(conversation.stream, true);
    assert.deepEqual(conversation.turns, [{ role: 'user', parts: [{ type: 'text', text: 'Hello' }] }]);
  });

  const bad: Array<[string, JsonObject, RegExp]> = [
    ['model missing', { messages: [] }, /"model" must be a string/],
    ['messages missing', { model: 'c' }, /"messages" must be an array/],
    ['role system in messages', { model: 'c', messages: [{ role: 'system', content: 'x' }] }, /role" must be "user" or "assistant"/],
    ['content a number', { model: 'c', messages: [{ role: 'user', content: 5 }] }, /content" must be a string or an array/],
    ['system a number', { model: 'c', system: 5, messages: [] }, /"system" must be a string or an array/],
    ['system block without text', { model: 'c', system: [{ type: 'text' }], messages: [] }, /"system\[0\]\.text"/],
    ['block not an object', { model: 'c', messages: [{ role: 'user', content: ['x'] }] }, /content\[0\]" must be an object/],
    ['tool_use without name', { model: 'c', messages: [{ role: 'assistant', content: [{ type: 'tool_use', input: {} }] }] }, /\.name/],
  ];
  for (const [name, body, message] of bad) {
    test(`rejects a body with ${name}`, () => {
      assert.throws(
        () => messages.toConversation(body),
        (error: unknown) => error instanceof ClarionError && error.code === 'CLARION_INVALID_REQUEST' && message.test(error.message),
      );
    });
  }
});

describe('anthropic-messages injectInstruction', () => {
  test('system blocks: a new text block at the end, existing blocks (and cache_control) untouched', () => {
    const snapshot = structuredClone(realistic);
    const out = messages.injectInstruction(realistic, 'Ask first.', 'append');
    const system = out.system as JsonObject[];
    assert.equal(system.length, 3);
    assert.equal(system[0], cachedSystem[0]);
    assert.equal(system[1], cachedSystem[1]);
    assert.deepEqual(system[1]?.cache_control, { type: 'ephemeral' });
    assert.deepEqual(system[2], { type: 'text', text: 'Ask first.' });
    assert.deepEqual(realistic, snapshot);
    const prepended = messages.injectInstruction(realistic, 'Ask first.', 'prepend').system as JsonObject[];
    assert.deepEqual(prepended[0], { type: 'text', text: 'Ask first.' });
    assert.equal(prepended.length, 3);
  });

  test('system string: joined with a blank line; absent: the instruction', () => {
    const body: JsonObject = { model: 'c', system: 'Be brief.', messages: [] };
    assert.equal(messages.injectInstruction(body, 'Ask first.', 'append').system, 'Be brief.\n\nAsk first.');
    assert.equal(messages.injectInstruction(body, 'Ask first.', 'prepend').system, 'Ask first.\n\nBe brief.');
    assert.equal(body.system, 'Be brief.');
    assert.equal(messages.injectInstruction({ model: 'c', messages: [] }, 'Ask first.', 'append').system, 'Ask first.');
  });
});

function events(frames: string[]): Array<{ event: string; data: JsonObject }> {
  return frames.map((frame) => {
    const match = /^event: (.+)\ndata: (.+)\n\n$/s.exec(frame);
    assert.ok(match, `not an SSE event frame: ${frame}`);
    return { event: match[1]!, data: JSON.parse(match[2]!) as JsonObject };
  });
}

describe('anthropic-messages rendering', () => {
  test('renderReply JSON: a message with one text block', () => {
    const rendered = messages.renderReply({ text: 'Which clause?', model: 'claude-sonnet-4-5', stream: false }, realistic);
    assert.equal(rendered.status, 200);
    assert.equal(rendered.contentType, 'application/json');
    const body = JSON.parse(rendered.chunks[0]!) as JsonObject;
    assert.match(String(body.id), /^msg_clarion[0-9a-f]+$/);
    assert.equal(body.type, 'message');
    assert.equal(body.role, 'assistant');
    assert.equal(body.model, 'claude-sonnet-4-5');
    assert.deepEqual(body.content, [{ type: 'text', text: 'Which clause?' }]);
    assert.equal(body.stop_reason, 'end_turn');
    assert.equal(body.stop_sequence, null);
    // No model was called: every count is zero (docs/policy.md, Clarion's own replies).
    assert.deepEqual(body.usage, { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0, service_tier: 'standard' });
  });

  test('renderReply SSE: the Messages event sequence', () => {
    const rendered = messages.renderReply({ text: 'Which clause?', model: 'c', stream: true }, realistic);
    assert.equal(rendered.contentType, 'text/event-stream');
    const parsed = events(rendered.chunks);
    assert.deepEqual(
      parsed.map((e) => e.event),
      ['message_start', 'content_block_start', 'ping', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop'],
    );
    for (const e of parsed) assert.equal(e.data.type, e.event);
    assert.deepEqual(parsed[3]?.data.delta, { type: 'text_delta', text: 'Which clause?' });
    assert.deepEqual(parsed[5]?.data.delta, { stop_reason: 'end_turn', stop_sequence: null });
    assert.deepEqual(parsed[5]?.data.usage, { output_tokens: 0 });
    assert.equal(((parsed[0]?.data.message as JsonObject).usage as JsonObject).input_tokens, 0);
    assert.deepEqual((parsed[0]?.data.message as JsonObject).content, []);
  });

  test('renderError and renderStreamError: Anthropic shape with the catalogue type', () => {
    const error = new ClarionError('CLARION_SHUTTING_DOWN');
    const rendered = messages.renderError(error);
    assert.equal(rendered.status, 503);
    assert.deepEqual(JSON.parse(rendered.chunks[0]!), {
      type: 'error',
      error: { type: 'overloaded_error', message: 'Clarion is shutting down' },
    });
    const [frame] = events([messages.renderStreamError(error)]);
    assert.equal(frame?.event, 'error');
    assert.deepEqual(frame?.data, { type: 'error', error: { type: 'overloaded_error', message: 'Clarion is shutting down' } });
  });
});
