/**
 * Don't ask what the app cannot show, end to end through the official SDKs: a clarify norm meets
 * a request whose reply contract has no room for a question (a JSON schema, a forced tool call,
 * several choices). The request is answered with stated assumptions instead (annotate), the
 * instruction the model receives restates the contract, and the stored event says why.
 */
import { bareEventId } from '../../src/events/capability.js';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type OpenAI from 'openai';
import type Anthropic from '@anthropic-ai/sdk';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream.js';
import { startClarion, type RunningClarion } from '../helpers/clarion.js';
import { sdkClients } from '../helpers/sdk.js';

const POLICY = `
version: contract-1
norms:
  - name: ask-always
    when: { score: { min: 0 } }
    then: { action: clarify, budget: 100 }
`;
const PROMPT = 'Translate this sentence: the weather is lovely today.';
const SCHEMA = { name: 'translation', schema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } };
const TOOL_CHAT = { type: 'function' as const, function: { name: 'translate', parameters: { type: 'object', properties: { to: { type: 'string' } } } } };

describe('reply contract through the SDKs', () => {
  let upstream: FakeUpstream;
  let clarion: RunningClarion;
  let openai: OpenAI;
  let anthropic: Anthropic;
  const eventIds = new Map<string, string>();

  before(async () => {
    upstream = await startFakeUpstream();
    clarion = await startClarion({ upstream, policy: POLICY });
    ({ openai, anthropic } = sdkClients({ openai: clarion.openaiBaseUrl, anthropic: clarion.url }));
  });
  after(async () => {
    await clarion.close();
    await upstream.close();
  });

  /** The injected system text the upstream received last. */
  function lastSystem(): string {
    const json = upstream.requests.at(-1)?.json ?? {};
    if (Array.isArray(json.messages) && json.system === undefined) {
      return (json.messages as Array<{ role: string; content: unknown }>)
        .filter((m) => m.role === 'system' || m.role === 'developer')
        .map((m) => String(m.content))
        .join('\n');
    }
    if (typeof json.instructions === 'string') return json.instructions;
    return typeof json.system === 'string' ? json.system : JSON.stringify(json.system ?? '');
  }

  function expectAnnotated(headers: Headers, constraint: string, label: string): void {
    assert.equal(headers.get('x-clarion-action'), 'annotate', label);
    assert.equal(headers.get('x-clarion-norm'), 'ask-always');
    assert.equal(headers.get('x-clarion-mode'), null);
    const system = lastSystem();
    assert.ok(system.includes(`The app requires ${constraint} for this reply: keep to that exactly`), system);
    assert.doesNotMatch(system, /Do not answer the request yet/);
    eventIds.set(label, headers.get('x-clarion-event-id') ?? '');
  }

  for (const stream of [false, true]) {
    const how = stream ? 'streamed' : 'plain';

    test(`chat ${how}: response_format json_schema is annotated, not asked`, async () => {
      const { response } = await openai.chat.completions
        .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: PROMPT }], response_format: { type: 'json_schema', json_schema: SCHEMA }, stream })
        .withResponse();
      expectAnnotated(response.headers, 'response_format: json_schema', `chat-schema-${how}`);
    });

    test(`chat ${how}: tool_choice required is annotated, not asked`, async () => {
      const { response } = await openai.chat.completions
        .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: PROMPT }], tools: [TOOL_CHAT], tool_choice: 'required', stream })
        .withResponse();
      expectAnnotated(response.headers, 'tool_choice: required', `chat-tool-${how}`);
    });

    test(`chat ${how}: n = 2 is annotated, not asked`, async () => {
      const { response } = await openai.chat.completions
        .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: PROMPT }], n: 2, stream })
        .withResponse();
      expectAnnotated(response.headers, 'n: 2', `chat-n-${how}`);
    });

    test(`responses ${how}: text.format json_schema and a named tool are annotated, not asked`, async () => {
      const schema = await openai.responses
        .create({ model: 'gpt-4o-mini', input: PROMPT, text: { format: { type: 'json_schema', ...SCHEMA } }, stream })
        .withResponse();
      expectAnnotated(schema.response.headers, 'text.format: json_schema', `responses-schema-${how}`);
      const tool = await openai.responses
        .create({
          model: 'gpt-4o-mini',
          input: PROMPT,
          tools: [{ type: 'function', name: 'translate', parameters: { type: 'object', properties: {} }, strict: false }],
          tool_choice: { type: 'function', name: 'translate' },
          stream,
        })
        .withResponse();
      expectAnnotated(tool.response.headers, 'tool_choice: translate', `responses-tool-${how}`);
    });

    test(`messages ${how}: tool_choice any is annotated, not asked`, async () => {
      const { response } = await anthropic.messages
        .create({
          model: 'claude-test-model',
          max_tokens: 100,
          messages: [{ role: 'user', content: PROMPT }],
          tools: [{ name: 'translate', input_schema: { type: 'object', properties: {} } }],
          tool_choice: { type: 'any' },
          stream,
        })
        .withResponse();
      expectAnnotated(response.headers, 'tool_choice: any', `messages-tool-${how}`);
    });

    test(`chat, responses, messages ${how}: without a constraint the same request is asked`, async () => {
      const chat = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: PROMPT }], stream }).withResponse();
      assert.equal(chat.response.headers.get('x-clarion-action'), 'clarify');
      assert.match(lastSystem(), /exactly one short, targeted clarifying question/);
      const responses = await openai.responses.create({ model: 'gpt-4o-mini', input: PROMPT, stream }).withResponse();
      assert.equal(responses.response.headers.get('x-clarion-action'), 'clarify');
      const messages = await anthropic.messages
        .create({ model: 'claude-test-model', max_tokens: 100, messages: [{ role: 'user', content: PROMPT }], stream })
        .withResponse();
      assert.equal(messages.response.headers.get('x-clarion-action'), 'clarify');
    });
  }

  test('the stored event records why the question was not asked', async () => {
    await clarion.server.close(1_000);
    const dir = join(clarion.dir, 'data', 'events');
    const lines = readdirSync(dir)
      .filter((f) => f.endsWith('.jsonl') && !f.startsWith('labels'))
      .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n'))
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { id: string; action: string; reason: string });
    const id = eventIds.get('chat-schema-plain');
    const event = lines.find((e) => e.id === bareEventId(id ?? '')); // the header is ID.mac
    assert.ok(event, `event ${id} stored`);
    assert.equal(event.action, 'annotate');
    assert.match(event.reason, /the app requires response_format: json_schema, which a question would break, annotate instead of clarify/);
  });
});
