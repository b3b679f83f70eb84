/**
 * Client-supplied identifiers never carry a secret to rest (issue 10, item 9): an API key or an
 * e-mail address sent as `x-request-id`, `model`, the (trusted) tenant and conversation headers,
 * or inside a pass-through path, appears in no stored file (events, id index, review queue) and
 * no log line; each is hashed (`redacted:<16 hex>`), so equal values still group together.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { protectIdentifier } from '../../src/events/redact.js';
import { createReviewQueue } from '../../src/policy/reviews.js';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream.js';
import { startClarion, type RunningClarion } from '../helpers/clarion.js';

const SECRETS = {
  requestId: 'sk-proj-AAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  model: 'gpt-4o-mini-bob@example.com',
  tenant: 'alice@example.org',
  conversation: 'sk-ant-api03-BBBBBBBBBBBBBBBBBBBBBBBBBB',
  path: 'sk-proj-CCCCCCCCCCCCCCCCCCCCCCCCCCCC',
};

/** Every file under `dir`, as text. */
function filesUnder(dir: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push([path, readFileSync(path, 'utf8')]);
  }
  return out;
}

describe('identifiers at rest', () => {
  let upstream: FakeUpstream;
  let clarion: RunningClarion;

  before(async () => {
    upstream = await startFakeUpstream();
    clarion = await startClarion({
      upstream,
      serverConfig: 'trustClientHeaders: true',
      policy: 'version: t\nnorms:\n  - name: all\n    when: {}\n    then: { action: annotate, instruction: "State your assumptions." }\n',
    });
  });
  after(async () => {
    await clarion.close();
    await upstream.close();
  });

  test('protectIdentifier keeps ordinary ids and hashes ones that carry a secret', () => {
    for (const id of [
      'gpt-4o-mini',
      'claude-sonnet-4-5-20250929',
      '3f1c2a9e-8b7d-4c1e-9f00-123456789abc',
      '/v1/chat/completions',
      'acme',
      'key:0123456789abcdef',
    ]) {
      assert.equal(protectIdentifier(id), id);
    }
    for (const id of Object.values(SECRETS)) assert.match(protectIdentifier(id), /^redacted:[0-9a-f]{16}$/);
    assert.equal(protectIdentifier(SECRETS.tenant), protectIdentifier(SECRETS.tenant), 'stable: equal values group');
  });

  test('no secret sent as an identifier is in any stored file or log line', async () => {
    const res = await fetch(`${clarion.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-request-id': SECRETS.requestId,
        'x-clarion-tenant': SECRETS.tenant,
        'x-clarion-conversation-id': SECRETS.conversation,
      },
      body: JSON.stringify({ model: SECRETS.model, messages: [{ role: 'user', content: 'Tell me a story about a lighthouse.' }] }),
    });
    assert.equal(res.status, 200);
    assert.ok(res.headers.get('x-clarion-event-id') !== null, 'recorded');
    await res.arrayBuffer();
    const passthrough = await fetch(`${clarion.url}/v1/files/${SECRETS.path}`);
    await passthrough.arrayBuffer();
    await clarion.server.eventLog.flush();

    const files = filesUnder(clarion.dir);
    const events = files.filter(([path]) => path.includes(`${join('data', 'events')}`));
    assert.ok(events.length > 0, 'the event was stored');
    const stored = events.map(([, text]) => text).join('\n');
    assert.match(stored, new RegExp(protectIdentifier(SECRETS.tenant)), 'stored hashed');
    for (const [name, secret] of Object.entries(SECRETS)) {
      for (const [path, text] of files) assert.ok(!text.includes(secret), `${name} found in ${path}`);
      for (const line of clarion.rawLogs) assert.ok(!line.includes(secret), `${name} found in a log line: ${line.slice(0, 200)}`);
    }
  });

  test('an x-request-id that is not an id (spaces, control text, over 128 characters) is replaced', async () => {
    for (const given of ['has spaces in it', 'x'.repeat(129), 'tab\there']) {
      const res = await fetch(`${clarion.url}/v1/models`, { headers: { 'x-request-id': given } });
      await res.arrayBuffer();
      const echoed = res.headers.get('x-request-id') ?? '';
      assert.notEqual(echoed, given);
      assert.match(echoed, /^[0-9a-f-]{36}$/);
    }
    const ok = await fetch(`${clarion.url}/v1/models`, { headers: { 'x-request-id': 'req_123-abc' } });
    await ok.arrayBuffer();
    assert.equal(ok.headers.get('x-request-id'), 'req_123-abc');
  });

  test('the review queue stores identifiers hashed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'clarion-review-ids-'));
    const queue = createReviewQueue({ redis: null, prefix: 'x:', dataDir, redact: (t) => t });
    queue.enqueue({
      eventId: null,
      time: new Date().toISOString(),
      conversationId: SECRETS.conversation,
      tenant: SECRETS.tenant,
      model: SECRETS.model,
      protocol: 'openai-chat',
      reason: 'r',
      norm: 'defer-it',
      text: 'please review',
    });
    await queue.close();
    const [item] = await queue.list();
    assert.equal(item?.tenant, protectIdentifier(SECRETS.tenant));
    for (const [path, text] of filesUnder(dataDir)) {
      for (const secret of Object.values(SECRETS)) assert.ok(!text.includes(secret), `found in ${path}`);
    }
  });
});
