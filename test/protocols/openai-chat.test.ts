import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openaiChatAdapter as chat } from '../../src/protocols/openai-chat.js';
import { adapterFor, adapterForFamily } from '../../src/protocols/index.js';
import { ClarionError } from '../../src/errors.js';
import { lastUserTurn, turnText } from '../../src/conversation.js';
import type { JsonObject } from '../../src/protocols/types.js';

const realistic: JsonObject = {
  model: 'gpt-4o',
  stream: true,
  messages: [
    { role: 'system', content: 'You are a travel agent.' },
    {
      role: 'developer',
      content: [
        { type: 'text', text: 'Prices in EUR.' },
        { type: 'text', text: 'No emojis.' },
      ],
    },
    { role: 'user', content: 'Book me a flight to Paris' },
    {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'search_flights', arguments: '{"to":"CDG"}' } }],
    },
    { role: 'tool', tool_call_id: 'call_1', content: '[{"flight":"AF123"}]' },
    { role: 'assistant', content: 'AF123 leaves at 9:00. Shall I book it?' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Yes, and check this passport' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
        { type: 'file', file: { filename: 'itinerary.pdf', file_data: 'data:application/pdf;base64,AAAA' } },
        { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } },
      ],
    },
  ],
  tools: [
    {
      type: 'function',
      function: {
        name: 'search_flights',
        description: 'Search flights',
        parameters: { type: 'object', properties: { to: { type: 'string' } } },
      },
    },
  ],
};

