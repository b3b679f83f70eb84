/**
 * GET /v1/clarion/policy-card: the card of the policy in force, for the people it affects, when
 * the config makes it public — as JSON, Markdown or HTML, rebuilt when a reload puts a new policy
 * in force. Not public: 404 (and never forwarded upstream).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { startFakeUpstream, type FakeUpstream } from '../../fixtures/fake-upstream.js';
import { startClarion, type RunningClarion } from '../../helpers/clarion.js';

const POLICY_V1 = `
version: card-v1
norms:
  - name: ask-for-material
    when: { signals: [missing_input] }
    then: { action: clarify }
`;
const POLICY_V2 = `
version: card-v2
norms:
  - name: review-legal
    when: { tenant: legal }
    then: { action: defer }
`;

describe('the public policy card', () => {
  let upstream: FakeUpstream;
  let clarion: RunningClarion;

  before(async () => {
    upstream = await startFakeUpstream();
    clarion = await startClarion({ upstream, policy: POLICY_V1, serverConfig: 'adminToken: card-admin', extraConfig: 'policyCard: { public: true }' });
  });
  after(async () => {
    await clarion.close();
    await upstream.close();
  });

  const get = (query = ''): Promise<Response> => fetch(`${clarion.url}/v1/clarion/policy-card${query}`);

  test('JSON by default: the version, and a section on when we ask naming the norm', async () => {
    const res = await get();
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const card = (await res.json()) as { version: string; sections: Array<{ id: string; rules: Array<{ norm: string }> }> };
    assert.equal(card.version, 'card-v1');
    const ask = card.sections.find((s) => s.id === 'ask');
    assert.deepEqual(
      ask?.rules.map((r) => r.norm),
      ['ask-for-material'],
    );
  });

  test('Markdown and script-free HTML', async () => {
    const md = await get('?format=md');
    assert.match(md.headers.get('content-type') ?? '', /^text\/markdown/);
    assert.match(await md.text(), /card-v1/);
    const html = await get('?format=html');
    assert.match(html.headers.get('content-type') ?? '', /^text\/html/);
    const page = await html.text();
    assert.match(page, /card-v1/);
    assert.doesNotMatch(page, /<script/i);
  });

  test('an unknown format is a 400 in the API error shape', async () => {
    const res = await get('?format=pdf');
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error?: { message?: string } };
    assert.match(body.error?.message ?? '', /format must be json, md or html/);
  });

  test('a reload regenerates the card', async () => {
    writeFileSync(clarion.policyFile, POLICY_V2);
    const reloaded = await fetch(`${clarion.url}/admin/policy/reload`, { method: 'POST', headers: { authorization: 'Bearer card-admin' } });
    assert.equal(reloaded.status, 200);
    const card = (await (await get()).json()) as { version: string; sections: Array<{ id: string; rules: Array<{ norm: string }> }> };
    assert.equal(card.version, 'card-v2');
    assert.equal(card.sections.find((s) => s.id === 'ask')?.rules.length ?? 0, 0);
    assert.deepEqual(
      card.sections.find((s) => s.id === 'review')?.rules.map((r) => r.norm),
      ['review-legal'],
    );
    assert.match(await (await get('?format=md')).text(), /card-v2/);
  });
});

test('not public: 404, and the upstream never sees the request', async () => {
  const upstream = await startFakeUpstream();
  const clarion = await startClarion({ upstream });
  try {
    const res = await fetch(`${clarion.url}/v1/clarion/policy-card`);
    assert.equal(res.status, 404);
    assert.equal(upstream.requests.length, 0);
  } finally {
    await clarion.close();
    await upstream.close();
  }
});
