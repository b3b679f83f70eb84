/**
 * What the adapters render (synthetic replies, errors, mid-stream errors) served over HTTP to the
 * official SDKs: openai 6.x, @anthropic-ai/sdk and the Vercel AI SDK (ai@5 + @ai-sdk/openai@2).
 * If any SDK fails to parse a rendering, an app behind Clarion would break on a clarifying question.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, streamText } from 'ai';
import { adapterFor } from '../../src/protocols/index.js';
import { ClarionError } from '../../src/errors.js';
import type { ErrorCode } from '../../src/errors.js';
import type { ProtocolId } from '../../src/conversation.js';
import type { JsonObject } from '../../src/protocols/types.js';
import { RESPONSES_TEXT_STREAM_EVENTS } from '../helpers/wire.js';

const TEXT = 'Which city do you mean — Paris, France or Paris, Texas?';
const ROUTES: Record<string, ProtocolId> = {
  '/v1/chat/completions': 'openai-chat',
  '/v1/responses': 'openai-responses',
  '/v1/messages': 'anthropic-messages',
};

/**
 * Serves the adapter's rendering for the request's route. Header `x-render`:
 * absent -> renderReply; `error=<CODE>` -> renderError; `stream-error=<CODE>` -> the first two
 * frames of the streamed reply, then renderStreamError, then the connection ends.
 */
const server = createServer((req, res) => {
  let raw = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (raw += chunk));
  req.on('end', () => {
    const protocol = ROUTES[req.url ?? ''];
    if (protocol === undefined) {
      res.statusCode = 404;
      res.end();
      return;
    }
    const adapter = adapterFor(protocol);
    const body = JSON.parse(raw) as JsonObject;
    const mode = String(req.headers['x-render'] ?? '');
    const [kind, code] = mode.split('=');
    const rendered =
      kind === 'error'
        ? adapter.renderError(new ClarionError(code as ErrorCode, 'rendered by the test'))
        : adapter.renderReply({ text: TEXT, model: String(body.model), stream: adapter.isStream(body) }, body);
    res.statusCode = rendered.status;
    res.setHeader('content-type', rendered.contentType);
    if (kind === 'stream-error') {
      res.end(rendered.chunks.slice(0, 2).join('') + adapter.renderStreamError(new ClarionError(code as ErrorCode)));
      return;
    }
    res.end(rendered.chunks.join(''));
  });
});

let baseUrl = '';
let openai: OpenAI;
let anthropic: Anthropic;

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  openai = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: 'x', maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: baseUrl, apiKey: 'x', maxRetries: 0 });
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const errorHeader = (value: string): { headers: Record<string, string> } => ({ headers: { 'x-render': value } });

describe('openai SDK: chat completions', () => {
  test('plain', async () => {
    const completion = await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Weather in Paris?' }] });
    assert.equal(completion.choices[0]?.message.content, TEXT);
    assert.equal(completion.choices[0]?.finish_reason, 'stop');
    assert.equal(completion.model, 'gpt-4o');
    assert.match(completion.id, /^chatcmpl-clarion-/);
    // Clarion's own reply called no model: usage is present and zero.
    assert.equal(completion.usage?.prompt_tokens, 0);
    assert.equal(completion.usage?.total_tokens, 0);
  });

  test('stream with include_usage', async () => {
    const stream = await openai.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null = null;
    const usages: number[] = [];
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usages.push(chunk.usage.total_tokens);
    }
    assert.equal(text, TEXT);
    assert.equal(finish, 'stop');
    assert.deepEqual(usages, [0], 'one usage chunk, counting zero tokens');
  });

  test('stream helper assembles the final completion', async () => {
    const runner = openai.chat.completions.stream({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Weather?' }] });
    const final = await runner.finalChatCompletion();
    assert.equal(final.choices[0]?.message.content, TEXT);
    assert.equal(await runner.finalContent(), TEXT);
  });

  test('renderError: the SDK error class for the status, with the catalogue code', async () => {
    await assert.rejects(openai.chat.completions.create({ model: 'm', messages: [] }, errorHeader('error=CLARION_INVALID_REQUEST')), (error: unknown) => {
      assert.ok(error instanceof OpenAI.BadRequestError);
      assert.equal(error.status, 400);
      assert.equal(error.code, 'CLARION_INVALID_REQUEST');
      assert.equal(error.type, 'invalid_request_error');
      assert.match(error.message, /rendered by the test/);
      return true;
    });
    await assert.rejects(
      openai.chat.completions.create({ model: 'm', messages: [] }, errorHeader('error=CLARION_UPSTREAM_TIMEOUT')),
      (error: unknown) => error instanceof OpenAI.InternalServerError && error.status === 504 && error.code === 'CLARION_UPSTREAM_TIMEOUT',
    );
  });

  test('renderStreamError mid-stream: iteration throws APIError with the code', async () => {
    const stream = await openai.chat.completions.create(
      { model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true },
      errorHeader('stream-error=CLARION_UPSTREAM_UNREACHABLE'),
    );
    let chunks = 0;
    await assert.rejects(
      async () => {
        for await (const _chunk of stream) chunks++;
      },
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.APIError);
        assert.equal(error.code, 'CLARION_UPSTREAM_UNREACHABLE');
        assert.match(error.message, /Upstream could not be reached/);
        return true;
      },
    );
    assert.equal(chunks, 2);
  });
});

