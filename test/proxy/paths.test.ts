/**
 * The policy sees what the upstream will act on: a pass-through path with dot-segments (as-is or
 * percent-encoded) or an encoded slash is refused before routing, so `/v1/x/../chat/completions`
 * cannot reach the upstream's chat route unassessed and `/v1/../../admin` cannot leave the
 * upstream's base path carrying the server-side key.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { hasUnsafeSegment } from '../../src/proxy/path-safety.js';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream.js';
import { startClarion, type RunningClarion } from '../helpers/clarion.js';

/** Sends `path` exactly as written (fetch and URL would resolve the dot-segments first). */
function rawRequest(base: string, method: string, path: string, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(base);
    const req = httpRequest(
      { host: url.hostname, port: url.port, method, path, headers: body === undefined ? {} : { 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

const UNSAFE = [
  '/v1/x/../chat/completions',
  '/v1/../../admin',
  '/v1/./models',
  '/v1/x/%2e%2e/chat/completions',
  '/v1/x/%2E%2e/chat/completions',
  '/v1/x/.%2E/chat/completions',
  '/v1/%2e/models',
  '/v1/x/..%2fchat/completions',
  '/v1/x/%2F..%2Fadmin',
  '/v1/x/..%5cadmin',
  '/v1/x/..\\admin',
  '/v1/files/..?x=1',
];

describe('hasUnsafeSegment', () => {
  for (const path of UNSAFE) test(`${path} is unsafe`, () => assert.equal(hasUnsafeSegment(path.split('?')[0] ?? ''), true));
  for (const path of ['/v1/models', '/v1/files/file-abc.jsonl', '/v1/models/gpt-4o...', '/v1/x/..a/b', '/v1/%2e%2ex'])
    test(`${path} is safe`, () => assert.equal(hasUnsafeSegment(path), false));
});

describe('pass-through refuses dot-segments before routing', () => {
  let upstream: FakeUpstream;
  let clarion: RunningClarion;

  before(async () => {
    upstream = await startFakeUpstream();
    clarion = await startClarion({ upstream, openaiUpstreamExtra: 'auth: { header: authorization, value: "Bearer server-key" }' });
  });
  after(async () => {
    await clarion.close();
    await upstream.close();
  });

  for (const path of UNSAFE) {
    test(`${path} -> 400, never forwarded`, async () => {
      upstream.reset();
      const res = await rawRequest(clarion.url, 'POST', path, JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }));
      assert.equal(res.status, 400, res.body);
      assert.match(res.body, /CLARION_INVALID_REQUEST/);
      assert.equal(upstream.requests.length, 0);
    });
  }

  test('ordinary pass-through paths still go through', async () => {
    upstream.reset();
    const res = await rawRequest(clarion.url, 'GET', '/v1/models');
    assert.equal(res.status, 200);
    assert.equal(upstream.requests.at(-1)?.path, '/v1/models');
  });
});

describe("Clarion's own namespace is never forwarded", () => {
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

  for (const [method, path] of [
    ['GET', '/v1/clarion/feedback'],
    ['DELETE', '/v1/clarion/feedback'],
    ['GET', '/v1/clarion/unknown'],
    ['GET', '/v1/clarion'],
  ] as const) {
    test(`${method} ${path} -> 404, never forwarded`, async () => {
      upstream.reset();
      const res = await rawRequest(clarion.url, method, path);
      assert.equal(res.status, 404, res.body);
      assert.match(res.body, /CLARION_NOT_FOUND/);
      assert.equal(upstream.requests.length, 0);
    });
  }
});
