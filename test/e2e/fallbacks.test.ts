/**
 * Upstream resilience end to end: the fake upstream fails in each way (connect refused, dropped
 * connection, 429 with retry-after, 5xx, reset mid-stream) and the client sees a retry on the same
 * upstream, a fallback to the next one, or — once bytes reached it — the failure, never a retry.
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream.js';
import { startClarion, type RunningClarion } from '../helpers/clarion.js';

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/v1`;
}

const CHAT = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello to the team in the #general channel.' }] };

describe('retries and fallbacks', () => {
  let primary: FakeUpstream;
  let backup: FakeUpstream;
  let clarion: RunningClarion;
  let refused: RunningClarion;

  before(async () => {
    primary = await startFakeUpstream();
    backup = await startFakeUpstream();
    const routing = 'routing:\n  - model: "gpt-*"\n    upstream: openai\n    fallbacks: [backup]\n';
    clarion = await startClarion({
      upstream: primary,
      openaiUpstreamExtra: 'retries: { max: 2, backoffMs: 5, maxBackoffMs: 20, maxRetryAfterMs: 200 }',
      moreUpstreams: `- name: backup\n  api: openai\n  baseUrl: ${backup.openaiBaseUrl}`,
      extraConfig: routing,
    });
    // An openai upstream nothing listens on, with the working one as its fallback.
    refused = await startClarion({
      upstream: { ...primary, openaiBaseUrl: await closedPortUrl() },
      openaiUpstreamExtra: 'retries: { max: 1, backoffMs: 5 }',
      moreUpstreams: `- name: backup\n  api: openai\n  baseUrl: ${backup.openaiBaseUrl}`,
      extraConfig: routing,
    });
  });
  afterEach(() => {
    primary.reset();
    backup.reset();
  });
  after(async () => {
    await clarion.close();
    await refused.close();
    await primary.close();
    await backup.close();
  });

  async function chat(target: RunningClarion, body: object = CHAT): Promise<Response> {
    return fetch(`${target.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
      body: JSON.stringify(body),
    });
  }
  async function metric(target: RunningClarion, pattern: RegExp): Promise<number> {
    const text = await (await fetch(`${target.url}/metrics`)).text();
    const line = text.split('\n').find((l) => pattern.test(l));
    return line === undefined ? 0 : Number(line.split(' ').at(-1));
  }

  test('a 5xx before the first byte is retried on the same upstream, and the header names who served', async () => {
    primary.setBehaviour({ status: 503, retryAfter: '0', failFirst: 1 });
    const res = await chat(clarion);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-clarion-upstream'), 'openai');
    assert.match(((await res.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content ?? '', /^echo:/);
    assert.equal(primary.requests.length, 2);
    assert.equal(backup.requests.length, 0);
    assert.ok((await metric(clarion, /^clarion_upstream_retries_total\{upstream="openai",reason="status_5xx"\}/)) >= 1);
  });

  test('a 429 waits for its retry-after, then succeeds', async () => {
    primary.setBehaviour({ status: 429, retryAfter: '0.08', failFirst: 1 });
    const started = performance.now();
    const res = await chat(clarion);
    assert.equal(res.status, 200);
    assert.ok(performance.now() - started >= 75, 'waited at least the retry-after');
    assert.equal(primary.requests.length, 2);
    assert.ok((await metric(clarion, /^clarion_upstream_retries_total\{upstream="openai",reason="status_429"\}/)) >= 1);
  });

  test('a retry-after beyond the cap is not waited for: the fallback serves at once', async () => {
    primary.setBehaviour({ status: 429, retryAfter: '30' });
    const res = await chat(clarion);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-clarion-upstream'), 'backup');
    assert.equal(primary.requests.length, 1);
    assert.equal(backup.requests.length, 1);
  });

  test('an upstream that keeps failing is tried 1 + max times, then the fallbacks in order', async () => {
    primary.setBehaviour({ status: 500 });
    const res = await chat(clarion);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-clarion-upstream'), 'backup');
    assert.equal(primary.requests.length, 3);
    assert.equal(backup.requests.length, 1);
    assert.deepEqual(backup.requests[0]?.json, CHAT, 'the fallback gets the same body');
    assert.ok((await metric(clarion, /^clarion_upstream_fallbacks_total\{from="openai",to="backup"\}/)) >= 1);
  });

  test('when every candidate fails, the last answer is relayed as it came', async () => {
    primary.setBehaviour({ status: 502 });
    backup.setBehaviour({ status: 503, retryAfter: '0' });
    const res = await chat(clarion);
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('x-clarion-upstream'), 'backup');
    assert.equal(((await res.json()) as { error: { type: string } }).error.type, 'server_error');
    assert.equal(primary.requests.length, 3);
    assert.equal(backup.requests.length, 1);
  });

  test('a connection closed before any byte is retried', async () => {
    primary.setBehaviour({ drop: true, failFirst: 1 });
    const res = await chat(clarion);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-clarion-upstream'), 'openai');
    assert.equal(primary.requests.length, 2);
  });

  test('connection refused: retried, then the fallback serves', async () => {
    const res = await chat(refused);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-clarion-upstream'), 'backup');
    assert.equal(backup.requests.length, 1);
    assert.ok((await metric(refused, /^clarion_upstream_retries_total\{upstream="openai",reason="connect"\}/)) >= 2);
  });

  test('never after bytes reached the client: a stream reset midway ends with an error, no retry, no fallback', async () => {
    primary.setBehaviour({ resetAfter: 2, streamChunks: 6 });
    const res = await chat(clarion, { ...CHAT, stream: true });
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /data: /);
    assert.match(text, /error/);
    assert.equal(primary.requests.length, 1);
    assert.equal(backup.requests.length, 0);
  });

  test('a streamed pass-through body is sent once: its 5xx is relayed', async () => {
    primary.setBehaviour({ status: 503, retryAfter: '0' });
    const res = await fetch(`${clarion.url}/v1/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'text-embedding-fake', input: 'x' }),
    });
    assert.equal(res.status, 503);
    assert.equal(primary.requests.length, 1);
    assert.equal(backup.requests.length, 0);
  });

  test('a body-less pass-through request is retried', async () => {
    primary.setBehaviour({ status: 500, failFirst: 1 });
    const res = await fetch(`${clarion.url}/v1/models/gpt-fake`, { headers: { authorization: 'Bearer sk-test' } });
    assert.equal(res.headers.get('x-clarion-upstream'), 'openai');
    assert.equal(primary.requests.length, 2);
  });
});