describe('openai-chat toConversation', () => {
  test('maps system, developer, turns, tool calls, tool results, parts and tools', () => {
    const conversation = chat.toConversation(realistic);
    assert.equal(conversation.protocol, 'openai-chat');
    assert.equal(conversation.model, 'gpt-4o');
    assert.equal(conversation.stream, true);
    assert.equal(conversation.system, 'You are a travel agent.\n\nPrices in EUR.\nNo emojis.');
    assert.deepEqual(
      conversation.turns.map((t) => t.role),
      ['user', 'assistant', 'tool', 'assistant', 'user'],
    );
    assert.deepEqual(conversation.turns[1]?.toolCalls, [{ name: 'search_flights', arguments: '{"to":"CDG"}' }]);
    assert.deepEqual(conversation.turns[1]?.parts, []);
    assert.equal(turnText(conversation.turns[2]!), '[{"flight":"AF123"}]');
    const last = lastUserTurn(conversation);
    assert.deepEqual(last?.parts, [
      { type: 'text', text: 'Yes, and check this passport' },
      { type: 'image' },
      { type: 'file', name: 'itinerary.pdf' },
      { type: 'audio' },
    ]);
    assert.deepEqual(conversation.tools, [
      {
        name: 'search_flights',
        description: 'Search flights',
        parameters: { type: 'object', properties: { to: { type: 'string' } } },
      },
    ]);
  });

  test('legacy function_call, function role and functions[]', () => {
    const conversation = chat.toConversation({
      model: 'gpt-3.5-turbo',
      messages: [
        { role: 'user', content: 'What time is it in Tokyo?' },
        { role: 'assistant', content: null, function_call: { name: 'get_time', arguments: '{"tz":"Asia/Tokyo"}' } },
        { role: 'function', name: 'get_time', content: '09:00' },
      ],
      functions: [{ name: 'get_time', parameters: { type: 'object' } }],
    });
    assert.deepEqual(conversation.turns[1]?.toolCalls, [{ name: 'get_time', arguments: '{"tz":"Asia/Tokyo"}' }]);
    assert.equal(conversation.turns[2]?.role, 'tool');
    assert.deepEqual(conversation.tools, [{ name: 'get_time', parameters: { type: 'object' } }]);
    assert.equal(conversation.stream, false);
  });

  test('unknown roles are skipped, empty content gives no parts', () => {
    const conversation = chat.toConversation({
      model: 'm',
      messages: [
        { role: 'narrator', content: 'ignored' },
        { role: 'user', content: '' },
      ],
    });
    assert.deepEqual(conversation.turns, [{ role: 'user', parts: [] }]);
  });

  const bad: Array<[string, JsonObject, RegExp]> = [
    ['model missing', { messages: [] }, /"model" must be a string/],
    ['messages missing', { model: 'm' }, /"messages" must be an array/],
    ['messages an object', { model: 'm', messages: { role: 'user' } }, /"messages" must be an array/],
    ['message not an object', { model: 'm', messages: ['hi'] }, /"messages\[0\]" must be an object/],
    ['role missing', { model: 'm', messages: [{ content: 'hi' }] }, /"messages\[0\]\.role" must be a string/],
    ['content a number', { model: 'm', messages: [{ role: 'user', content: 3 }] }, /"messages\[0\]\.content"/],
    ['text part without text', { model: 'm', messages: [{ role: 'user', content: [{ type: 'text' }] }] }, /content\[0\]\.text/],
    ['tools not an array', { model: 'm', messages: [], tools: {} }, /"tools" must be an array/],
    ['tool without name', { model: 'm', messages: [], tools: [{ type: 'function', function: {} }] }, /tools\[0\]\.function\.name/],
    ['tool_calls not an array', { model: 'm', messages: [{ role: 'assistant', content: null, tool_calls: 'x' }] }, /tool_calls" must be an array/],
  ];
  for (const [name, body, message] of bad) {
    test(`rejects a body with ${name}`, () => {
      assert.throws(
        () => chat.toConversation(body),
        (error: unknown) => {
          assert.ok(error instanceof ClarionError);
          assert.equal(error.code, 'CLARION_INVALID_REQUEST');
          assert.equal(error.status, 400);
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }
});

describe('openai-chat injectInstruction', () => {
  const instruction = 'State your assumptions.';

  test('append goes right after the leading system messages, keeping the prefix intact', () => {
    const body: JsonObject = {
      model: 'm',
      messages: [
        { role: 'system', content: 'A' },
        { role: 'system', content: 'B' },
        { role: 'user', content: 'hi' },
        { role: 'system', content: 'late system message' },
      ],
    };
    const snapshot = structuredClone(body);
    const out = chat.injectInstruction(body, instruction, 'append');
    const messages = out.messages as JsonObject[];
    assert.deepEqual(
      messages.map((m) => m.content),
      ['A', 'B', instruction, 'hi', 'late system message'],
    );
    assert.equal(messages[2]?.role, 'system');
    // the app's own messages are the same objects, the input is untouched
    assert.equal(messages[0], (body.messages as JsonObject[])[0]);
    assert.deepEqual(body, snapshot);
    assert.notEqual(out, body);
  });

  test('append with no system message puts it first', () => {
    const out = chat.injectInstruction({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, instruction, 'append');
    assert.deepEqual(out.messages, [
      { role: 'system', content: instruction },
      { role: 'user', content: 'hi' },
    ]);
  });

  test('prepend goes before the first message', () => {
    const out = chat.injectInstruction(
      {
        model: 'm',
        messages: [
          { role: 'system', content: 'A' },
          { role: 'user', content: 'hi' },
        ],
      },
      instruction,
      'prepend',
    );
    assert.deepEqual(
      (out.messages as JsonObject[]).map((m) => m.content),
      [instruction, 'A', 'hi'],
    );
  });

  test('uses the developer role when the app does', () => {
    const out = chat.injectInstruction(
      {
        model: 'o3',
        messages: [
          { role: 'developer', content: 'D' },
          { role: 'user', content: 'hi' },
        ],
      },
      instruction,
      'append',
    );
    assert.deepEqual((out.messages as JsonObject[])[1], { role: 'developer', content: instruction });
  });

  test('the injected text shows up as system text of the new conversation', () => {
    const out = chat.injectInstruction(realistic, instruction, 'append');
    assert.equal(chat.toConversation(out).system, `You are a travel agent.\n\nPrices in EUR.\nNo emojis.\n\n${instruction}`);
  });
});

describe('openai-chat small members', () => {
  test('withModel copies, isStream reads stream === true', () => {
    const body: JsonObject = { model: 'a', messages: [] };
    const out = chat.withModel(body, 'b');
    assert.equal(out.model, 'b');
    assert.equal(body.model, 'a');
    assert.equal(chat.isStream({ stream: true }), true);
    assert.equal(chat.isStream({ stream: 'true' }), false);
    assert.equal(chat.isStream({}), false);
  });

  test('adapterFor / adapterForFamily', () => {
    assert.equal(adapterFor('openai-chat'), chat);
    assert.equal(adapterFor('openai-responses').id, 'openai-responses');
    assert.equal(adapterFor('anthropic-messages').id, 'anthropic-messages');
    assert.equal(adapterForFamily('openai'), chat);
    assert.equal(adapterForFamily('anthropic').id, 'anthropic-messages');
  });
});

describe('openai-chat rendering', () => {
  test('renderReply JSON: a chat.completion', () => {
    const rendered = chat.renderReply({ text: 'Which city?', model: 'gpt-4o', stream: false }, realistic);
    assert.equal(rendered.status, 200);
    assert.equal(rendered.contentType, 'application/json');
    assert.equal(rendered.chunks.length, 1);
    const body = JSON.parse(rendered.chunks[0]!) as JsonObject;
    assert.match(String(body.id), /^chatcmpl-clarion-[0-9a-f]+$/);
    assert.equal(body.object, 'chat.completion');
    assert.equal(body.model, 'gpt-4o');
    assert.ok(Math.abs(Number(body.created) - Date.now() / 1000) < 5);
    assert.deepEqual((body.choices as JsonObject[])[0], {
      index: 0,
      message: { role: 'assistant', content: 'Which city?', refusal: null, annotations: [] },
      logprobs: null,
      finish_reason: 'stop',
    });
    // No model was called: every count is zero.
    const usage = body.usage as JsonObject;
    assert.equal(usage.prompt_tokens, 0);
    assert.equal(usage.completion_tokens, 0);
    assert.equal(usage.total_tokens, 0);
  });

  test('renderReply honours n: one question per choice, in JSON and SSE', () => {
    const body = { model: 'm', messages: [], n: 3 };
    const json = JSON.parse(chat.renderReply({ text: 'Which city?', model: 'm', stream: false }, body).chunks[0]!) as JsonObject;
    const choices = json.choices as JsonObject[];
    assert.deepEqual(
      choices.map((c) => [c.index, (c.message as JsonObject).content]),
      [
        [0, 'Which city?'],
        [1, 'Which city?'],
        [2, 'Which city?'],
      ],
    );
    const sse = chat.renderReply({ text: 'Which city?', model: 'm', stream: true }, { ...body, stream: true });
    const finished = sse.chunks
      .slice(0, -1)
      .map((f) => (JSON.parse(f.slice(6)) as { choices: JsonObject[] }).choices[0]!)
      .filter((c) => c.finish_reason === 'stop')
      .map((c) => c.index);
    assert.deepEqual(finished, [0, 1, 2]);
  });

  test('renderReply honours response_format: a JSON object for json_object, a refusal for json_schema', () => {
    const asJson = chat.renderReply(
      { text: 'Which city?', model: 'm', stream: false, kind: 'question' },
      { model: 'm', messages: [], response_format: { type: 'json_object' } },
    );
    const message = ((JSON.parse(asJson.chunks[0]!) as JsonObject).choices as JsonObject[])[0]!.message as JsonObject;
    assert.deepEqual(JSON.parse(String(message.content)), { question: 'Which city?' });
    const notice = chat.renderReply(
      { text: 'Held for review.', model: 'm', stream: false, kind: 'notice' },
      { model: 'm', messages: [], response_format: { type: 'json_object' } },
    );
    const noticeMessage = ((JSON.parse(notice.chunks[0]!) as JsonObject).choices as JsonObject[])[0]!.message as JsonObject;
    assert.deepEqual(JSON.parse(String(noticeMessage.content)), { message: 'Held for review.' });

    const schema = { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' }, strict: true } };
    const refused = chat.renderReply({ text: 'Which city?', model: 'm', stream: false }, { model: 'm', messages: [], response_format: schema });
    const refusal = ((JSON.parse(refused.chunks[0]!) as JsonObject).choices as JsonObject[])[0]!.message as JsonObject;
    assert.equal(refusal.content, null);
    assert.equal(refusal.refusal, 'Which city?');
    const streamed = chat.renderReply({ text: 'Which city?', model: 'm', stream: true }, { model: 'm', messages: [], response_format: schema, stream: true });
    assert.deepEqual((JSON.parse(streamed.chunks[1]!.slice(6)) as { choices: JsonObject[] }).choices[0]!.delta, { refusal: 'Which city?' });
  });

  test('renderReply SSE: role delta, content, stop, usage chunk only when asked, [DONE]', () => {
    const plain = chat.renderReply({ text: 'Which city?', model: 'm', stream: true }, { model: 'm', messages: [] });
    assert.equal(plain.contentType, 'text/event-stream');
    assert.equal(plain.chunks.length, 4);
    assert.equal(plain.chunks.at(-1), 'data: [DONE]\n\n');
    const chunks = plain.chunks.slice(0, -1).map((frame) => {
      assert.match(frame, /^data: .*\n\n$/s);
      return JSON.parse(frame.slice(6)) as JsonObject;
    });
    const deltas = chunks.map((c) => (c.choices as JsonObject[])[0]);
    assert.deepEqual(deltas[0]?.delta, { role: 'assistant', content: '', refusal: null });
    assert.deepEqual(deltas[1]?.delta, { content: 'Which city?' });
    assert.equal(deltas[2]?.finish_reason, 'stop');
    assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk' && !('usage' in c)));
    assert.equal(new Set(chunks.map((c) => c.id)).size, 1);

    const withUsage = chat.renderReply(
      { text: 'Which city?', model: 'm', stream: true },
      { model: 'm', messages: [], stream_options: { include_usage: true } },
    );
    assert.equal(withUsage.chunks.length, 5);
    const usageChunk = JSON.parse(withUsage.chunks[3]!.slice(6)) as JsonObject;
    assert.deepEqual(usageChunk.choices, []);
    assert.equal((usageChunk.usage as JsonObject).completion_tokens, 0);
    assert.equal((JSON.parse(withUsage.chunks[0]!.slice(6)) as JsonObject).usage, null);
  });

  test('renderError and renderStreamError: OpenAI shape with the catalogue code', () => {
    const error = new ClarionError('CLARION_UPSTREAM_TIMEOUT', 'after 30000 ms');
    const rendered = chat.renderError(error);
    assert.equal(rendered.status, 504);
    assert.equal(rendered.contentType, 'application/json');
    assert.deepEqual(JSON.parse(rendered.chunks[0]!), {
      error: {
        message: 'Upstream did not answer in time: after 30000 ms',
        type: 'api_error',
        param: null,
        code: 'CLARION_UPSTREAM_TIMEOUT',
      },
    });
    assert.ok(!rendered.chunks[0]!.includes('    at '));
    const frame = chat.renderStreamError(error);
    assert.match(frame, /^data: \{"error":\{.*\}\}\n\n$/);
    assert.equal((JSON.parse(frame.slice(6)) as { error: { code: string } }).error.code, 'CLARION_UPSTREAM_TIMEOUT');
  });
});
