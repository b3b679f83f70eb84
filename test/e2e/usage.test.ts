/**
 * Token usage accounting through a live Clarion: the upstream's usage is read from the response
 * as it streams through — JSON and SSE, all three APIs — while the client receives the very bytes
 * the upstream sent; it reaches the Prometheus counters (by upstream, model, tenant, action), the
 * request log line and the event. Clarion's own replies report zero tokens.
 */
import { bareEventId } from '../../src/events/capability.js';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream.js';
import { startClarion, type RunningClarion } from '../helpers/clarion.js';

const POLICY = `
version: usage-1
norms:
  - name: t-respond
    when: { headers: { x-test-action: respond } }
    then: { action: clarify, mode: respond, reply: "Which one?", budget: 100 }
`;

const USER = 'Summarise the attached quarterly report for the board';

type Api = 'chat' | 'responses' | 'messages';
const PATHS: Record<Api, string> = { chat: '/v1/chat/completions', responses: '/v1/responses', messages: '/v1/messages' };

function bodyFor(api: Api, stream: boolean): Record<string, unknown> {
  if (api === 'chat') {
    return { model: 'gpt-fake', messages: [{ role: 'user', content: USER }], ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}) };
  }
  if (api === 'responses') return { model: 'gpt-fake', input: USER, ...(stream ? { stream: true } : {}) };
  return { model: 'claude-fake', max_tokens: 50, messages: [{ role: 'user', content: USER }], ...(stream ? { stream: true } : {}) };
}

async function post(base: string, api: Api, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}${PATHS[api]}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-clarion-tenant': 'acme', ...headers },
    body: JSON.stringify(body),
  });
}

/** The usage the upstream stated in the body the client received. */
function statedUsage(api: Api, text: string, stream: boolean): { input: number; output: number } {
  if (!stream) {
    const body = JSON.parse(text) as { usage: Record<string, number> };
    return api === 'chat'
      ? { input: body.usage.prompt_tokens!, output: body.usage.completion_tokens! }
      : { input: body.usage.input_tokens!, output: body.usage.output_tokens! };
  }
  const datas = text
    .split('\n')
    .filter((l) => l.startsWith('data: ') && l !== 'data: [DONE]')
    .map((l) => JSON.parse(l.slice(6)) as Record<string, unknown>);
  if (api === 'chat') {
    const last = datas.findLast((d) => d.usage !== null && d.usage !== undefined)!.usage as Record<string, number>;
    return { input: last.prompt_tokens!, output: last.completion_tokens! };
  }
  if (api === 'responses') {
    const done = datas.find((d) => d.type === 'response.completed')!.response as { usage: Record<string, number> };
    return { input: done.usage.input_tokens!, output: done.usage.output_tokens! };
  }
  const start = datas.find((d) => d.type === 'message_start')!.message as { usage: Record<string, number> };
  const delta = datas.find((d) => d.type === 'message_delta')!.usage as Record<string, number>;
  return { input: start.usage.input_tokens!, output: delta.output_tokens! };
}

async function counter(base: string, name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

function storedEvents(dir: string): Array<Record<string, unknown>> {
  const eventsDir = join(dir, 'data', 'events');
  return readdirSync(eventsDir)
    .filter((f) => /^\d{4}-\d{2}-\d{2}\.jsonl$/.test(f))
    .flatMap((f) => readFileSync(join(eventsDir, f), 'utf8').split('\n'))
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('token usage accounting', () => {
  let upstream: FakeUpstream;
  let clarion: RunningClarion;
  before(async () => {
    upstream = await startFakeUpstream({ streamChunks: 5 });
    clarion = await startClarion({
      upstream,
      policy: POLICY,
      serverConfig: 'trustClientHeaders: true',
      extraConfig: 'events:\n  record:\n    passSampleRate: 1',
    }); // counters by the tenant the header names
  });
  after(async () => {
    await clarion.close();
    await upstream.close();
  });

  for (const api of ['chat', 'responses', 'messages'] as const) {
    for (const stream of [false, true]) {
      test(`${api} ${stream ? 'SSE' : 'JSON'}: bytes untouched; usage in counters, log line and event`, async () => {
        const body = bodyFor(api, stream);
        const direct = await (await post(upstream.url, api, body)).text();
        const model = String(body.model);
        const upstreamName = api === 'messages' ? 'anthropic' : 'openai';
        const labels = `upstream="${upstreamName}",model="${model}",tenant="acme",action="pass"`;
        const inBefore = await counter(clarion.url, 'clarion_input_tokens_total', labels);
        const outBefore = await counter(clarion.url, 'clarion_output_tokens_total', labels);

        const res = await post(clarion.url, api, body);
        const text = await res.text();
        assert.equal(res.status, 200);
        assert.equal(text, direct, 'the client gets the upstream bytes unchanged');
        const stated = statedUsage(api, text, stream);

        const requestId = res.headers.get('x-clarion-request-id') ?? res.headers.get('x-request-id');
        let line: Record<string, unknown> | undefined;
        for (let i = 0; i < 50 && line === undefined; i++) {
          line = clarion.logs.find((l) => l.msg === 'request' && l.reqId === requestId);
          if (line === undefined) await new Promise((r) => setTimeout(r, 10));
        }
        assert.ok(line, 'the request log line');
        assert.equal(line.inputTokens, stated.input);
        assert.equal(line.outputTokens, stated.output);
        assert.equal(await counter(clarion.url, 'clarion_input_tokens_total', labels), inBefore + stated.input);
        assert.equal(await counter(clarion.url, 'clarion_output_tokens_total', labels), outBefore + stated.output);
      });
    }
  }

  test("Clarion's own reply: zero tokens in the reply, the log line and the event; no counter moves", async () => {
    const labels = 'tenant="acme",action="clarify"';
    const res = await post(clarion.url, 'chat', bodyFor('chat', false), { 'x-test-action': 'respond' });
    const body = (await res.json()) as { usage: Record<string, number> };
    assert.equal(res.headers.get('x-clarion-action'), 'clarify');
    assert.equal(body.usage.total_tokens, 0);
    const line = clarion.logs.findLast((l) => l.msg === 'request' && l.action === 'clarify');
    assert.equal(line?.inputTokens, 0);
    assert.equal(line?.outputTokens, 0);
    assert.equal(await counter(clarion.url, 'clarion_input_tokens_total', labels), 0);
    const eventId = res.headers.get('x-clarion-event-id');
    assert.ok(eventId);

    // The events: each one carries the usage of its request.
    const streamed = await post(clarion.url, 'messages', bodyFor('messages', true));
    const streamedText = await streamed.text();
    const streamedId = streamed.headers.get('x-clarion-event-id');
    assert.ok(streamedId, 'recorded (recordPasses)');
    await clarion.server.close(1_000);
    const events = storedEvents(clarion.dir);
    const own = events.find((e) => e.id === bareEventId(eventId)); // the header is ID.mac (the feedback capability)
    assert.deepEqual(own?.usage, { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 });
    const relayed = events.find((e) => e.id === bareEventId(streamedId));
    const stated = statedUsage('messages', streamedText, true);
    assert.deepEqual(relayed?.usage, { inputTokens: stated.input, outputTokens: stated.output, cachedInputTokens: 0 });
    assert.equal(relayed?.responseId, 'msg_fake0001');
  });
});
