/**
 * What the protocol routes accept as a body: JSON (with or without parameters), or a body with no
 * content type at all; every other content type is refused with 415 in the route's own shape.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream.js';
import { startClarion, type RunningClarion } from '../helpers/clarion.js';

const CHAT = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Tell me a short story about a lighthouse keeper.' }] });
const MESSAGES = JSON.stringify({
  model: 'claude-sonnet-4-5',
  max_tokens: 64,
  messages: [{ role: 'user', content: 'Tell me a short story about a lighthouse keeper.' }],
});

/** POSTs `body` with exactly these headers (node:http: fetch would add a content-type of its own). */
function post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'content-length': String(Buffer.byteLength(body)), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> }));
    });
    req.once('error', reject);
    req.end(body);
  });
}

describe('protocol routes: content types', () => {
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

  for (const type of ['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset=UTF-8']) {
    test(`${type} is assessed and forwarded`, async () => {
      const res = await post(`${clarion.url}/v1/chat/completions`, CHAT, { 'content-type': type });
      assert.equal(res.status, 200);
      assert.match(JSON.stringify(res.json), /echo:/);
    });
  }

  test('a body without a content type is read as JSON', async () => {
    const res = await post(`${clarion.url}/v1/chat/completions`, CHAT, {});
    assert.equal(res.status, 200);
  });

  for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']) {
    test(`${type} -> 415 CLARION_UNSUPPORTED_MEDIA_TYPE, never forwarded`, async () => {
      upstream.reset();
      const chat = await post(`${clarion.url}/v1/chat/completions`, CHAT, { 'content-type': type });
      assert.equal(chat.status, 415);
      const error = chat.json.error as Record<string, unknown>;
      assert.equal(error.code, 'CLARION_UNSUPPORTED_MEDIA_TYPE');
      assert.equal(error.type, 'invalid_request_error');
      const responses = await post(`${clarion.url}/v1/responses`, JSON.stringify({ model: 'gpt-4o-mini', input: 'hi' }), { 'content-type': type });
      assert.equal(responses.status, 415);
      assert.equal((responses.json.error as Record<string, unknown>).code, 'CLARION_UNSUPPORTED_MEDIA_TYPE');
      const messages = await post(`${clarion.url}/v1/messages`, MESSAGES, { 'content-type': type, 'anthropic-version': '2023-06-01' });
      assert.equal(messages.status, 415);
      assert.equal(messages.json.type, 'error', 'the Anthropic error shape');
      assert.equal((messages.json.error as Record<string, unknown>).type, 'invalid_request_error');
      assert.equal(upstream.requests.length, 0);
    });
  }

  test('pass-through routes still take any content type', async () => {
    upstream.reset();
    const res = await post(`${clarion.url}/v1/embeddings`, 'input=hello', { 'content-type': 'text/plain' });
    assert.notEqual(res.status, 415);
    assert.equal(upstream.requests.at(-1)?.body, 'input=hello');
  });
});
