/**
 * Compressed request bodies (issue 10, item 6): gzip, deflate (zlib or raw) and br bodies are
 * decoded and assessed, and the decoded request is what goes upstream; a bomb stops at the body
 * limit; any other coding, or a stack of them, gets 415 in the route's own shape; none of them is
 * ever forwarded unassessed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream.js';
import { startClarion, type RunningClarion } from '../helpers/clarion.js';

const INSTRUCTION = 'State your assumptions.';
const POLICY = `version: t\nnorms:\n  - name: all\n    when: {}\n    then: { action: annotate, instruction: "${INSTRUCTION}" }\n`;
const CHAT = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Tell me a short story about a lighthouse keeper.' }] });
const MESSAGES = JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Tell me a short story.' }] });

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: Record<string, unknown>;
}

/** POSTs raw bytes with exactly these headers. */
function post(url: string, body: Buffer, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(body.length), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> }),
        );
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

const CODINGS: Array<[string, string, (input: Buffer) => Buffer]> = [
  ['gzip', 'gzip', gzipSync],
  ['x-gzip', 'gzip', gzipSync],
  ['deflate', 'zlib', deflateSync],
  ['deflate', 'raw deflate', deflateRawSync],
  ['br', 'brotli', brotliCompressSync],
  ['GZIP', 'gzip', gzipSync],
];

describe('protocol routes: compressed request bodies', () => {
  let upstream: FakeUpstream;
  let clarion: RunningClarion;

  before(async () => {
    upstream = await startFakeUpstream();
    clarion = await startClarion({ upstream, policy: POLICY, serverConfig: 'bodyLimitBytes: 100000' });
  });
  after(async () => {
    await clarion.close();
    await upstream.close();
  });

  for (const [coding, format, compress] of CODINGS) {
    test(`${coding} (${format}) is decoded, assessed, and forwarded decoded`, async () => {
      upstream.reset();
      const res = await post(`${clarion.url}/v1/chat/completions`, compress(Buffer.from(CHAT)), { 'content-encoding': coding });
      assert.equal(res.status, 200, JSON.stringify(res.json));
      assert.equal(res.headers['x-clarion-action'], 'annotate', 'assessed and decided');
      assert.equal(upstream.requests.length, 1);
      const sent = upstream.requests[0];
      assert.equal(sent?.headers['content-encoding'], undefined, 'the decoded body goes upstream without the coding');
      assert.match(sent?.body ?? '', new RegExp(INSTRUCTION), 'the rewrite applied to the decoded request');
      assert.match(sent?.body ?? '', /lighthouse keeper/);
    });
  }

  test('a decoded pass decision forwards the decoded bytes with their own length', async () => {
    upstream.reset();
    const res = await post(`${clarion.url}/v1/messages`, gzipSync(Buffer.from(MESSAGES)), { 'content-encoding': 'gzip', 'anthropic-version': '2023-06-01' });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    const sent = upstream.requests[0];
    assert.equal(sent?.headers['content-encoding'], undefined);
    assert.equal(sent?.headers['content-length'], String(Buffer.byteLength(sent?.body ?? '')));
  });

  test('a gzip bomb stops at the body limit: 413, never forwarded', async () => {
    upstream.reset();
    // 50 MB of spaces inside valid JSON compresses to ~50 KB; the limit is 100 000 decoded bytes.
    const bomb = gzipSync(Buffer.concat([Buffer.from('{"model":"gpt-4o-mini","messages":[],"x":"'), Buffer.alloc(50_000_000, 0x20), Buffer.from('"}')]));
    assert.ok(bomb.length < 100_000);
    const res = await post(`${clarion.url}/v1/chat/completions`, bomb, { 'content-encoding': 'gzip' });
    assert.equal(res.status, 413);
    assert.equal((res.json.error as Record<string, unknown>).code, 'CLARION_BODY_TOO_LARGE');
    assert.equal(upstream.requests.length, 0);
  });

  test('deep JSON inside a compressed body is caught by the depth guard after decoding', async () => {
    upstream.reset();
    const deep = `{"model":"gpt-4o-mini","messages":${'['.repeat(500)}${']'.repeat(500)}}`;
    const res = await post(`${clarion.url}/v1/chat/completions`, gzipSync(Buffer.from(deep)), { 'content-encoding': 'gzip' });
    assert.equal(res.status, 400);
    assert.match(String((res.json.error as Record<string, unknown>).message), /nested deeper/);
    assert.equal(upstream.requests.length, 0);
  });

  test('bytes that are not the named coding: 400, never forwarded', async () => {
    upstream.reset();
    const res = await post(`${clarion.url}/v1/chat/completions`, Buffer.from(CHAT), { 'content-encoding': 'gzip' });
    assert.equal(res.status, 400);
    assert.equal((res.json.error as Record<string, unknown>).code, 'CLARION_INVALID_REQUEST');
    assert.equal(upstream.requests.length, 0);
  });

  for (const coding of ['compress', 'zstd', 'gzip, br', 'br,gzip']) {
    test(`content-encoding: ${coding} -> 415 in the route's shape, never forwarded`, async () => {
      upstream.reset();
      const chat = await post(`${clarion.url}/v1/chat/completions`, gzipSync(Buffer.from(CHAT)), { 'content-encoding': coding });
      assert.equal(chat.status, 415);
      assert.equal((chat.json.error as Record<string, unknown>).code, 'CLARION_UNSUPPORTED_CONTENT_ENCODING');
      const messages = await post(`${clarion.url}/v1/messages`, gzipSync(Buffer.from(MESSAGES)), {
        'content-encoding': coding,
        'anthropic-version': '2023-06-01',
      });
      assert.equal(messages.status, 415);
      assert.equal(messages.json.type, 'error');
      assert.equal((messages.json.error as Record<string, unknown>).type, 'invalid_request_error');
      assert.equal(upstream.requests.length, 0);
    });
  }

  test('identity is read as it is', async () => {
    upstream.reset();
    const res = await post(`${clarion.url}/v1/chat/completions`, Buffer.from(CHAT), { 'content-encoding': 'identity' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-clarion-action'], 'annotate');
  });
});
