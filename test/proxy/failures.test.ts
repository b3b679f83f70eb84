/**
 * What the client sees when something goes wrong, in the route's own error shape, and that the
 * proxy keeps serving afterwards.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import OpenAI from 'openai';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream.js';
import { startClarion, type RunningClarion } from '../helpers/clarion.js';

const CHAT = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Tell me a short story about a lighthouse keeper.' }] };

async function post(
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text) as Record<string, unknown>, headers: res.headers };
}

describe('failures', () => {
  let upstream: FakeUpstream;
  let clarion: RunningClarion;
  let openai: OpenAI;

  before(async () => {
    upstream = await startFakeUpstream({ chunkDelayMs: 5 });
    clarion = await startClarion({ upstream, serverConfig: 'bodyLimitBytes: 4096', openaiUpstreamExtra: 'timeouts: { firstByteMs: 300, idleMs: 300 }' });
    openai = new OpenAI({ baseURL: clarion.openaiBaseUrl, apiKey: 'sk-test', maxRetries: 0 });
  });
  after(async () => {
    await clarion.close();
    await upstream.close();
  });

  test('invalid JSON -> 400 in the OpenAI shape; in the Anthropic shape on /v1/messages', async () => {
    const chat = await post(`${clarion.url}/v1/chat/completions`, '{"model": "gpt-4o", "messages": [');
    assert.equal(chat.status, 400);
    const error = chat.json.error as Record<string, unknown>;
    assert.equal(error.type, 'invalid_request_error');
    assert.equal(error.code, 'CLARION_INVALID_JSON');
    assert.equal(typeof error.message, 'string');
    assert.doesNotMatch(JSON.stringify(chat.json), /at .*\.ts:\d+/, 'no stack trace');

    const messages = await post(`${clarion.url}/v1/messages`, 'not json', { 'anthropic-version': '2023-06-01' });
    assert.equal(messages.status, 400);
    assert.equal(messages.json.type, 'error');
    assert.equal((messages.json.error as Record<string, unknown>).type, 'invalid_request_error');
  });

  test('body over the limit -> 413 in the protocol shape', async () => {
    const big = JSON.stringify({ ...CHAT, messages: [{ role: 'user', content: 'x'.repeat(10_000) }] });
    const chat = await post(`${clarion.url}/v1/chat/completions`, big);
    assert.equal(chat.status, 413);
    assert.equal((chat.json.error as Record<string, unknown>).code, 'CLARION_BODY_TOO_LARGE');
    const messages = await post(`${clarion.url}/v1/messages`, big);
    assert.equal(messages.status, 413);
    assert.equal((messages.json.error as Record<string, unknown>).type, 'request_too_large');
  });

  test('upstream first-byte timeout -> 504 with CLARION_UPSTREAM_TIMEOUT', async () => {
    await assert.rejects(openai.chat.completions.create(CHAT, { headers: { 'x-fake-behaviour': 'hang' } }), (error: unknown) => {
      assert.ok(error instanceof OpenAI.APIError);
      assert.equal(error.status, 504);
      assert.equal(error.code, 'CLARION_UPSTREAM_TIMEOUT');
      return true;
    });
  });

  test('upstream reset mid-stream: the SDK raises, and the proxy keeps serving', async () => {
    const stream = await openai.chat.completions.create({ ...CHAT, stream: true }, { headers: { 'x-fake-behaviour': 'reset-after=2 chunks=10' } });
    await assert.rejects(async () => {
      for await (const _chunk of stream) {
        // consume until the failure
      }
    });
    const ok = await openai.chat.completions.create(CHAT);
    assert.match(ok.choices[0]?.message.content ?? '', /^echo:/);
  });

  test('upstream stalls mid-stream past the idle timeout: the stream ends with an error the SDK raises', async () => {
    const stream = await openai.chat.completions.create({ ...CHAT, stream: true }, { headers: { 'x-fake-behaviour': 'stall-after=2' } });
    await assert.rejects(async () => {
      for await (const _chunk of stream) {
        // consume until the failure
      }
    }, /timeout|idle|upstream/i);
    const after = await openai.chat.completions.create(CHAT);
    assert.ok(after, 'the proxy keeps serving after a stalled stream');
    assert.match(after.choices[0]?.message.content ?? '', /^echo:/);
  });

  test('client abort mid-stream closes the upstream request', async () => {
    upstream.reset();
    const before = upstream.closedRequests;
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(
        `${clarion.url}/v1/chat/completions`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'x-fake-behaviour': 'stall-after=1' } },
        (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        },
      );
      req.on('error', () => {});
      req.once('error', reject);
      req.end(JSON.stringify({ ...CHAT, stream: true }));
    });
    const deadline = Date.now() + 2_000;
    while (upstream.closedRequests === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(upstream.closedRequests, before + 1, 'the upstream saw its client connection close');
  });

  test('x-request-id is propagated upstream; hop-by-hop and Clarion control headers are not', async () => {
    upstream.reset();
    // node:http, because fetch refuses to send hop-by-hop headers at all.
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        `${clarion.url}/v1/chat/completions`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-request-id': 'req-from-app-123',
            'x-clarion-tenant': 'team-a',
            'x-clarion-conversation-id': 'conv-1',
            'proxy-authorization': 'Basic c2VjcmV0',
            connection: 'keep-alive, x-hop-custom',
            'x-hop-custom': 'only-for-this-hop',
            'keep-alive': 'timeout=5',
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.once('error', reject);
      req.end(JSON.stringify(CHAT));
    });
    assert.equal(status, 200);
    const seen = upstream.requests.at(-1)!;
    assert.equal(seen.headers['x-request-id'], 'req-from-app-123');
    assert.equal(seen.headers['x-clarion-tenant'], undefined);
    assert.equal(seen.headers['x-clarion-conversation-id'], undefined);
    assert.equal(seen.headers['proxy-authorization'], undefined);
    assert.equal(seen.headers['keep-alive'], undefined);
    assert.equal(seen.headers['x-hop-custom'], undefined, 'headers named in Connection are hop-by-hop too');
  });

  test('the request log line has ids and durations and never a credential', async () => {
    await openai.chat.completions.create(CHAT, { headers: { 'x-request-id': 'log-check-1', cookie: 'session=abc123secret' } });
    await new Promise((r) => setTimeout(r, 50));
    const line = clarion.logs.find((l) => l.reqId === 'log-check-1');
    assert.ok(line, 'one line per request');
    assert.equal(line.route, '/v1/chat/completions');
    assert.equal(line.model, 'gpt-4o-mini');
    assert.equal(line.upstream, 'openai');
    assert.equal(line.status, 200);
    assert.equal(typeof line.totalMs, 'number');
    assert.equal(typeof line.overheadMs, 'number');
    const all = clarion.rawLogs.join('\n');
    assert.doesNotMatch(all, /sk-test/);
    assert.doesNotMatch(all, /abc123secret/);
  });

  test('metrics expose requests, durations, overhead, upstream errors and open streams', async () => {
    const text = await (await fetch(`${clarion.url}/metrics`)).text();
    assert.match(text, /clarion_requests_total\{route="chat",status="200",upstream="openai",action="pass"\} \d+/);
    assert.match(text, /clarion_request_duration_seconds_bucket/);
    assert.match(text, /clarion_overhead_seconds_bucket/);
    assert.match(text, /clarion_upstream_errors_total\{upstream="openai",kind="timeout"\} [1-9]/);
    assert.match(text, /clarion_open_streams 0/);
  });

  test('health and readiness', async () => {
    assert.equal((await fetch(`${clarion.url}/healthz`)).status, 200);
    const ready = await fetch(`${clarion.url}/readyz`);
    assert.equal(ready.status, 200);
    const body = (await ready.json()) as { policy: { ok: boolean; version: string } };
    assert.equal(body.policy.ok, true);
    assert.equal(body.policy.version, 'test-pass');
  });

  test('unknown non-/v1 paths -> 404 in the OpenAI shape', async () => {
    const res = await fetch(`${clarion.url}/nope`);
    assert.equal(res.status, 404);
    const body = (await res.json()) as { error: { code: string } };
    assert.equal(body.error.code, 'CLARION_NOT_FOUND');
  });
});

describe('upstream down', () => {
  test('connection refused -> 502 CLARION_UPSTREAM_UNREACHABLE, then the proxy keeps serving', async () => {
    const upstream = await startFakeUpstream();
    const clarion = await startClarion({ upstream });
    await upstream.close();
    try {
      const openai = new OpenAI({ baseURL: clarion.openaiBaseUrl, apiKey: 'sk-test', maxRetries: 0 });
      await assert.rejects(openai.chat.completions.create(CHAT), (error: unknown) => {
        assert.ok(error instanceof OpenAI.APIError);
        assert.equal(error.status, 502);
        assert.equal(error.code, 'CLARION_UPSTREAM_UNREACHABLE');
        return true;
      });
      assert.equal((await fetch(`${clarion.url}/healthz`)).status, 200);
    } finally {
      await clarion.close();
    }
  });
});
