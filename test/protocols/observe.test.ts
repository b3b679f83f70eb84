/**
 * The response observer reads id, model, text and token usage from upstream responses in every
 * wire format — JSON and SSE, however the bytes are cut into chunks — without needing the whole
 * stream in memory. The responses come from the fake upstream, which speaks the real formats.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { anthropicMessagesAdapter, openaiChatAdapter, openaiResponsesAdapter } from '../../src/protocols/index.js';
import { MAX_OBSERVED_TEXT, observeResponse, type ObservedResponse, type ResponseReader } from '../../src/protocols/observe.js';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream.js';

let upstream: FakeUpstream;
before(async () => {
  upstream = await startFakeUpstream({ streamChunks: 6 });
});
after(async () => {
  await upstream.close();
});

const USER = 'Summarise the quarterly report for the board';
const ECHO = `echo: ${USER.slice(0, 40)}`;

interface Case {
  name: string;
  path: string;
  reader: ResponseReader;
  body: Record<string, unknown>;
  /** Id and usage as the upstream's JSON body states them (the non-streamed twin). */
  expected: { id: string; input: number; output: number };
}

async function raw(path: string, body: Record<string, unknown>): Promise<{ bytes: Buffer; type: string }> {
  const res = await fetch(`${upstream.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify(body),
  });
  return { bytes: Buffer.from(await res.arrayBuffer()), type: res.headers.get('content-type') ?? '' };
}

/** Feeds `bytes` to an observer in pieces of `size` bytes (cutting through frames and UTF-8 sequences). */
function observe(reader: ResponseReader, type: string, bytes: Buffer, size: number, encoding = ''): ObservedResponse {
  const observer = observeResponse(reader, type, encoding);
  assert.ok(observer, `an observer for ${type}`);
  for (let i = 0; i < bytes.length; i += size) observer.write(bytes.subarray(i, i + size));
  return observer.end();
}

function tokens(chars: number): number {
  return Math.max(1, Math.ceil(chars / 4));
}

const chatBody = { model: 'gpt-fake', messages: [{ role: 'user', content: USER }] };
const responsesBody = { model: 'gpt-fake', input: USER };
const messagesBody = { model: 'claude-fake', max_tokens: 100, messages: [{ role: 'user', content: USER }] };

const cases: Case[] = [
  {
    name: 'openai-chat',
    path: '/v1/chat/completions',
    reader: openaiChatAdapter.responses,
    body: chatBody,
    expected: { id: 'chatcmpl-fake0001', input: tokens(JSON.stringify(chatBody.messages).length), output: tokens(ECHO.length) },
  },
  {
    name: 'openai-responses',
    path: '/v1/responses',
    reader: openaiResponsesAdapter.responses,
    body: responsesBody,
    expected: { id: 'resp_fake0001', input: tokens(JSON.stringify(USER).length), output: tokens(ECHO.length) },
  },
  {
    name: 'anthropic-messages',
    path: '/v1/messages',
    reader: anthropicMessagesAdapter.responses,
    body: messagesBody,
    expected: { id: 'msg_fake0001', input: tokens(JSON.stringify(messagesBody.messages).length), output: tokens(ECHO.length) },
  },
];

describe('the response observer reads every wire format', () => {
  for (const c of cases) {
    test(`${c.name}: JSON body`, async () => {
      const { bytes, type } = await raw(c.path, c.body);
      for (const size of [1, 7, bytes.length]) {
        const seen = observe(c.reader, type, bytes, size);
        assert.equal(seen.id, c.expected.id);
        assert.equal(seen.model, c.body.model);
        assert.equal(seen.text, ECHO);
        assert.deepEqual(seen.usage, { inputTokens: c.expected.input, outputTokens: c.expected.output, cachedInputTokens: 0 });
      }
    });

    test(`${c.name}: SSE stream, cut anywhere`, async () => {
      const body = { ...c.body, stream: true, ...(c.name === 'openai-chat' ? { stream_options: { include_usage: true } } : {}) };
      const { bytes, type } = await raw(c.path, body);
      assert.match(type, /text\/event-stream/);
      for (const size of [1, 3, 64, bytes.length]) {
        const seen = observe(c.reader, type, bytes, size);
        assert.equal(seen.id, c.expected.id, `id with ${size}-byte chunks`);
        assert.equal(seen.model, c.body.model);
        assert.equal(seen.text, ECHO, `text with ${size}-byte chunks`);
        assert.equal(seen.usage?.outputTokens, c.expected.output);
        assert.equal(seen.usage?.inputTokens, c.expected.input);
      }
    });

    test(`${c.name}: CRLF framing reads the same`, async () => {
      const body = { ...c.body, stream: true, ...(c.name === 'openai-chat' ? { stream_options: { include_usage: true } } : {}) };
      const { bytes, type } = await raw(c.path, body);
      const crlf = Buffer.from(bytes.toString('utf8').replaceAll('\n', '\r\n'));
      const seen = observe(c.reader, type, crlf, 5);
      assert.equal(seen.text, ECHO);
      assert.equal(seen.usage?.outputTokens, c.expected.output);
    });
  }

  test('a Chat stream without include_usage: text, but usage unknown (null, not zero)', async () => {
    const { bytes, type } = await raw('/v1/chat/completions', { ...chatBody, stream: true });
    const seen = observe(openaiChatAdapter.responses, type, bytes, 10);
    assert.equal(seen.text, ECHO);
    assert.equal(seen.usage, null);
  });

  test('a gzip-compressed JSON body is read after it ended; a compressed stream is not read at all', async () => {
    const { bytes, type } = await raw('/v1/chat/completions', chatBody);
    const seen = observe(openaiChatAdapter.responses, type, gzipSync(bytes), 16, 'gzip');
    assert.equal(seen.text, ECHO);
    assert.equal(seen.usage?.outputTokens, tokens(ECHO.length));
    assert.equal(observeResponse(openaiChatAdapter.responses, 'text/event-stream', 'gzip'), null);
    assert.equal(observeResponse(openaiChatAdapter.responses, 'text/plain', ''), null);
  });

  test('the text is bounded; usage at the end of a long stream is still read', () => {
    const piece = 'x'.repeat(100);
    const frames: string[] = [];
    for (let i = 0; i < 200; i++)
      frames.push(`data: ${JSON.stringify({ id: 'c1', model: 'm', choices: [{ index: 0, delta: { content: piece } }], usage: null })}\n\n`);
    frames.push(
      `data: ${JSON.stringify({ id: 'c1', model: 'm', choices: [], usage: { prompt_tokens: 7, completion_tokens: 5000, prompt_tokens_details: { cached_tokens: 3 } } })}\n\n`,
    );
    frames.push('data: [DONE]\n\n');
    const seen = observe(openaiChatAdapter.responses, 'text/event-stream', Buffer.from(frames.join('')), 333);
    assert.equal(seen.text.length, MAX_OBSERVED_TEXT);
    assert.deepEqual(seen.usage, { inputTokens: 7, outputTokens: 5000, cachedInputTokens: 3 });
  });

  test('Anthropic input tokens count cache writes and reads; message_delta keeps them', () => {
    const frames = [
      `event: message_start\ndata: ${JSON.stringify({ type: 'message_start', message: { id: 'msg_1', model: 'claude', content: [], usage: { input_tokens: 10, cache_creation_input_tokens: 20, cache_read_input_tokens: 30, output_tokens: 1 } } })}\n\n`,
      `event: content_block_delta\ndata: ${JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } })}\n\n`,
      `event: message_delta\ndata: ${JSON.stringify({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 42 } })}\n\n`,
    ];
    const seen = observe(anthropicMessagesAdapter.responses, 'text/event-stream', Buffer.from(frames.join('')), 9);
    assert.deepEqual(seen.usage, { inputTokens: 60, outputTokens: 42, cachedInputTokens: 30 });
    assert.equal(seen.text, 'Hi');
  });

  test('garbage never throws: bad JSON, odd frames, a body that is not an object', () => {
    for (const reader of [openaiChatAdapter.responses, openaiResponsesAdapter.responses, anthropicMessagesAdapter.responses]) {
      const sse = observe(reader, 'text/event-stream', Buffer.from('data: {not json\n\nevent: message_start\ndata: [1,2]\n\n: comment\n\ndata: "x"\n\n'), 4);
      assert.equal(sse.usage, null);
      const json = observe(reader, 'application/json', Buffer.from('[1,2,3]'), 2);
      assert.equal(json.id, null);
      const broken = observe(reader, 'application/json', Buffer.from('{"id": "x", '), 2);
      assert.equal(broken.text, '');
    }
  });
});
