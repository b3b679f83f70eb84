/**
 * CORS: Clarion answers preflights itself from `server.corsAllowOrigins` (default: none), so a
 * web page can only spend the server-side key from an origin the operator named; the upstream's
 * own CORS headers never reach the browser.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { clientResponseHeaders } from '../../src/proxy/headers.js';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream.js';
import { startClarion, type RunningClarion } from '../helpers/clarion.js';

const preflight = (url: string, origin: string) =>
  fetch(url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
  });

test("the upstream's CORS headers are never relayed", () => {
  const out = clientResponseHeaders({ 'content-type': 'application/json', 'access-control-allow-origin': '*', 'access-control-allow-credentials': 'true' });
  assert.deepEqual(out, { 'content-type': 'application/json' });
});

describe('CORS with the default (no origin allowed)', () => {
  let upstream: FakeUpstream;
  let clarion: RunningClarion;
  before(async () => {
    upstream = await startFakeUpstream();
    clarion = await startClarion({ upstream });
  });
  after(async () => {
    await clarion.close();
    await upstream.close();
  });

  for (const path of ['/v1/chat/completions', '/v1/models', '/v1/messages']) {
    test(`OPTIONS ${path} is answered by Clarion without allowing the origin`, async () => {
      upstream.reset();
      const res = await preflight(`${clarion.url}${path}`, 'https://evil.example');
      assert.ok(res.status === 204 || res.status === 403, String(res.status));
      assert.equal(res.headers.get('access-control-allow-origin'), null);
      assert.equal(upstream.requests.length, 0, 'never relayed upstream');
    });
  }
});

describe('CORS with an allow-list', () => {
  let upstream: FakeUpstream;
  let clarion: RunningClarion;
  before(async () => {
    upstream = await startFakeUpstream();
    clarion = await startClarion({ upstream, serverConfig: 'corsAllowOrigins: ["https://app.example"]' });
  });
  after(async () => {
    await clarion.close();
    await upstream.close();
  });

  test('a listed origin gets its preflight answered', async () => {
    const res = await preflight(`${clarion.url}/v1/chat/completions`, 'https://app.example');
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), 'https://app.example');
    assert.match(res.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.match(res.headers.get('access-control-allow-headers') ?? '', /authorization/);
    assert.equal(upstream.requests.length, 0);
  });

  test('another origin does not', async () => {
    const res = await preflight(`${clarion.url}/v1/chat/completions`, 'https://evil.example');
    assert.equal(res.headers.get('access-control-allow-origin'), null);
  });

  test('the actual request from a listed origin carries the allow header', async () => {
    const res = await fetch(`${clarion.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { origin: 'https://app.example', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Tell me a story about a lighthouse.' }] }),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), 'https://app.example');
    assert.match(res.headers.get('vary') ?? '', /origin/i);
  });
});
