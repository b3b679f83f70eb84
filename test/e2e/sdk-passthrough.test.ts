/**
 * The official SDKs, pointed at Clarion in front of a fake upstream, work unchanged in every
 * mode: plain and streamed chat completions (usage, tool-call deltas), Responses (typed events),
 * Anthropic messages (message_start ... message_stop), models and embeddings. The policy passes
 * everything here, so what reaches the upstream must be byte-for-byte what the SDK sent.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream.js';
import { startClarion, type RunningClarion } from '../helpers/clarion.js';
import { sdkClients } from '../helpers/sdk.js';

describe('SDKs through Clarion (pass policy)', () => {
  let upstream: FakeUpstream;
  let clarion: RunningClarion;
  let openai: OpenAI;
  let anthropic: Anthropic;

  before(async () => {
    upstream = await startFakeUpstream();
    clarion = await startClarion({ upstream });
    ({ openai, anthropic } = sdkClients(
      { openai: clarion.openaiBaseUrl, anthropic: clarion.url },
      { openai: 'sk-test-client-key', anthropic: 'sk-ant-test-client-key' },
    ));
  });
  after(async () => {
    await clarion.close();
    await upstream.close();
  });

  test('chat completion, plain: reply parsed, body forwarded byte-for-byte, credentials forwarded', async () => {
    upstream.reset();
    const { data, response } = await openai.chat.completions
      .create({
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Write a haiku about the sea at dawn.' },
        ],
      })
      .withResponse();
    assert.equal(data.object, 'chat.completion');
    assert.match(data.choices[0]?.message.content ?? '', /^echo: Write a haiku about the sea at dawn\./);
    assert.equal(response.headers.get('x-clarion-action'), 'pass');
    assert.match(response.headers.get('x-clarion-score') ?? '', /^\d\.\d{3}$/);
    assert.equal(response.headers.get('x-clarion-policy-version'), 'test-pass');
    assert.match(response.headers.get('x-clarion-overhead-ms') ?? '', /^\d+\.\d{3}$/);
    const seen = upstream.requests.at(-1);
    assert.equal(seen?.path, '/v1/chat/completions');
    assert.equal(seen?.headers.authorization, 'Bearer sk-test-client-key');
    assert.deepEqual(seen?.json?.messages, [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Write a haiku about the sea at dawn.' },
    ]);
    assert.ok(seen?.headers['x-request-id'], 'a request id is sent upstream');
  });

  test('chat completion, streamed with include_usage and tool-call deltas', async () => {
    const stream = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'What is the weather in Paris right now?' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather for a city',
            parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          },
        },
      ],
    });
    let args = '';
    let name = '';
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta;
      for (const call of delta?.tool_calls ?? []) {
        if (call.function?.name) name = call.function.name;
        args += call.function?.arguments ?? '';
      }
      if (chunk.choices[0]?.finish_reason) finish = chunk.choices[0].finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(name, 'get_weather');
    assert.doesNotThrow(() => JSON.parse(args));
    assert.equal(finish, 'tool_calls');
    assert.ok(usage !== undefined && usage !== null && usage.total_tokens > 0, 'usage chunk arrives');
  });

  test('chat completion, streamed text assembles the full reply', async () => {
    const stream = openai.chat.completions.stream({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Count from one to five in French.' }] });
    const final = await stream.finalChatCompletion();
    assert.match(final.choices[0]?.message.content ?? '', /^echo: Count from one to five in French\./);
  });

  test('Responses API, plain and streamed with typed events', async () => {
    const plain = await openai.responses.create({ model: 'gpt-4o-mini', input: 'Name three primary colours.' });
    assert.match(plain.output_text, /^echo: Name three primary colours\./);

    const stream = await openai.responses.create({ model: 'gpt-4o-mini', input: 'Name three primary colours.', stream: true });
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    assert.equal(types[0], 'response.created');
    assert.equal(types.at(-1), 'response.completed');
    assert.ok(types.includes('response.output_text.delta'));
    assert.match(text, /^echo: Name three primary colours\./);
  });

  test('Anthropic messages, plain and streamed (message_start ... message_stop)', async () => {
    upstream.reset();
    const message = await anthropic.messages.create({
      model: 'claude-test-model',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Give me a synonym for happy.' }],
    });
    assert.equal(message.type, 'message');
    const block = message.content[0];
    assert.ok(block !== undefined && block.type === 'text');
    assert.match(block.text, /^echo: Give me a synonym for happy\./);
    const sent = upstream.requests.at(-1)?.headers;
    assert.ok(
      sent?.['x-api-key'] === 'sk-ant-test-client-key' || sent?.authorization === 'Bearer sk-ant-test-client-key',
      'the client credential is forwarded',
    );
    assert.ok(upstream.requests.at(-1)?.headers['anthropic-version'], 'anthropic-version forwarded');

    const events: string[] = [];
    const stream = anthropic.messages.stream({
      model: 'claude-test-model',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Give me a synonym for happy.' }],
    });
    stream.on('streamEvent', (event) => events.push(event.type));
    const final = await stream.finalMessage();
    assert.equal(events[0], 'message_start');
    assert.equal(events.at(-1), 'message_stop');
    const finalBlock = final.content[0];
    assert.ok(finalBlock !== undefined && finalBlock.type === 'text');
    assert.match(finalBlock.text, /^echo: Give me a synonym for happy\./);
  });

  test('GET /v1/models and POST /v1/embeddings pass through', async () => {
    const models = await openai.models.list();
    assert.ok(models.data.length > 0);
    const embeddings = await openai.embeddings.create({ model: 'text-embedding-3-small', input: ['one', 'two'] });
    assert.equal(embeddings.data.length, 2);
    assert.ok(embeddings.data[0]!.embedding.length > 0);
  });

  test('upstream 4xx and 5xx pass through unchanged: status, body, headers', async () => {
    upstream.setBehaviour({ status: 429, retryAfter: '7' });
    try {
      await assert.rejects(
        openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi there friend' }] }),
        (error: unknown) => {
          assert.ok(error instanceof OpenAI.RateLimitError);
          assert.equal(error.status, 429);
          assert.equal(error.headers.get('retry-after'), '7');
          return true;
        },
      );
      upstream.setBehaviour({ status: 529 });
      await assert.rejects(
        anthropic.messages.create({ model: 'claude-test-model', max_tokens: 10, messages: [{ role: 'user', content: 'hi there friend' }] }),
        (error: unknown) => {
          assert.ok(error instanceof Anthropic.APIError);
          assert.equal(error.status, 529);
          return true;
        },
      );
    } finally {
      upstream.reset();
    }
  });
});