describe('openai SDK: responses', () => {
  test('plain: output_text', async () => {
    const response = await openai.responses.create({ model: 'gpt-4.1', input: 'Weather in Paris?', instructions: 'Be brief.' });
    assert.equal(response.output_text, TEXT);
    assert.equal(response.status, 'completed');
    assert.equal(response.model, 'gpt-4.1');
    assert.match(response.id, /^resp_clarion/);
  });

  test('stream: event types and text', async () => {
    const stream = await openai.responses.create({ model: 'gpt-4.1', input: 'Weather in Paris?', stream: true });
    const types: string[] = [];
    let text = '';
    for await (const ev of stream) {
      types.push(ev.type);
      if (ev.type === 'response.output_text.delta') text += ev.delta;
      if (ev.type === 'response.completed') assert.equal(ev.response.output_text ?? TEXT, TEXT);
    }
    assert.equal(text, TEXT);
    assert.deepEqual(types, RESPONSES_TEXT_STREAM_EVENTS);
  });

  test('stream helper: finalResponse().output_text', async () => {
    const stream = openai.responses.stream({ model: 'gpt-4.1', input: 'Weather in Paris?' });
    let deltas = '';
    stream.on('response.output_text.delta', (ev) => (deltas += ev.delta));
    const final = await stream.finalResponse();
    assert.equal(final.output_text, TEXT);
    assert.equal(deltas, TEXT);
  });

  test('renderError and renderStreamError', async () => {
    await assert.rejects(
      openai.responses.create({ model: 'm', input: 'x' }, errorHeader('error=CLARION_NO_UPSTREAM')),
      (error: unknown) => error instanceof OpenAI.NotFoundError && error.code === 'CLARION_NO_UPSTREAM',
    );
    const stream = await openai.responses.create({ model: 'm', input: 'x', stream: true }, errorHeader('stream-error=CLARION_UPSTREAM_TIMEOUT'));
    await assert.rejects(
      async () => {
        for await (const _ev of stream) {
          // drain
        }
      },
      (error: unknown) => error instanceof OpenAI.APIError && error.code === 'CLARION_UPSTREAM_TIMEOUT',
    );
  });
});

