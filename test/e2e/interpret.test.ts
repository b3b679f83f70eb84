/**
 * Offer interpretations, end to end through the official SDKs on all three APIs, plain and
 * streamed: the real detector finds a polysemous term, and the norm's interpret mode either tells
 * the model to answer under the readings it names (the fake upstream records what it received)
 * or, with `interpretBy: clarion`, Clarion answers with the readings itself.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type OpenAI from 'openai';
import type Anthropic from '@anthropic-ai/sdk';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream.js';
import { startClarion, type RunningClarion } from '../helpers/clarion.js';
import { sdkClients } from '../helpers/sdk.js';

const POLICY = `
version: interpret-e2e
norms:
  - name: readings-by-clarion
    when: { signals: [polysemy], headers: { x-test-by: clarion } }
    then: { action: clarify, mode: interpret, interpretBy: clarion, budget: 100 }
  - name: readings-by-model
    when: { signals: [polysemy, unanchored_time_place] }
    then: { action: clarify, mode: interpret, budget: 100 }
`;
const PROMPT = 'Tell me about mercury.';
const READINGS = '"mercury" as the planet, the element or the god';
const CLARION_REPLY = `Your request can be read in more than one way: ${READINGS}. Which one do you mean? Tell me and I will answer it.`;
type Api = 'chat' | 'responses' | 'messages';

describe('interpret mode through the SDKs', () => {
  let upstream: FakeUpstream;
  let clarion: RunningClarion;
  let openai: OpenAI;
  let anthropic: Anthropic;

  before(async () => {
    upstream = await startFakeUpstream();
    clarion = await startClarion({ upstream, policy: POLICY });
    ({ openai, anthropic } = sdkClients({ openai: clarion.openaiBaseUrl, anthropic: clarion.url }));
  });
  after(async () => {
    await clarion.close();
    await upstream.close();
  });

  async function send(api: Api, stream: boolean, by: 'model' | 'clarion', prompt = PROMPT): Promise<{ text: string; headers: Headers }> {
    const headers = { 'x-test-by': by, 'x-clarion-conversation-id': `interp-${Math.random()}` };
    if (api === 'chat') {
      const { data, response } = await openai.chat.completions
        .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }], stream }, { headers })
        .withResponse();
      if (!stream) return { text: (data as OpenAI.ChatCompletion).choices[0]?.message.content ?? '', headers: response.headers };
      let text = '';
      for await (const chunk of data as AsyncIterable<OpenAI.ChatCompletionChunk>) text += chunk.choices[0]?.delta.content ?? '';
      return { text, headers: response.headers };
    }
    if (api === 'responses') {
      const { data, response } = await openai.responses.create({ model: 'gpt-4o-mini', input: prompt, stream }, { headers }).withResponse();
      if (!stream) return { text: (data as OpenAI.Responses.Response).output_text, headers: response.headers };
      let text = '';
      for await (const event of data as AsyncIterable<OpenAI.Responses.ResponseStreamEvent>)
        if (event.type === 'response.output_text.delta') text += event.delta;
      return { text, headers: response.headers };
    }
    const { data, response } = await anthropic.messages
      .create({ model: 'claude-test-model', max_tokens: 100, messages: [{ role: 'user', content: prompt }], stream }, { headers })
      .withResponse();
    if (!stream) {
      const block = (data as Anthropic.Message).content[0];
      return { text: block?.type === 'text' ? block.text : '', headers: response.headers };
    }
    let text = '';
    for await (const event of data as AsyncIterable<Anthropic.RawMessageStreamEvent>) {
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    }
    return { text, headers: response.headers };
  }

  /** Everything the upstream received last, as text: the injected instruction is somewhere in it. */
  const lastBody = (): string => upstream.requests.at(-1)?.body ?? '';

  for (const api of ['chat', 'responses', 'messages'] as const) {
    for (const stream of [false, true]) {
      const label = `${api} ${stream ? 'streamed' : 'plain'}`;

      test(`${label}: by the model — the readings named in the instruction the upstream receives`, async () => {
        const before = upstream.requests.length;
        const { text, headers } = await send(api, stream, 'model');
        assert.equal(headers.get('x-clarion-action'), 'clarify');
        assert.equal(headers.get('x-clarion-mode'), 'interpret');
        assert.equal(headers.get('x-clarion-norm'), 'readings-by-model');
        assert.equal(upstream.requests.length, before + 1, 'the model is called');
        assert.match(text, /^echo: Tell me about mercury/);
        const body = JSON.parse(lastBody()) as unknown;
        const sent = JSON.stringify(body);
        assert.ok(sent.includes(`most plausible readings (${READINGS.replaceAll('"', '\\"')})`), sent);
        assert.ok(sent.includes('invite the user to say which one they meant'));
      });

      test(`${label}: by Clarion — the readings are the reply, the upstream is not called`, async () => {
        const before = upstream.requests.length;
        const { text, headers } = await send(api, stream, 'clarion');
        assert.equal(text, CLARION_REPLY);
        assert.equal(headers.get('x-clarion-mode'), 'interpret');
        assert.equal(headers.get('x-clarion-norm'), 'readings-by-clarion');
        assert.equal(upstream.requests.length, before);
      });
    }
  }

  test('unanchored place: the model is told to choose the readings itself', async () => {
    const { headers } = await send('chat', false, 'model', 'What is the weather like today?');
    assert.equal(headers.get('x-clarion-mode'), 'interpret');
    assert.match(lastBody(), /the ones you judge most plausible from the request/);
  });
});
