/**
 * Every route's failure modes, walked one by one: each answer must carry a code from the one
 * catalogue (src/errors.ts), in the route's own error shape, and every code must be documented in
 * docs/errors.md.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfig } from '../../src/config/load.js';
import type { Detector } from '../../src/detect/index.js';
import { ERRORS } from '../../src/errors.js';
import { buildServer, type ClarionServer } from '../../src/server.js';
import { silentLogger } from '../events/fixtures.js';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream.js';
import { startClarion, type RunningClarion } from '../helpers/clarion.js';
import { freePort } from '../helpers/redis-server.js';

const DOCS = readFileSync(resolve(import.meta.dirname, '..', '..', 'docs', 'errors.md'), 'utf8');
const CHAT = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Tell me a short story about a lighthouse keeper.' }] });
const MESSAGES = JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Tell me a short story.' }] });
const ADMIN = { authorization: 'Bearer test-admin' };

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** node:http, so the request carries exactly the headers given (fetch adds its own content-type). */
function send(url: string, options: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolvePromise, reject) => {
    const body = options.body;
    const headers = body === undefined ? { ...options.headers } : { 'content-length': String(Buffer.byteLength(body)), ...options.headers };
    const req = httpRequest(url, { method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> }));
    });
    req.once('error', reject);
    req.end(body);
  });
}

const json = { 'content-type': 'application/json' };

/** The catalogue code of an answer in either shape, checked against the shape the route promises. */
function codeOf(answer: Answer, shape: 'openai' | 'anthropic'): string {
  const error = answer.body.error as Record<string, unknown>;
  assert.ok(typeof error === 'object' && error !== null, `an error body: ${JSON.stringify(answer.body)}`);
  if (shape === 'anthropic') {
    // The Anthropic shape has no code field: the catalogue entry is the one with this status,
    // this type and the message the error starts with.
    assert.equal(answer.body.type, 'error');
    const message = String(error.message);
    const found = Object.entries(ERRORS).find(
      ([, spec]) => spec.anthropicType === error.type && spec.status === answer.status && message.startsWith(spec.message),
    );
    assert.ok(found !== undefined, `no catalogue entry for Anthropic type ${String(error.type)}, status ${answer.status}, message ${message}`);
    return found[0];
  }
  assert.equal(typeof error.message, 'string');
  assert.equal(error.param, null);
  return String(error.code);
}

/** Asserts the answer is `expected`, in the catalogue with its status and type, and documented. */
function expectError(answer: Answer, expected: keyof typeof ERRORS, shape: 'openai' | 'anthropic' = 'openai'): void {
  const code = codeOf(answer, shape);
  assert.equal(code, expected, JSON.stringify(answer.body));
  const spec = ERRORS[expected];
  assert.equal(answer.status, spec.status);
  const type = (answer.body.error as Record<string, unknown>).type;
  assert.equal(type, shape === 'openai' ? spec.openaiType : spec.anthropicType);
  assert.ok(DOCS.includes(`| \`${code}\` | ${spec.status} |`), `${code} is documented in docs/errors.md with its status`);
}

test('every catalogue code is documented in docs/errors.md', () => {
  for (const [code, spec] of Object.entries(ERRORS)) {
    assert.ok(DOCS.includes(`| \`${code}\` | ${spec.status} | \`${spec.openaiType}\` | \`${spec.anthropicType}\` |`), `${code} row in docs/errors.md`);
  }
});

