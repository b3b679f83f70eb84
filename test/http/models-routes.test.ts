/**
 * GET /v1/models: every upstream's list merged, in the client's shape, cached briefly; an upstream
 * that fails is skipped and named in x-clarion-models-skipped. Read through the official SDKs.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream.js';
import { startClarion, type RunningClarion } from '../helpers/clarion.js';
import { sdkClients } from '../helpers/sdk.js';

describe('GET /v1/models', () => {
  let upstream: FakeUpstream;
  let broken: FakeUpstream;
  let clarion: RunningClarion;

  before(async () => {
    upstream = await startFakeUpstream();
    broken = await startFakeUpstream();
    broken.setBehaviour({ status: 500 });
    clarion = await startClarion({
      upstream,
      moreUpstreams: `- name: local\n  api: openai\n  baseUrl: ${broken.openaiBaseUrl}`,
      extraConfig: 'models: { cacheTtlMs: 60000, timeoutMs: 2000 }',
    });
  });
  after(async () => {
    await clarion.close();
    await upstream.close();
    await broken.close();
  });

  test('OpenAI clients see the models of every upstream, claude-* included; the failing one is reported', async () => {
    const { openai } = sdkClients({ openai: clarion.openaiBaseUrl, anthropic: clarion.url });
    const { data, response } = await openai.models.list().withResponse();
    const ids = [];
    for await (const model of data) ids.push(model.id);
    assert.deepEqual(ids.sort(), ['claude-fake', 'claude-fake-large', 'gpt-fake', 'gpt-fake-large', 'text-embedding-fake']);
    assert.equal(response.headers.get('x-clarion-models-skipped'), 'local (500)');
    const raw = (await (await fetch(`${clarion.url}/v1/models`, { headers: { authorization: 'Bearer sk-a' } })).json()) as {
      object: string;
      data: Array<Record<string, unknown>>;
    };
    assert.equal(raw.object, 'list');
    const claude = raw.data.find((m) => m.id === 'claude-fake');
    assert.deepEqual(Object.keys(claude ?? {}).sort(), ['created', 'id', 'object', 'owned_by']);
    assert.equal(typeof claude?.created, 'number');
  });

  test('Anthropic clients get the Anthropic shape, gpt-* included', async () => {
    const { anthropic } = sdkClients({ openai: clarion.openaiBaseUrl, anthropic: clarion.url });
    const page = await anthropic.models.list();
    const ids = page.data.map((m) => m.id).sort();
    assert.deepEqual(ids, ['claude-fake', 'claude-fake-large', 'gpt-fake', 'gpt-fake-large', 'text-embedding-fake']);
    assert.equal(page.data[0]?.type, 'model');
    assert.match(String(page.data[0]?.created_at), /^\d{4}-\d\d-\d\dT/);
  });

  test('lists are cached per upstream and credential', async () => {
    const listCalls = (): number => upstream.requests.filter((r) => r.path === '/v1/models').length;
    const before = listCalls();
    const headers = { authorization: 'Bearer sk-cache-test' };
    await (await fetch(`${clarion.url}/v1/models`, { headers })).text();
    const once = listCalls();
    assert.ok(once > before, 'the first call fetched');
    await (await fetch(`${clarion.url}/v1/models`, { headers })).text();
    assert.equal(listCalls(), once, 'the second call came from the cache');
    await (await fetch(`${clarion.url}/v1/models`, { headers: { authorization: 'Bearer sk-someone-else' } })).text();
    assert.ok(listCalls() > once, 'another credential is fetched on its own');
  });
});

test('when no upstream answers: 502 in the client error shape, every upstream named', async () => {
  const upstream = await startFakeUpstream();
  upstream.setBehaviour({ status: 503, retryAfter: '0' });
  const clarion = await startClarion({ upstream });
  try {
    const res = await fetch(`${clarion.url}/v1/models`, { headers: { 'anthropic-version': '2023-06-01' } });
    assert.equal(res.status, 502);
    assert.equal(res.headers.get('x-clarion-models-skipped'), 'openai (503), anthropic (503)');
    const body = (await res.json()) as { type: string; error: { type: string } };
    assert.equal(body.type, 'error');
  } finally {
    await clarion.close();
    await upstream.close();
  }
});