describe('anthropic SDK: messages', () => {
  test('plain', async () => {
    const message = await anthropic.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 256,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    });
    assert.equal(message.content[0]?.type === 'text' ? message.content[0].text : undefined, TEXT);
    assert.equal(message.stop_reason, 'end_turn');
    assert.match(message.id, /^msg_clarion/);
  });

  test('stream via .stream(): text events and finalMessage()', async () => {
    const stream = anthropic.messages.stream({
      model: 'claude-sonnet-4-5',
      max_tokens: 256,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    });
    let text = '';
    stream.on('text', (delta) => (text += delta));
    const final = await stream.finalMessage();
    assert.equal(text, TEXT);
    assert.equal(final.content[0]?.type === 'text' ? final.content[0].text : undefined, TEXT);
    assert.equal(final.stop_reason, 'end_turn');
    assert.equal(final.usage.output_tokens, 0);
    assert.equal(final.usage.input_tokens, 0);
    assert.equal(await stream.finalText(), TEXT);
  });

  test('renderError: APIError subclass with status and error type', async () => {
    await assert.rejects(
      anthropic.messages.create({ model: 'c', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] }, errorHeader('error=CLARION_UNAUTHORIZED')),
      (error: unknown) => {
        assert.ok(error instanceof Anthropic.AuthenticationError);
        assert.equal(error.status, 401);
        assert.equal(error.type, 'authentication_error');
        return true;
      },
    );
  });

  test('renderStreamError mid-stream: finalMessage rejects with the error type', async () => {
    const stream = anthropic.messages.stream(
      { model: 'c', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] },
      errorHeader('stream-error=CLARION_SHUTTING_DOWN'),
    );
    await assert.rejects(stream.finalMessage(), (error: unknown) => {
      assert.ok(error instanceof Anthropic.APIError);
      assert.equal(error.type, 'overloaded_error');
      assert.match(error.message, /Clarion is shutting down/);
      return true;
    });
  });
});

describe('Vercel AI SDK (ai@5, @ai-sdk/openai@2)', () => {
  test('chat model: generateText', async () => {
    const provider = createOpenAI({ baseURL: `${baseUrl}/v1`, apiKey: 'x' });
    const result = await generateText({ model: provider.chat('gpt-4o'), prompt: 'Weather in Paris?', maxRetries: 0 });
    assert.equal(result.text, TEXT);
    assert.equal(result.finishReason, 'stop');
  });

  test('chat model: streamText (asks for include_usage)', async () => {
    const provider = createOpenAI({ baseURL: `${baseUrl}/v1`, apiKey: 'x' });
    const result = streamText({ model: provider.chat('gpt-4o'), prompt: 'Weather in Paris?', maxRetries: 0 });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    assert.equal(text, TEXT);
    assert.equal(await result.finishReason, 'stop');
    assert.equal((await result.usage).outputTokens, 0);
  });

  test('responses model: generateText and streamText', async () => {
    const provider = createOpenAI({ baseURL: `${baseUrl}/v1`, apiKey: 'x' });
    const generated = await generateText({ model: provider.responses('gpt-4.1'), prompt: 'Weather in Paris?', maxRetries: 0 });
    assert.equal(generated.text, TEXT);
    const streamed = streamText({ model: provider.responses('gpt-4.1'), prompt: 'Weather in Paris?', maxRetries: 0 });
    assert.equal(await streamed.text, TEXT);
    assert.equal(await streamed.finishReason, 'stop');
    assert.equal((await streamed.usage).outputTokens, 0);
  });

  test('renderError surfaces as an API call error with the message', async () => {
    const provider = createOpenAI({ baseURL: `${baseUrl}/v1`, apiKey: 'x', headers: { 'x-render': 'error=CLARION_INVALID_REQUEST' } });
    await assert.rejects(generateText({ model: provider.chat('gpt-4o'), prompt: 'x', maxRetries: 0 }), (error: unknown) => {
      assert.ok(error instanceof Error);
      assert.match(error.message, /rendered by the test/);
      assert.equal((error as Error & { statusCode?: number }).statusCode, 400);
      return true;
    });
  });

  test('renderStreamError reaches streamText as an error part (chat and responses)', async () => {
    for (const kind of ['chat', 'responses'] as const) {
      const provider = createOpenAI({
        baseURL: `${baseUrl}/v1`,
        apiKey: 'x',
        headers: { 'x-render': 'stream-error=CLARION_UPSTREAM_TIMEOUT' },
      });
      const model = kind === 'chat' ? provider.chat('gpt-4o') : provider.responses('gpt-4.1');
      const errors: unknown[] = [];
      const result = streamText({ model, prompt: 'x', maxRetries: 0, onError: ({ error }) => void errors.push(error) });
      for await (const _part of result.fullStream) {
        // drain
      }
      assert.equal(errors.length, 1, `${kind}: one error reported`);
      assert.match(JSON.stringify(errors[0]) + String(errors[0]), /Upstream did not answer in time|CLARION_UPSTREAM_TIMEOUT/, kind);
    }
  });
});