describe('a running proxy', () => {
  let upstream: FakeUpstream;
  let clarion: RunningClarion;
  before(async () => {
    upstream = await startFakeUpstream();
    clarion = await startClarion({
      upstream,
      serverConfig: 'bodyLimitBytes: 4096\nadminToken: test-admin',
      openaiUpstreamExtra: 'timeouts: { firstByteMs: 300 }',
    });
  });
  after(async () => {
    await clarion.close();
    await upstream.close();
  });

  const protocolRoutes = [
    { path: '/v1/chat/completions', body: CHAT, shape: 'openai' as const },
    { path: '/v1/responses', body: JSON.stringify({ model: 'gpt-4o-mini', input: 'hi' }), shape: 'openai' as const },
    { path: '/v1/messages', body: MESSAGES, shape: 'anthropic' as const },
  ];
  for (const route of protocolRoutes) {
    test(`${route.path}: bad JSON, not an object, wrong content type, too large, upstream timeout`, async () => {
      const url = `${clarion.url}${route.path}`;
      expectError(await send(url, { body: '{"model":', headers: json }), 'CLARION_INVALID_JSON', route.shape);
      expectError(await send(url, { body: '[1,2]', headers: json }), 'CLARION_INVALID_REQUEST', route.shape);
      expectError(await send(url, { body: route.body, headers: { 'content-type': 'text/plain' } }), 'CLARION_UNSUPPORTED_MEDIA_TYPE', route.shape);
      expectError(await send(url, { body: 'x'.repeat(5000), headers: json }), 'CLARION_BODY_TOO_LARGE', route.shape);
      if (route.shape === 'openai') {
        expectError(await send(url, { body: route.body, headers: { ...json, 'x-fake-behaviour': 'hang' } }), 'CLARION_UPSTREAM_TIMEOUT', route.shape);
      }
    });
  }

  test('pass-through and unknown paths: timeout, undecodable URL, not found', async () => {
    expectError(await send(`${clarion.url}/v1/embeddings`, { body: '{}', headers: { ...json, 'x-fake-behaviour': 'hang' } }), 'CLARION_UPSTREAM_TIMEOUT');
    expectError(await send(`${clarion.url}/v1/models/%zz`), 'CLARION_INVALID_REQUEST');
    expectError(await send(`${clarion.url}/nope`), 'CLARION_NOT_FOUND');
    expectError(await send(`${clarion.url}/nope`, { headers: { 'anthropic-version': '2023-06-01' } }), 'CLARION_NOT_FOUND', 'anthropic');
  });

  test('/v1/clarion/feedback: bad JSON, invalid body, too large, unknown event', async () => {
    const url = `${clarion.url}/v1/clarion/feedback`;
    expectError(await send(url, { body: 'not json', headers: json }), 'CLARION_INVALID_JSON');
    expectError(await send(url, { body: JSON.stringify({ verdict: 'meh' }), headers: json }), 'CLARION_INVALID_REQUEST');
    expectError(await send(url, { body: JSON.stringify({ note: 'x'.repeat(1_100_000) }), headers: json }), 'CLARION_BODY_TOO_LARGE');
    expectError(await send(url, { body: JSON.stringify({ eventId: '01ZZZZZZZZZZZZZZZZZZZZZZZZ', verdict: 'needed' }), headers: json }), 'CLARION_NOT_FOUND');
  });

  test('/admin: auth missing or wrong, bad JSON, bad query, unknown review', async () => {
    expectError(await send(`${clarion.url}/admin/policy`), 'CLARION_UNAUTHORIZED');
    expectError(await send(`${clarion.url}/admin/policy`, { headers: { authorization: 'Bearer wrong' } }), 'CLARION_UNAUTHORIZED');
    expectError(await send(`${clarion.url}/admin/reviews/rv-1/resolve`, { body: '{"by":', headers: { ...ADMIN, ...json } }), 'CLARION_INVALID_JSON');
    expectError(await send(`${clarion.url}/admin/reviews?status=closed`, { headers: ADMIN }), 'CLARION_INVALID_REQUEST');
    expectError(
      await send(`${clarion.url}/admin/reviews/rv-0000000000001-00000000/resolve`, { body: '{}', headers: { ...ADMIN, ...json } }),
      'CLARION_NOT_FOUND',
    );
  });
});

describe('a proxy whose upstream, Redis and detector are all failing, with no admin token', () => {
  let server: ClarionServer;
  let url: string;
  const dir = mkdtempSync(join(tmpdir(), 'clarion-failure-modes-'));
  const failing: Detector = {
    assess: () => {
      throw new Error('detector bug');
    },
  } as unknown as Detector;

  before(async () => {
    const policyFile = join(dir, 'policy.yaml');
    writeFileSync(policyFile, 'version: fail-closed\ndefaults:\n  failClosed: true\nnorms: []\n');
    const text = [
      'server: { host: 127.0.0.1, port: 0 }',
      'upstreams:',
      '  - name: openai',
      '    api: openai',
      `    baseUrl: http://127.0.0.1:${await freePort()}/v1`,
      `redis: { url: "redis://127.0.0.1:${await freePort()}", commandTimeoutMs: 200 }`,
      'policy: { file: policy.yaml, watch: false }',
    ].join('\n');
    const file = join(dir, 'clarion.yaml');
    server = await buildServer({ config: parseConfig(text, file, {}), file, dir }, { logger: silentLogger, dataDir: join(dir, 'data'), detector: failing });
    url = await server.listen();
  });
  after(async () => {
    await server.close(500);
    rmSync(dir, { recursive: true, force: true });
  });

  test('detection fails and the policy fails closed -> CLARION_INTERNAL', async () => {
    expectError(await send(`${url}/v1/chat/completions`, { body: CHAT, headers: json }), 'CLARION_INTERNAL');
  });

  test('no upstream for the family -> CLARION_NO_UPSTREAM; upstream down -> CLARION_UPSTREAM_UNREACHABLE', async () => {
    expectError(await send(`${url}/v1/models/claude-x`, { headers: { 'anthropic-version': '2023-06-01' } }), 'CLARION_NO_UPSTREAM', 'anthropic');
    expectError(await send(`${url}/v1/models`), 'CLARION_UPSTREAM_UNREACHABLE');
  });

  test('feedback while the event store is down -> CLARION_EVENT_STORE_UNAVAILABLE', async () => {
    const answer = await send(`${url}/v1/clarion/feedback`, {
      body: JSON.stringify({ eventId: '01ZZZZZZZZZZZZZZZZZZZZZZZZ', verdict: 'needed' }),
      headers: json,
    });
    expectError(answer, 'CLARION_EVENT_STORE_UNAVAILABLE');
  });

  test('admin without a configured token -> CLARION_NOT_FOUND', async () => {
    expectError(await send(`${url}/admin/policy`, { headers: ADMIN }), 'CLARION_NOT_FOUND');
  });
});
