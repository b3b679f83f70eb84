import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openaiResponsesAdapter as responses } from '../../src/protocols/openai-responses.js';
import { ClarionError } from '../../src/errors.js';
import { lastUserTurn, turnText } from '../../src/conversation.js';
import type { JsonObject } from '../../src/protocols/types.js';
import { RESPONSES_TEXT_STREAM_EVENTS } from '../helpers/wire.js';

const realistic: JsonObject = {
  model: 'gpt-4.1',
  instructions: 'You are a support agent.',
  stream: true,
  input: [
    { role: 'developer', content: 'Answer in English.' },
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'My order is late' }] },
    { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Let me check.', annotations: [] }] },
    { type: 'function_call', call_id: 'call_1', name: 'lookup_order', arguments: '{"id":42}' },
    { type: 'function_call_output', call_id: 'call_1', output: '{"status":"shipped"}' },
    { type: 'reasoning', id: 'rs_1', summary: [] },
    {
      role: 'user',
      content: [
        { type: 'input_text', text: 'Can you refund it?' },
        { type: 'input_image', image_url: 'https://example.com/receipt.png' },
        { type: 'input_file', filename: 'receipt.pdf', file_data: 'AAAA' },
      ],
    },
  ],
  tools: [{ type: 'function', name: 'lookup_order', description: 'Find an order', parameters: { type: 'object' } }, { type: 'web_search' }],
};

describe('openai-responses toConversation', () => {
  test('maps instructions, system-like input messages, items, parts and tools', () => {
    const conversation = responses.toConversation(realistic);
    assert.equal(conversation.protocol, 'openai-responses');
    assert.equal(conversation.model, 'gpt-4.1');
    assert.equal(conversation.stream, true);
    assert.equal(conversation.system, 'You are a support agent.\n\nAnswer in English.');
    assert.deepEqual(
      conversation.turns.map((t) => t.role),
      ['user', 'assistant', 'tool', 'user'],
    );
    // the function_call joins the assistant turn before it
    assert.equal(turnText(conversation.turns[1]!), 'Let me check.');
    assert.deepEqual(conversation.turns[1]?.toolCalls, [{ name: 'lookup_order', arguments: '{"id":42}' }]);
    assert.equal(turnText(conversation.turns[2]!), '{"status":"shipped"}');
    assert.deepEqual(lastUserTurn(conversation)?.parts, [
      { type: 'text', text: 'Can you refund it?' },
      { type: 'image' },
      { type: 'file', name: 'receipt.pdf' },
    ]);
    assert.deepEqual(conversation.tools, [{ name: 'lookup_order', description: 'Find an order', parameters: { type: 'object' } }, { name: 'web_search' }]);
  });

  test('string input is one user turn; a function_call with no assistant text makes its own turn', () => {
    const simple = responses.toConversation({ model: 'm', input: 'Summarise this' });
    assert.deepEqual(simple.turns, [{ role: 'user', parts: [{ type: 'text', text: 'Summarise this' }] }]);
    assert.equal(simple.system, '');
    const calls = responses.toConversation({
      model: 'm',
      input: [
        { role: 'user', content: 'go' },
        { type: 'function_call', call_id: 'a', name: 'f', arguments: '{}' },
        { type: 'function_call', call_id: 'b', name: 'g', arguments: '{}' },
      ],
    });
    assert.deepEqual(calls.turns[1], {
      role: 'assistant',
      parts: [],
      toolCalls: [
        { name: 'f', arguments: '{}' },
        { name: 'g', arguments: '{}' },
      ],
    });
  });

  const bad: Array<[string, JsonObject, RegExp]> = [
    ['model a number', { model: 4, input: 'x' }, /"model" must be a string/],
    ['input missing', { model: 'm' }, /"input" must be a string or an array/],
    ['input item not an object', { model: 'm', input: [1] }, /"input\[0\]" must be an object/],
    ['message without role', { model: 'm', input: [{ type: 'message', content: 'x' }] }, /"input\[0\]\.role"/],
    ['instructions an array', { model: 'm', input: 'x', instructions: ['a'] }, /"instructions" must be a string/],
    ['content a number', { model: 'm', input: [{ role: 'user', content: 1 }] }, /input\[0\]\.content/],
    ['function_call without name', { model: 'm', input: [{ type: 'function_call', arguments: '{}' }] }, /input\[0\]\.name/],
    ['tool without type', { model: 'm', input: 'x', tools: [{ name: 'f' }] }, /tools\[0\]\.type/],
  ];
  for (const [name, body, message] of bad) {
    test(`rejects a body with ${name}`, () => {
      assert.throws(
        () => responses.toConversation(body),
        (error: unknown) => error instanceof ClarionError && error.code === 'CLARION_INVALID_REQUEST' && message.test(error.message),
      );
    });
  }
});

describe('openai-responses injectInstruction', () => {
  test('append / prepend around existing instructions, never mutating the input', () => {
    const body: JsonObject = { model: 'm', instructions: 'Be kind.', input: 'hi' };
    const snapshot = structuredClone(body);
    assert.equal(responses.injectInstruction(body, 'Ask first.', 'append').instructions, 'Be kind.\n\nAsk first.');
    assert.equal(responses.injectInstruction(body, 'Ask first.', 'prepend').instructions, 'Ask first.\n\nBe kind.');
    assert.deepEqual(body, snapshot);
  });

  test('absent or null instructions become the instruction', () => {
    assert.equal(responses.injectInstruction({ model: 'm', input: 'x' }, 'Ask first.', 'append').instructions, 'Ask first.');
    assert.equal(responses.injectInstruction({ model: 'm', input: 'x', instructions: null }, 'Ask first.', 'prepend').instructions, 'Ask first.');
  });
});

