/**
 * Deeply nested JSON is refused before it is parsed: one linear pre-scan over the bytes, so a
 * body nested millions deep costs a scan, not a superlinear JSON.parse, and a body nested deep
 * inside `tools` can no longer make the rewrite of an annotated request throw (which failed open).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonDepthExceeds } from '../../src/http/json-depth.js';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream.js';
import { startClarion, type RunningClarion } from '../helpers/clarion.js';
import { cpuMillis } from '../helpers/cpu.js';

const nested = (depth: number, inner = '1'): string => '['.repeat(depth) + inner + ']'.repeat(depth);

describe('jsonDepthExceeds', () => {
  test('counts arrays and objects, not brackets inside strings', () => {
    assert.equal(jsonDepthExceeds(Buffer.from(nested(3)), 3), false);
    assert.equal(jsonDepthExceeds(Buffer.from(nested(4)), 3), true);
    assert.equal(jsonDepthExceeds(Buffer.from('{"a":{"b":{"c":1}}}'), 3), false);
    assert.equal(jsonDepthExceeds(Buffer.from('{"a":{"b":{"c":{}}}}'), 3), true);
    assert.equal(jsonDepthExceeds(Buffer.from(JSON.stringify({ text: '[[[[[[{{{{{{' })), 2), false);
    assert.equal(jsonDepthExceeds(Buffer.from(JSON.stringify({ text: 'a \\" [[[[ \\\\" ' })), 2), false);
    assert.equal(jsonDepthExceeds(Buffer.from('[1],[2],[3]'), 1), false);
  });

  test('a 9M-deep body costs one linear scan', () => {
    const body = Buffer.from(nested(4_000_000));
    const ms = cpuMillis(() => assert.equal(jsonDepthExceeds(body, 128), true));
    assert.ok(ms < 2_000, `${ms} ms of CPU`);
  });
});

describe('protocol routes refuse bodies nested deeper than limits.maxJsonDepth', () => {
  let upstream: FakeUpstream;
  let clarion: RunningClarion;

  before(async () => {
    upstream = await startFakeUpstream();
    clarion = await startClarion({
      upstream,
      policy: 'version: t\nnorms:\n  - name: all\n    when: {}\n    then: { action: annotate, instruction: "State your assumptions." }\n',
    });
  });
  after(async () => {
    await clarion.close();
    await upstream.close();
  });

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${clarion.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  test('chat: 400 in the OpenAI shape, never forwarded', async () => {
    upstream.reset();
    const res = await post('/v1/chat/completions', `{"model":"gpt-4o-mini","messages":${nested(200, '{"role":"user","content":"hi"}')}}`);
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'CLARION_INVALID_REQUEST');
    assert.match(body.error.message, /nested deeper than 128/);
    assert.equal(upstream.requests.length, 0);
  });

  test('messages: 400 in the Anthropic shape', async () => {
    const res = await post('/v1/messages', `{"model":"claude","max_tokens":5,"metadata":${nested(300)},"messages":[]}`, { 'anthropic-version': '2023-06-01' });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { type: string; error: { type: string } };
    assert.equal(body.type, 'error');
    assert.equal(body.error.type, 'invalid_request_error');
  });

  test('a schema nested 6000 deep in tools does not fail the annotate rewrite open', async () => {
    upstream.reset();
    let schema = '{"type":"string"}';
    for (let i = 0; i < 6_000; i++) schema = `{"type":"object","properties":{"x":${schema}}}`;
    const body = `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Write something."}],"tools":[{"type":"function","function":{"name":"f","parameters":${schema}}}]}`;
    const res = await post('/v1/chat/completions', body);
    assert.equal(res.status, 400);
    assert.equal(upstream.requests.length, 0, 'not forwarded unassessed');
  });

  test('a body at the limit is accepted', async () => {
    const res = await post(
      '/v1/chat/completions',
      `{"model":"gpt-4o-mini","metadata":{"a":${nested(100, '"x"')}},"messages":[{"role":"user","content":"Tell me a story about a lighthouse."}]}`,
    );
    assert.equal(res.status, 200);
  });

  test('Clarion API bodies are checked too', async () => {
    const res = await post('/v1/clarion/feedback', `{"eventId":${nested(1_000)}}`); // under the 4 KB feedback body cap, far over the depth cap
    assert.equal(res.status, 400);
  });
});
