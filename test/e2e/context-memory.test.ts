/**
 * Remembered context, end to end with the shipped policy: a Responses request that only points at
 * its earlier turns (`previous_response_id`) is assessed with the turns Clarion proxied, so
 * "Do it again but shorter." after a real exchange is not flagged; pointing at a response Clarion
 * never saw is reported as unknown context, not annotated as an unresolved reference. The same for
 * Chat requests that carry only their latest turn under an app-named conversation.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream.js';
import { startClarion, type RunningClarion } from '../helpers/clarion.js';
import { ROOT } from '../helpers/spawn.js';

const FIRST = 'Write a haiku about autumn leaves falling in Kyoto.';
const FOLLOW_UP = 'Do it again but shorter.';

interface Outcome {
  action: string | null;
  score: number;
  context: string | null;
  responseId: string | null;
  upstreamSaw: boolean;
}

async function counter(base: string, labels: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('clarion_context_memory_total{') && l.includes(labels));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('remembered context with the shipped policy', () => {
  let upstream: FakeUpstream;
  let clarion: RunningClarion;
  before(async () => {
    upstream = await startFakeUpstream();
    clarion = await startClarion({ upstream, policy: readFileSync(join(ROOT, 'config', 'policy.yaml'), 'utf8') });
  });
  after(async () => {
    await clarion.close();
    await upstream.close();
  });

  async function send(path: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Outcome> {
    const before = upstream.requests.length;
    const res = await fetch(`${clarion.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-tenant-a', ...headers },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    const id = path === '/v1/responses' && !text.startsWith('event:') ? (JSON.parse(text) as { id: string }).id : null;
    // The exchange is remembered after the response ended: give the finish step its turn.
    await new Promise((r) => setImmediate(r));
    return {
      action: res.headers.get('x-clarion-action'),
      score: Number(res.headers.get('x-clarion-score')),
      context: res.headers.get('x-clarion-context'),
      responseId: id,
      upstreamSaw: upstream.requests.length === before + 1 && !upstream.requests.at(-1)!.body.includes('CLARION'),
    };
  }

  test('without any context the follow-up is an unresolved reference (the yardstick)', async () => {
    const alone = await send('/v1/responses', { model: 'gpt-4o-mini', input: FOLLOW_UP });
    assert.ok(alone.score >= 0.8, `scored ${alone.score}`);
    assert.notEqual(alone.action, 'pass');
  });

  test('previous_response_id of a response Clarion proxied: assessed with those turns, not flagged', async () => {
    const hitsBefore = await counter(clarion.url, 'source="previous_response_id",result="hit"');
    const first = await send('/v1/responses', { model: 'gpt-4o-mini', input: FIRST });
    assert.equal(first.action, 'pass');
    assert.ok(first.responseId);
    const next = await send('/v1/responses', { model: 'gpt-4o-mini', input: FOLLOW_UP, previous_response_id: first.responseId });
    assert.equal(next.action, 'pass');
    assert.equal(next.context, null, 'the context is known');
    assert.ok(next.score < 0.5, `scored ${next.score}`);
    assert.ok(next.upstreamSaw, 'forwarded untouched');
    assert.equal(await counter(clarion.url, 'source="previous_response_id",result="hit"'), hitsBefore + 1);
  });

  test('previous_response_id Clarion never saw: reported as unknown context, not annotated', async () => {
    const missesBefore = await counter(clarion.url, 'source="previous_response_id",result="miss"');
    const next = await send('/v1/responses', { model: 'gpt-4o-mini', input: FOLLOW_UP, previous_response_id: 'resp_never_seen_by_clarion' });
    assert.equal(next.context, 'unknown');
    assert.equal(next.action, 'pass');
    assert.ok(next.score < 0.5, `scored ${next.score}`);
    assert.ok(next.upstreamSaw);
    assert.equal(await counter(clarion.url, 'source="previous_response_id",result="miss"'), missesBefore + 1);
  });

  test("another tenant's response id is not this tenant's context", async () => {
    const first = await send('/v1/responses', { model: 'gpt-4o-mini', input: FIRST });
    const other = await send(
      '/v1/responses',
      { model: 'gpt-4o-mini', input: FOLLOW_UP, previous_response_id: first.responseId },
      { authorization: 'Bearer sk-tenant-b' },
    );
    assert.equal(other.context, 'unknown');
  });

  test('store: false is honoured: the exchange is not remembered', async () => {
    // A tenant of its own: the fake upstream gives every response the same id.
    const tenant = { authorization: 'Bearer sk-tenant-c' };
    const first = await send('/v1/responses', { model: 'gpt-4o-mini', input: FIRST, store: false }, tenant);
    const next = await send('/v1/responses', { model: 'gpt-4o-mini', input: FOLLOW_UP, previous_response_id: first.responseId }, tenant);
    assert.equal(next.context, 'unknown');
    const stored = await send('/v1/responses', { model: 'gpt-4o-mini', input: FIRST }, tenant);
    const after = await send('/v1/responses', { model: 'gpt-4o-mini', input: FOLLOW_UP, previous_response_id: stored.responseId }, tenant);
    assert.equal(after.context, null, 'the same exchange without store: false is remembered');
  });

  test('Chat carrying only its latest turn of an app-named conversation: assessed with the remembered turns', async () => {
    const conversation = { 'x-clarion-conversation-id': 'conv-haiku-1' };
    await send('/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: FIRST }] }, conversation);
    const next = await send('/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: FOLLOW_UP }] }, conversation);
    assert.equal(next.action, 'pass');
    assert.ok(next.score < 0.5, `scored ${next.score}`);
    // A conversation Clarion has not seen: the request is all there is, and it is flagged as before.
    const fresh = await send(
      '/v1/chat/completions',
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: FOLLOW_UP }] },
      { 'x-clarion-conversation-id': 'conv-new-2' },
    );
    assert.ok(fresh.score >= 0.8, `scored ${fresh.score}`);
  });
});
