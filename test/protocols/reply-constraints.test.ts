/**
 * Each adapter reads what the app requires of the reply (the fields a clarifying question would
 * break) into `conversation.replyConstraints`, named as the wire format names them.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openaiChatAdapter } from '../../src/protocols/openai-chat.js';
import { openaiResponsesAdapter } from '../../src/protocols/openai-responses.js';
import { anthropicMessagesAdapter } from '../../src/protocols/anthropic-messages.js';

const chat = (extra: Record<string, unknown>) =>
  openaiChatAdapter.toConversation({ model: 'm', messages: [{ role: 'user', content: 'hi' }], ...extra }).replyConstraints;
const responses = (extra: Record<string, unknown>) => openaiResponsesAdapter.toConversation({ model: 'm', input: 'hi', ...extra }).replyConstraints;
const messages = (extra: Record<string, unknown>) =>
  anthropicMessagesAdapter.toConversation({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }], ...extra }).replyConstraints;

const SCHEMA = { name: 'out', schema: { type: 'object' } };

describe('OpenAI Chat Completions', () => {
  test('none: plain text, json_object, tool_choice auto/none, n 1', () => {
    assert.equal(chat({}), undefined);
    assert.equal(chat({ response_format: { type: 'json_object' }, tool_choice: 'auto', n: 1 }), undefined);
    assert.equal(chat({ tool_choice: 'none' }), undefined);
  });
  test('response_format json_schema', () => {
    assert.deepEqual(chat({ response_format: { type: 'json_schema', json_schema: SCHEMA } }), ['response_format: json_schema']);
  });
  test('tool_choice required, a named function, allowed_tools required; legacy function_call by name', () => {
    assert.deepEqual(chat({ tool_choice: 'required' }), ['tool_choice: required']);
    assert.deepEqual(chat({ tool_choice: { type: 'function', function: { name: 'get_weather' } } }), ['tool_choice: get_weather']);
    assert.deepEqual(chat({ tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'required', tools: [] } } }), ['tool_choice: allowed_tools required']);
    assert.equal(chat({ tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [] } } }), undefined);
    assert.deepEqual(chat({ function_call: { name: 'lookup' } }), ['function_call: lookup']);
    assert.equal(chat({ function_call: 'auto' }), undefined);
  });
  test('n > 1, and several constraints together', () => {
    assert.deepEqual(chat({ n: 2 }), ['n: 2']);
    assert.deepEqual(chat({ n: 3, tool_choice: 'required', response_format: { type: 'json_schema', json_schema: SCHEMA } }), [
      'response_format: json_schema',
      'tool_choice: required',
      'n: 3',
    ]);
  });
});

describe('OpenAI Responses', () => {
  test('none: plain text, json_object, tool_choice auto', () => {
    assert.equal(responses({ text: { format: { type: 'json_object' } }, tool_choice: 'auto' }), undefined);
  });
  test('text.format json_schema; tool_choice required or a named function', () => {
    assert.deepEqual(responses({ text: { format: { type: 'json_schema', ...SCHEMA } } }), ['text.format: json_schema']);
    assert.deepEqual(responses({ tool_choice: 'required' }), ['tool_choice: required']);
    assert.deepEqual(responses({ tool_choice: { type: 'function', name: 'get_weather' } }), ['tool_choice: get_weather']);
  });
});

describe('Anthropic Messages', () => {
  test('none: tool_choice auto / none', () => {
    assert.equal(messages({ tool_choice: { type: 'auto' } }), undefined);
    assert.equal(messages({ tool_choice: { type: 'none' } }), undefined);
  });
  test('tool_choice any or a named tool; output_format json_schema', () => {
    assert.deepEqual(messages({ tool_choice: { type: 'any' } }), ['tool_choice: any']);
    assert.deepEqual(messages({ tool_choice: { type: 'tool', name: 'get_weather' } }), ['tool_choice: get_weather']);
    assert.deepEqual(messages({ output_format: { type: 'json_schema', schema: { type: 'object' } } }), ['output_format: json_schema']);
  });
});
