/**
 * Client-supplied identifiers are checked at the edge: a `model`, tenant or conversation id longer
 * than `limits.maxIdentifierLength` (or, for the ids, outside a safe charset) gets a 400 naming the
 * field as `param`, before any policy glob, key or log line sees it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream.js';
import { startClarion, type RunningClarion } from '../helpers/clarion.js';

const MESSAGES = [{ role: 'user', content: 'Tell me a story about a lighthouse.' }];

describe('identifier caps at the edge', () => {
  let upstream: FakeUpstream;
  let clarion: RunningClarion;

  before(async () => {
    upstream = await startFakeUpstream();
    clarion = await startClarion({ upstream, serverConfig: 'trustClientHeaders: true', extraConfig: 'limits:\n  maxIdentifierLength: 64' });
  });
  after(async () => {
    await clarion.close();
    await upstream.close();
  });

  const chat = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    fetch(`${clarion.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  test('a model longer than the cap: 400 with param "model", not forwarded', async () => {
    upstream.reset();
    const res = await chat({ model: 'g'.repeat(65), messages: MESSAGES });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { code: string; param: string | null } };
    assert.equal(body.error.code, 'CLARION_INVALID_REQUEST');
    assert.equal(body.error.param, 'model');
    assert.equal(upstream.requests.length, 0);
  });

  test('a model at the cap is forwarded', async () => {
    const res = await chat({ model: 'g'.repeat(64), messages: MESSAGES });
    assert.equal(res.status, 200);
  });

  test('a conversation id that is too long or carries control characters: 400', async () => {
    const long = await chat({ model: 'gpt-4o-mini', messages: MESSAGES }, { 'x-clarion-conversation-id': 'c'.repeat(65) });
    assert.equal(long.status, 400);
    assert.equal(((await long.json()) as { error: { param: string } }).error.param, 'x-clarion-conversation-id');
    const odd = await chat({ model: 'gpt-4o-mini', messages: MESSAGES }, { 'x-clarion-conversation-id': 'a b\tc' });
    assert.equal(odd.status, 400);
  });
});
