/**
 * `server.consolePort`: the console and its API on a port of their own, with the same sign-in and
 * defences, and nothing of the proxy there; the proxy's port then has no console. Also the config
 * rule that the two ports differ.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../../src/config/load.js';
import { CONTENT_SECURITY_POLICY } from '../../../src/http/console/security.js';
import { startFakeUpstream, type FakeUpstream } from '../../fixtures/fake-upstream.js';
import { startClarion, type RunningClarion } from '../../helpers/clarion.js';

const TOKEN = 'console-port-test-token';

describe('the console on server.consolePort', () => {
  let upstream: FakeUpstream;
  let clarion: RunningClarion;
  let consoleUrl: string;

  before(async () => {
    upstream = await startFakeUpstream();
    clarion = await startClarion({ upstream, serverConfig: `adminToken: ${TOKEN}\nconsolePort: 0` });
    const address = clarion.server.consoleAddress();
    assert.ok(address !== null, 'the console port listens');
    consoleUrl = address;
  });

  after(async () => {
    await clarion?.close();
    await upstream?.close();
  });

  test('listens on a port of its own, different from the proxy', () => {
    assert.notEqual(new URL(consoleUrl).port, new URL(clarion.url).port);
    assert.ok(clarion.logs.some((l) => l.msg === 'console listening on its own port' && String(l.address).endsWith('/console/')));
  });

  test('signs in with the token and serves the API, same-origin and CSRF rules included', async () => {
    const root = await fetch(`${consoleUrl}/`, { redirect: 'manual' });
    assert.equal(root.status, 303);
    assert.equal(root.headers.get('location'), '/console/');
    const page = await fetch(`${consoleUrl}/console/`, { redirect: 'manual' });
    assert.equal(page.status, 303);
    assert.equal(page.headers.get('location'), '/console/signin');
    assert.equal(page.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);

    const wrong = await fetch(`${consoleUrl}/console/signin`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/json', origin: consoleUrl },
      body: JSON.stringify({ token: 'nope' }),
    });
    assert.equal(wrong.status, 401);
    const signedIn = await fetch(`${consoleUrl}/console/signin`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/json', origin: consoleUrl },
      body: JSON.stringify({ token: TOKEN, name: 'port-test' }),
    });
    assert.equal(signedIn.status, 303);
    const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    assert.match(cookie, /^clarion_console=/);

    const session = await fetch(`${consoleUrl}/console/api/session`, { headers: { cookie } });
    assert.equal(session.status, 200);
    const { csrf, name } = (await session.json()) as { csrf: string; name: string };
    assert.equal(name, 'port-test');

    // The cookie from the console's port replayed by a page on the proxy's port (another origin) is refused.
    const crossPort = await fetch(`${consoleUrl}/console/api/session`, { headers: { cookie, origin: clarion.url } });
    assert.equal(crossPort.status, 403);
    const noCsrf = await fetch(`${consoleUrl}/console/api/policy/check`, {
      method: 'POST',
      headers: { cookie, origin: consoleUrl, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'version: x\nnorms: []\n' }),
    });
    assert.equal(noCsrf.status, 403);
    const check = await fetch(`${consoleUrl}/console/api/policy/check`, {
      method: 'POST',
      headers: { cookie, origin: consoleUrl, 'content-type': 'application/json', 'x-clarion-csrf': csrf },
      body: JSON.stringify({ text: 'version: x\nnorms: []\n' }),
    });
    assert.equal(check.status, 200);
    assert.equal(((await check.json()) as { ok: boolean }).ok, true);
  });

  test('the console port serves nothing of the proxy or admin; the proxy port has no console', async () => {
    for (const path of ['/v1/chat/completions', '/admin/policy', '/readyz', '/v1/models']) {
      const response = await fetch(`${consoleUrl}${path}`, {
        method: path.startsWith('/v1/chat') ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      assert.equal(response.status, 404, path);
      assert.equal(response.headers.get('x-frame-options'), 'DENY', path);
      const body = (await response.json()) as { error: { code: string } };
      assert.equal(body.error.code, 'CLARION_NOT_FOUND', path);
    }
    for (const path of ['/console/', '/console/signin', '/console/api/session']) {
      const response = await fetch(`${clarion.url}${path}`, { redirect: 'manual' });
      assert.equal(response.status, 404, path);
    }
    // The proxy's own routes are where they were.
    assert.equal((await fetch(`${clarion.url}/admin/policy`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200);
    assert.equal(upstream.requests.length, 0);
  });
});

test('consolePort must differ from port', () => {
  const base = 'upstreams:\n  - { name: openai, api: openai, baseUrl: "http://127.0.0.1:1/v1" }\n';
  assert.throws(() => parseConfig(`server:\n  port: 9000\n  consolePort: 9000\n${base}`, 'c.yaml', {}), /server\.consolePort: must differ from port/);
  assert.equal(parseConfig(`server:\n  port: 9000\n  consolePort: 9001\n${base}`, 'c.yaml', {}).server.consolePort, 9001);
  assert.equal(parseConfig(base, 'c.yaml', {}).server.consolePort, undefined);
});
