/**
 * The shipped policy (config/policy.yaml) in front of a fake model, as an app would meet it:
 * clear requests pass untouched, missing material makes the model ask once, the user's answer is
 * never questioned again, and an app may opt out.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream.js';
import { startClarion, type RunningClarion } from '../helpers/clarion.js';
import { ROOT } from '../helpers/spawn.js';

type Message = { role: 'system' | 'user' | 'assistant'; content: string };

describe('the shipped policy', () => {
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

  async function send(messages: Message[], headers: Record<string, string> = {}): Promise<{ action: string | null; sent: string }> {
    const before = upstream.requests.length;
    const res = await fetch(`${clarion.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages }),
    });
    assert.equal(res.status, 200);
    await res.text();
    assert.equal(upstream.requests.length, before + 1, 'the shipped policy always lets the model answer');
    return { action: res.headers.get('x-clarion-action'), sent: upstream.requests.at(-1)?.body ?? '' };
  }

  test('a clear request passes byte-for-byte', async () => {
    const messages: Message[] = [{ role: 'user', content: 'Write a Python function that checks whether a string is a palindrome.' }];
    const { action, sent } = await send(messages);
    assert.equal(action, 'pass');
    assert.equal(sent, JSON.stringify({ model: 'gpt-4o-mini', messages }));
  });

  test('missing material: the model is told to ask; the answer is not questioned again', async () => {
    const first = await send([{ role: 'user', content: 'Summarize this.' }]);
    assert.equal(first.action, 'clarify');
    assert.match(first.sent, /clarifying question/);
    const followUp = await send([
      { role: 'user', content: 'Summarize this.' },
      { role: 'assistant', content: 'Could you paste or attach the text you want me to summarize?' },
      { role: 'user', content: 'Sure: "The meeting moved to Thursday at 3pm; bring the Q3 numbers and the draft budget."' },
    ]);
    assert.notEqual(followUp.action, 'clarify');
    assert.doesNotMatch(followUp.sent, /clarifying question/);
  });

  test('an app cannot opt out of the shipped policy (optOut.allow: false, as documented)', async () => {
    const { action } = await send([{ role: 'user', content: 'Summarize this.' }], { 'x-clarion-opt-out': '1' });
    // Clarify, or annotate once an earlier test spent this conversation's budget: never pass.
    assert.notEqual(action, 'pass');
  });
});