function events(frames: string[]): Array<{ event: string; data: JsonObject }> {
  return frames.map((frame) => {
    const match = /^event: (.+)\ndata: (.+)\n\n$/s.exec(frame);
    assert.ok(match, `not an SSE event frame: ${frame}`);
    return { event: match[1]!, data: JSON.parse(match[2]!) as JsonObject };
  });
}

describe('openai-responses rendering', () => {
  test('renderReply JSON: a completed response with one output_text message', () => {
    const rendered = responses.renderReply({ text: 'Which order?', model: 'gpt-4.1', stream: false }, realistic);
    assert.equal(rendered.status, 200);
    assert.equal(rendered.contentType, 'application/json');
    const body = JSON.parse(rendered.chunks[0]!) as JsonObject;
    assert.match(String(body.id), /^resp_clarion[0-9a-f]+$/);
    assert.equal(body.object, 'response');
    assert.equal(body.status, 'completed');
    assert.equal(body.model, 'gpt-4.1');
    assert.equal(body.instructions, 'You are a support agent.');
    assert.equal(typeof body.created_at, 'number');
    const output = body.output as JsonObject[];
    assert.equal(output.length, 1);
    assert.equal(output[0]?.type, 'message');
    assert.match(String(output[0]?.id), /^msg_/);
    assert.equal(output[0]?.status, 'completed');
    assert.deepEqual(output[0]?.content, [{ type: 'output_text', annotations: [], logprobs: [], text: 'Which order?' }]);
    assert.deepEqual(body.usage, {
      input_tokens: 0,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 0,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 0,
    });
  });

  test('renderReply honours text.format: a JSON object for json_object, a refusal part for json_schema', () => {
    const asJson = responses.renderReply(
      { text: 'Which order?', model: 'm', stream: false, kind: 'question' },
      { model: 'm', input: 'x', text: { format: { type: 'json_object' } } },
    );
    const part = (((JSON.parse(asJson.chunks[0]!) as JsonObject).output as JsonObject[])[0]!.content as JsonObject[])[0]!;
    assert.deepEqual(JSON.parse(String(part.text)), { question: 'Which order?' });
    const schema = { format: { type: 'json_schema', name: 'x', schema: { type: 'object' }, strict: true } };
    const refused = responses.renderReply({ text: 'Which order?', model: 'm', stream: false }, { model: 'm', input: 'x', text: schema });
    const refusal = (((JSON.parse(refused.chunks[0]!) as JsonObject).output as JsonObject[])[0]!.content as JsonObject[])[0]!;
    assert.deepEqual(refusal, { type: 'refusal', refusal: 'Which order?' });
    const streamed = responses.renderReply({ text: 'Which order?', model: 'm', stream: true }, { model: 'm', input: 'x', text: schema, stream: true });
    assert.ok(streamed.chunks.some((f) => f.startsWith('event: response.refusal.delta\n')));
    assert.ok(!streamed.chunks.some((f) => f.startsWith('event: response.output_text.delta\n')));
  });

  test('renderReply SSE: the typed event sequence with increasing sequence numbers', () => {
    const rendered = responses.renderReply({ text: 'Which order?', model: 'gpt-4.1', stream: true }, realistic);
    assert.equal(rendered.contentType, 'text/event-stream');
    const parsed = events(rendered.chunks);
    assert.deepEqual(
      parsed.map((e) => e.event),
      RESPONSES_TEXT_STREAM_EVENTS,
    );
    parsed.forEach((e, i) => {
      assert.equal(e.data.type, e.event);
      assert.equal(e.data.sequence_number, i);
    });
    assert.equal(parsed[4]?.data.delta, 'Which order?');
    assert.equal((parsed[0]?.data.response as JsonObject).status, 'in_progress');
    const completed = parsed[8]?.data.response as JsonObject;
    assert.equal(completed.status, 'completed');
    assert.equal((parsed[0]?.data.response as JsonObject).id, completed.id);
    assert.equal(parsed[2]?.data.item && (parsed[2].data.item as JsonObject).id, parsed[4]?.data.item_id);
  });

  test('renderError and renderStreamError', () => {
    const error = new ClarionError('CLARION_UPSTREAM_UNREACHABLE');
    const rendered = responses.renderError(error);
    assert.equal(rendered.status, 502);
    assert.deepEqual(JSON.parse(rendered.chunks[0]!), {
      error: { message: 'Upstream could not be reached', type: 'api_error', param: null, code: 'CLARION_UPSTREAM_UNREACHABLE' },
    });
    const [frame] = events([responses.renderStreamError(error)]);
    assert.equal(frame?.event, 'error');
    assert.equal(frame?.data.type, 'error');
    assert.equal(frame?.data.code, 'CLARION_UPSTREAM_UNREACHABLE');
    assert.equal(frame?.data.message, 'Upstream could not be reached');
    assert.equal(frame?.data.param, null);
    assert.equal(typeof frame?.data.sequence_number, 'number');
    assert.equal((frame?.data.error as JsonObject).code, 'CLARION_UPSTREAM_UNREACHABLE');
  });
});
