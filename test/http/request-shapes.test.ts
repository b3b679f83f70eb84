/**
 * Request shapes on the three assessed routes (issue 10, item 5): a body the API could never
 * accept gets a 400 in the route's own error shape, naming the offending field as `param`
 * (OpenAI shape), and is never forwarded unassessed; a known role in another case is refused as
 * the APIs refuse it; plausible additions (new fields, new content-part types) still go through
 * and are assessed on what is understood.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream.js';
import { startClarion, type RunningClarion } from '../helpers/clarion.js';

const USER = { role: 'user', content: 'Tell me a short story about a lighthouse keeper.' };

const CHAT_BAD: Array<[string, Record<string, unknown>, string]> = [
  ['messages missing', { model: 'gpt-4o-mini' }, 'messages'],
  ['messages not an array', { model: 'gpt-4o-mini', messages: { role: 'user', content: 'hi' } }, 'messages'],
  ['model not a string', { model: 42, messages: [USER] }, 'model'],
  ['model missing', { messages: [USER] }, 'model'],
  ['a message not an object', { model: 'gpt-4o-mini', messages: ['hi'] }, 'messages[0]'],
  ['role not a string', { model: 'gpt-4o-mini', messages: [{ role: 7, content: 'hi' }] }, 'messages[0].role'],
  ['role "User"', { model: 'gpt-4o-mini', messages: [{ role: 'User', content: 'Write it.' }] }, 'messages[0].role'],
  ['role "USER"', { model: 'gpt-4o-mini', messages: [USER, { role: 'USER', content: 'Write it.' }] }, 'messages[1].role'],
  ['role " user"', { model: 'gpt-4o-mini', messages: [{ role: ' user', content: 'Write it.' }] }, 'messages[0].role'],
  ['role "System"', { model: 'gpt-4o-mini', messages: [{ role: 'System', content: 'x' }, USER] }, 'messages[0].role'],
  ['content a number', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 3 }] }, 'messages[0].content'],
  ['content an object', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: { text: 'hi' } }] }, 'messages[0].content'],
  ['a text part without text', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: [{ type: 'text', text: 5 }] }] }, 'messages[0].content[0].text'],
  ['stream a string', { model: 'gpt-4o-mini', messages: [USER], stream: 'true' }, 'stream'],
  ['stream a number', { model: 'gpt-4o-mini', messages: [USER], stream: 1 }, 'stream'],
];

const RESPONSES_BAD: Array<[string, Record<string, unknown>, string]> = [
  ['input a number', { model: 'gpt-4o-mini', input: 5 }, 'input'],
  ['input missing', { model: 'gpt-4o-mini' }, 'input'],
  ['model not a string', { model: ['gpt'], input: 'hi' }, 'model'],
  ['input item role "User"', { model: 'gpt-4o-mini', input: [{ role: 'User', content: 'Write it.' }] }, 'input[0].role'],
  ['input item content a number', { model: 'gpt-4o-mini', input: [{ role: 'user', content: 1 }] }, 'input[0].content'],
  ['stream a string', { model: 'gpt-4o-mini', input: 'hi', stream: 'yes' }, 'stream'],
];

const MESSAGES_BAD: Array<[string, Record<string, unknown>]> = [
  ['messages missing', { model: 'claude-sonnet-4-5', max_tokens: 5 }],
  ['role "User"', { model: 'claude-sonnet-4-5', max_tokens: 5, messages: [{ role: 'User', content: 'Write it.' }] }],
  ['content a number', { model: 'claude-sonnet-4-5', max_tokens: 5, messages: [{ role: 'user', content: 1 }] }],
  ['stream a string', { model: 'claude-sonnet-4-5', max_tokens: 5, messages: [USER], stream: 'true' }],
];

describe('protocol routes: request shapes', () => {
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

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${clarion.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  const openaiCases: Array<[string, Array<[string, Record<string, unknown>, string]>]> = [
    ['/v1/chat/completions', CHAT_BAD],
    ['/v1/responses', RESPONSES_BAD],
  ];
  for (const [path, cases] of openaiCases) {
    for (const [name, body, param] of cases) {
      test(`${path}: ${name} -> 400, param ${param}, never forwarded`, async () => {
        upstream.reset();
        const res = await post(path, body);
        assert.equal(res.status, 400);
        const error = ((await res.json()) as { error: { code: string; type: string; param: string | null } }).error;
        assert.equal(error.code, 'CLARION_INVALID_REQUEST');
        assert.equal(error.type, 'invalid_request_error');
        assert.equal(error.param, param);
        assert.equal(upstream.requests.length, 0);
      });
    }
  }

  for (const [name, body] of MESSAGES_BAD) {
    test(`/v1/messages: ${name} -> 400 in the Anthropic shape, never forwarded`, async () => {
      upstream.reset();
      const res = await post('/v1/messages', body, { 'anthropic-version': '2023-06-01' });
      assert.equal(res.status, 400);
      const json = (await res.json()) as { type: string; error: { type: string } };
      assert.equal(json.type, 'error');
      assert.equal(json.error.type, 'invalid_request_error');
      assert.equal(upstream.requests.length, 0);
    });
  }

  test('new fields and new content-part types are forwarded and assessed', async () => {
    upstream.reset();
    const res = await post('/v1/chat/completions', {
      model: 'gpt-4o-mini',
      future_option: { on: true },
      messages: [
        {
          role: 'user',
          content: [
            { type: 'hologram', data: 'x' },
            { type: 'text', text: 'Tell me a short story about a lighthouse keeper.' },
          ],
        },
      ],
    });
    assert.equal(res.status, 200);
    assert.ok(res.headers.get('x-clarion-score') !== null, 'assessed');
    assert.equal(upstream.requests.length, 1);
  });

  test('stream: null reads as absent', async () => {
    upstream.reset();
    const res = await post('/v1/chat/completions', { model: 'gpt-4o-mini', messages: [USER], stream: null });
    assert.equal(res.status, 200);
    assert.equal(upstream.requests.length, 1);
  });
});
