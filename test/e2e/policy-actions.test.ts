/**
 * Every action, on all three APIs, plain and streamed, through the official SDKs (and the Vercel
 * AI SDK's OpenAI provider). Norms here select on a test header, so each case exercises exactly
 * one action regardless of what the detector thinks of the prompt.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type OpenAI from 'openai';
import type Anthropic from '@anthropic-ai/sdk';
import { generateText, streamText } from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream.js';
import { startClarion, type RunningClarion } from '../helpers/clarion.js';
import { sdkClients } from '../helpers/sdk.js';

const QUESTION = 'Which language should I translate it into?';
const DEFERRAL = 'A person from our team will review this request and get back to you.';
const ANNOTATE = 'CLARION-ANNOTATE: state your assumptions about {gaps}, then answer.';
const INSTRUCT = 'CLARION-CLARIFY: ask one question about {gaps} instead of answering.';

const POLICY = `
version: actions-1
norms:
  - name: t-annotate
    when: { headers: { x-test-action: annotate } }
    then: { action: annotate, instruction: "${ANNOTATE}" }
  - name: t-instruct
    when: { headers: { x-test-action: instruct } }
    then: { action: clarify, mode: instruct, instruction: "${INSTRUCT}", budget: 100 }
  - name: t-respond
    when: { headers: { x-test-action: respond } }
    then: { action: clarify, mode: respond, reply: "${QUESTION}", budget: 100 }
  - name: t-defer
    when: { headers: { x-test-action: defer } }
    then: { action: defer, reply: "${DEFERRAL}" }
  - name: t-escalate
    when: { headers: { x-test-action: escalate } }
    then: { action: escalate, escalate: { model: "strong-model" } }
  - name: t-shadow
    when: { headers: { x-test-action: shadow } }
    then: { action: annotate, instruction: "${ANNOTATE}", shadow: true }
`;

const PROMPT = 'Translate this for me please.';
type Api = 'chat' | 'responses' | 'messages';

describe('policy actions through the SDKs', () => {
  let upstream: FakeUpstream;
  let clarion: RunningClarion;
  let openai: OpenAI;
  let anthropic: Anthropic;

  before(async () => {
    upstream = await startFakeUpstream();
    clarion = await startClarion({ upstream, policy: POLICY, serverConfig: 'adminToken: test-admin' });
    ({ openai, anthropic } = sdkClients({ openai: clarion.openaiBaseUrl, anthropic: clarion.url }));
  });
  after(async () => {
    await clarion.close();
    await upstream.close();
  });

  /** Sends PROMPT on one API, streamed or not, and returns the reply text and response headers. */
  async function ask(api: Api, stream: boolean, action: string): Promise<{ text: string; headers: Headers }> {
    const headers = { 'x-test-action': action, 'x-clarion-conversation-id': `conv-${api}-${stream}-${action}-${Math.random()}` };
    if (api === 'chat') {
      if (!stream) {
        const { data, response } = await openai.chat.completions
          .create(
            {
              model: 'gpt-4o-mini',
              messages: [
                { role: 'system', content: 'You are terse.' },
                { role: 'user', content: PROMPT },
              ],
            },
            { headers },
          )
          .withResponse();
        return { text: data.choices[0]?.message.content ?? '', headers: response.headers };
      }
      const { data, response } = await openai.chat.completions
        .create(
          {
            model: 'gpt-4o-mini',
            stream: true,
            stream_options: { include_usage: true },
            messages: [
              { role: 'system', content: 'You are terse.' },
              { role: 'user', content: PROMPT },
            ],
          },
          { headers },
        )
        .withResponse();
      let text = '';
      let usage = false;
      for await (const chunk of data) {
        text += chunk.choices[0]?.delta.content ?? '';
        if (chunk.usage) usage = true;
      }
      assert.ok(usage, 'include_usage honoured');
      return { text, headers: response.headers };
    }
    if (api === 'responses') {
      if (!stream) {
        const { data, response } = await openai.responses
          .create({ model: 'gpt-4o-mini', instructions: 'You are terse.', input: PROMPT }, { headers })
          .withResponse();
        return { text: data.output_text, headers: response.headers };
      }
      const { data, response } = await openai.responses
        .create({ model: 'gpt-4o-mini', instructions: 'You are terse.', input: PROMPT, stream: true }, { headers })
        .withResponse();
      let text = '';
      let completed = false;
      for await (const event of data) {
        if (event.type === 'response.output_text.delta') text += event.delta;
        if (event.type === 'response.completed') completed = true;
      }
      assert.ok(completed, 'response.completed arrives');
      return { text, headers: response.headers };
    }
    if (!stream) {
      const { data, response } = await anthropic.messages
        .create({ model: 'claude-test-model', max_tokens: 100, system: 'You are terse.', messages: [{ role: 'user', content: PROMPT }] }, { headers })
        .withResponse();
      const block = data.content[0];
      return { text: block?.type === 'text' ? block.text : '', headers: response.headers };
    }
    const { data, response } = await anthropic.messages
      .create(
        { model: 'claude-test-model', max_tokens: 100, system: 'You are terse.', stream: true, messages: [{ role: 'user', content: PROMPT }] },
        { headers },
      )
      .withResponse();
    let text = '';
    let stopped = false;
    for await (const event of data) {
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
      if (event.type === 'message_stop') stopped = true;
    }
    assert.ok(stopped, 'message_stop arrives');
    return { text, headers: response.headers };
  }

  /** The system text the upstream received for the last request. */
  function upstreamSystem(api: Api): string {
    const json = upstream.requests.at(-1)?.json ?? {};
    if (api === 'chat') {
      const messages = json.messages as Array<{ role: string; content: string }>;
      return messages
        .filter((m) => m.role === 'system' || m.role === 'developer')
        .map((m) => m.content)
        .join('\n');
    }
    if (api === 'responses') return typeof json.instructions === 'string' ? json.instructions : '';
    const system = json.system;
    return typeof system === 'string' ? system : JSON.stringify(system);
  }

  for (const api of ['chat', 'responses', 'messages'] as const) {
    for (const stream of [false, true]) {
      const label = `${api} ${stream ? 'streamed' : 'plain'}`;

      test(`${label}: annotate appends the instruction after the app's system text`, async () => {
        const { text, headers } = await ask(api, stream, 'annotate');
        assert.equal(headers.get('x-clarion-action'), 'annotate');
        assert.match(text, /^echo: Translate this/);
        const system = upstreamSystem(api);
        assert.ok(system.indexOf('You are terse.') < system.indexOf('CLARION-ANNOTATE'), `prefix kept: ${system}`);
        assert.ok(system.indexOf('You are terse.') >= 0);
      });

      test(`${label}: clarify/instruct injects the ask-instead instruction and forwards`, async () => {
        const { headers } = await ask(api, stream, 'instruct');
        assert.equal(headers.get('x-clarion-action'), 'clarify');
        assert.equal(headers.get('x-clarion-mode'), 'instruct');
        assert.match(upstreamSystem(api), /CLARION-CLARIFY/);
      });

      test(`${label}: clarify/respond answers with the question itself, upstream not called`, async () => {
        const before = upstream.requests.length;
        const { text, headers } = await ask(api, stream, 'respond');
        assert.equal(text, QUESTION);
        assert.equal(headers.get('x-clarion-action'), 'clarify');
        assert.equal(headers.get('x-clarion-mode'), 'respond');
        assert.equal(upstream.requests.length, before, 'no upstream call');
      });

      test(`${label}: defer replies with the deferral and queues a review`, async () => {
        const before = upstream.requests.length;
        const { text, headers } = await ask(api, stream, 'defer');
        assert.equal(text, DEFERRAL);
        assert.equal(headers.get('x-clarion-action'), 'defer');
        assert.equal(upstream.requests.length, before);
      });

      test(`${label}: escalate sends the request to the stronger model`, async () => {
        const { headers } = await ask(api, stream, 'escalate');
        assert.equal(headers.get('x-clarion-action'), 'escalate');
        assert.equal(upstream.requests.at(-1)?.json?.model, 'strong-model');
      });

      test(`${label}: shadow reports the decision but forwards unchanged`, async () => {
        const { headers } = await ask(api, stream, 'shadow');
        assert.equal(headers.get('x-clarion-action'), 'annotate');
        assert.equal(headers.get('x-clarion-shadow'), 'true');
        assert.doesNotMatch(upstreamSystem(api), /CLARION-ANNOTATE/);
      });
    }
  }

  test('every proxied response carries the clarion headers, and an event id when recorded', async () => {
    const { headers } = await ask('chat', false, 'respond');
    assert.ok(headers.get('x-clarion-score'));
    assert.equal(headers.get('x-clarion-policy-version'), 'actions-1');
    assert.match(headers.get('x-clarion-event-id') ?? '', /^[0-9A-Z]{26}\.[A-Za-z0-9_-]{22}$/);
  });

  test('deferred requests are listed in GET /admin/reviews and can be resolved', async () => {
    await ask('chat', false, 'defer');
    const denied = await fetch(`${clarion.url}/admin/reviews`);
    assert.equal(denied.status, 401);
    const listed = await fetch(`${clarion.url}/admin/reviews?status=open`, { headers: { authorization: 'Bearer test-admin' } });
    assert.equal(listed.status, 200);
    const body = (await listed.json()) as { reviews?: Array<{ id: string; text: string }> } | Array<{ id: string; text: string }>;
    const items = Array.isArray(body) ? body : (body.reviews ?? []);
    const item = items.find((r) => r.text.includes('Translate this'));
    assert.ok(item, 'the deferred request is on the queue');
    const resolved = await fetch(`${clarion.url}/admin/reviews/${item.id}/resolve`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-admin', 'content-type': 'application/json' },
      body: JSON.stringify({ by: 'tester', note: 'answered by phone' }),
    });
    assert.equal(resolved.status, 200);
  });

  test('Vercel AI SDK (OpenAI provider): generateText and streamText parse a clarifying reply', async () => {
    const provider = createOpenAI({ baseURL: clarion.openaiBaseUrl, apiKey: 'sk-test', headers: { 'x-test-action': 'respond' } });
    const generated = await generateText({ model: provider.chat('gpt-4o-mini'), prompt: PROMPT });
    assert.equal(generated.text, QUESTION);
    const streamed = streamText({ model: provider.chat('gpt-4o-mini'), prompt: PROMPT });
    let text = '';
    for await (const delta of streamed.textStream) text += delta;
    assert.equal(text, QUESTION);
    const viaResponses = await generateText({ model: provider.responses('gpt-4o-mini'), prompt: PROMPT });
    assert.equal(viaResponses.text, QUESTION);
  });
});
