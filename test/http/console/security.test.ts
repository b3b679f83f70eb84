/**
 * The console's security properties, on the console plugin alone (stub data behind it): off
 * without a token unless on loopback, sign-in with the token in constant time and rate-limited,
 * a session cookie the page's script cannot read, refusal of a valid cookie replayed from another
 * origin, CSRF tokens on writes, and the security headers on every response.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { consoleSurface, CONSOLE_PREFIX } from '../../../src/http/console/index.js';
import { FailureLimiter, tokenMatches } from '../../../src/http/console/auth.js';
import type { ConsoleData } from '../../../src/http/console/api.js';
import { EventsConfigSchema } from '../../../src/events/config.js';
import { silentLogger } from '../../events/fixtures.js';

const TOKEN = 'correct horse battery staple';
const HOST = 'clarion.internal:8080';

interface Labelled {
  id: string;
  verdict: string;
  source: string | undefined;
}

function stubData(labels: Labelled[]): ConsoleData {
  return {
    storage: 'file',
    eventStore: async () => {
      throw new Error('not used');
    },
    label: async (id, verdict, _note, source) => {
      labels.push({ id, verdict, source });
      return id === 'known';
    },
    reviews: { enqueue: () => 'r', list: async () => [], resolve: async () => false, close: async () => {} },
    policy: {
      current: () => ({ version: 'v1', defaults: { action: 'pass' }, norms: [] }) as never,
      status: () => ({ ok: true, version: 'v1', hash: 'h', file: '/nonexistent', lastError: null, loadedAt: new Date().toISOString() }),
    },
    policyHistory: { list: async () => [] },
    eventsConfig: EventsConfigSchema.parse({}),
    detector: { assess: () => ({ score: 0, categories: [], signals: [], missingSlots: [], suggestedQuestion: null, detectorVersion: 't' }) },
    router: { select: () => undefined, byName: () => undefined },
    tenantHeader: 'x-clarion-tenant',
  };
}

async function consoleApp(options: { token?: string; listenHost?: string; limiter?: FailureLimiter; labels?: Labelled[] } = {}) {
  const app = Fastify();
  await app.register(consoleSurface, {
    prefix: CONSOLE_PREFIX,
    token: options.token,
    listenHost: options.listenHost ?? '0.0.0.0',
    logger: silentLogger,
    closing: () => false,
    data: stubData(options.labels ?? []),
    ...(options.limiter === undefined ? {} : { limiter: options.limiter }),
  });
  return app;
}

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

async function signIn(app: Awaited<ReturnType<typeof consoleApp>>, token = TOKEN) {
  return app.inject({
    method: 'POST',
    url: '/console/signin',
    headers: { host: HOST, 'content-type': 'application/x-www-form-urlencoded', origin: `http://${HOST}`, 'sec-fetch-site': 'same-origin' },
    payload: form({ token, name: 'Ana' }),
  });
}

/** Signs in and returns the cookie header and the session's CSRF token. */
async function session(app: Awaited<ReturnType<typeof consoleApp>>) {
  const signedIn = await signIn(app);
  const setCookie = String(signedIn.headers['set-cookie']);
  const cookie = setCookie.split(';')[0] ?? '';
  const me = await app.inject({ url: '/console/api/session', headers: { host: HOST, cookie } });
  assert.equal(me.statusCode, 200);
  return { cookie, csrf: me.json().csrf as string, setCookie };
}

test('without a token on a non-loopback address, the console is off (404) on every path', async () => {
  const app = await consoleApp({ listenHost: '0.0.0.0' });
  for (const url of ['/console/', '/console/signin', '/console/api/session', '/console/api/events', '/console/assets/app.js']) {
    const response = await app.inject({ url, headers: { host: HOST } });
    assert.equal(response.statusCode, 404, url);
    assert.match(response.body, /console is disabled/);
  }
  const post = await signIn(app);
  assert.equal(post.statusCode, 404);
});

test('without a token on loopback, the console opens a session for loopback host names only', async () => {
  const app = await consoleApp({ listenHost: '127.0.0.1' });
  const page = await app.inject({ url: '/console/', headers: { host: '127.0.0.1:8080' } });
  assert.equal(page.statusCode, 200);
  const cookie = String(page.headers['set-cookie']).split(';')[0];
  const me = await app.inject({ url: '/console/api/session', headers: { host: '127.0.0.1:8080', cookie } });
  assert.equal(me.statusCode, 200);
  // DNS rebinding: a page on evil.example resolved to 127.0.0.1 sends its own Host.
  const rebound = await app.inject({ url: '/console/', headers: { host: 'evil.example:8080' } });
  assert.equal(rebound.statusCode, 403);
});

test('a wrong token is refused without a cookie; the right one gets an HttpOnly, SameSite=Strict session cookie and no token in any URL', async () => {
  const app = await consoleApp({ token: TOKEN });
  const wrong = await signIn(app, 'not the token');
  assert.equal(wrong.statusCode, 401);
  assert.equal(wrong.headers['set-cookie'], undefined);
  assert.match(wrong.body, /not right/);

  const right = await signIn(app);
  assert.equal(right.statusCode, 303);
  assert.equal(right.headers.location, '/console/');
  const setCookie = String(right.headers['set-cookie']);
  assert.match(setCookie, /^clarion_console=[A-Za-z0-9_-]{43}; /);
  assert.match(setCookie, /; HttpOnly/);
  assert.match(setCookie, /; SameSite=Strict/);
  assert.match(setCookie, /; Path=\/console/);
  assert.ok(!setCookie.includes(TOKEN) && !String(right.headers.location).includes(TOKEN));

  const page = await app.inject({ url: '/console/signin', headers: { host: HOST } });
  assert.match(page.body, /<form method="post" action="\/console\/signin"/);
});

test('the API and the pages need a session: without one the API answers 401 and the pages send you to sign in', async () => {
  const app = await consoleApp({ token: TOKEN });
  const api = await app.inject({ url: '/console/api/session', headers: { host: HOST } });
  assert.equal(api.statusCode, 401);
  const forged = await app.inject({ url: '/console/api/session', headers: { host: HOST, cookie: 'clarion_console=forged' } });
  assert.equal(forged.statusCode, 401);
  const page = await app.inject({ url: '/console/events', headers: { host: HOST } });
  assert.equal(page.statusCode, 303);
  assert.equal(page.headers.location, '/console/signin');
  // The admin token itself is not a session.
  const bearer = await app.inject({ url: '/console/api/session', headers: { host: HOST, authorization: `Bearer ${TOKEN}` } });
  assert.equal(bearer.statusCode, 401);
});

test('failed sign-ins are rate-limited per address: after five, even the right token waits', async () => {
  let now = 1_000_000;
  const app = await consoleApp({ token: TOKEN, limiter: new FailureLimiter({ maxFailures: 5, windowMs: 60_000, now: () => now }) });
  for (let i = 0; i < 5; i++) assert.equal((await signIn(app, `guess-${i}`)).statusCode, 401);
  const blocked = await signIn(app);
  assert.equal(blocked.statusCode, 429);
  assert.equal(blocked.headers['set-cookie'], undefined);
  assert.ok(Number(blocked.headers['retry-after']) > 0);
  now += 60_000;
  assert.equal((await signIn(app)).statusCode, 303);
});

test('a stolen session cookie replayed from another origin or site is refused', async () => {
  const app = await consoleApp({ token: TOKEN });
  const { cookie } = await session(app);
  const fromEvil = await app.inject({ url: '/console/api/events', headers: { host: HOST, cookie, origin: 'https://evil.example' } });
  assert.equal(fromEvil.statusCode, 403);
  assert.match(fromEvil.body, /evil\.example/);
  const crossSite = await app.inject({ url: '/console/api/session', headers: { host: HOST, cookie, 'sec-fetch-site': 'cross-site' } });
  assert.equal(crossSite.statusCode, 403);
  const sameSite = await app.inject({ url: '/console/api/session', headers: { host: HOST, cookie, 'sec-fetch-site': 'same-site' } });
  assert.equal(sameSite.statusCode, 403);
  const sameOrigin = await app.inject({
    url: '/console/api/session',
    headers: { host: HOST, cookie, origin: `http://${HOST}`, 'sec-fetch-site': 'same-origin' },
  });
  assert.equal(sameOrigin.statusCode, 200);
  // A sign-in posted from another site's form is refused too.
  const loginCsrf = await app.inject({
    method: 'POST',
    url: '/console/signin',
    headers: { host: HOST, 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
    payload: form({ token: TOKEN }),
  });
  assert.equal(loginCsrf.statusCode, 403);
});

test('a write without the session CSRF token is refused, and reaches the label store only with it', async () => {
  const labels: Labelled[] = [];
  const app = await consoleApp({ token: TOKEN, labels });
  const { cookie, csrf } = await session(app);
  assert.ok(csrf.length >= 32);
  const payload = JSON.stringify({ verdict: 'unneeded' });
  const headers = { host: HOST, cookie, 'content-type': 'application/json' };
  const none = await app.inject({ method: 'POST', url: '/console/api/events/known/labels', headers, payload });
  assert.equal(none.statusCode, 403);
  const wrong = await app.inject({ method: 'POST', url: '/console/api/events/known/labels', headers: { ...headers, 'x-clarion-csrf': `${csrf}x` }, payload });
  assert.equal(wrong.statusCode, 403);
  // A simple form post (what a CSRF page can send) carries no custom header.
  const formPost = await app.inject({
    method: 'POST',
    url: '/console/api/events/known/labels',
    headers: { host: HOST, cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'verdict=unneeded',
  });
  assert.equal(formPost.statusCode, 403);
  assert.deepEqual(labels, []);
  const ok = await app.inject({ method: 'POST', url: '/console/api/events/known/labels', headers: { ...headers, 'x-clarion-csrf': csrf }, payload });
  assert.equal(ok.statusCode, 200);
  assert.deepEqual(labels, [{ id: 'known', verdict: 'unneeded', source: 'analyst' }]);
});

test('sign-out ends the session: the old cookie no longer works', async () => {
  const app = await consoleApp({ token: TOKEN });
  const { cookie } = await session(app);
  const out = await app.inject({ method: 'POST', url: '/console/signout', headers: { host: HOST, cookie, origin: `http://${HOST}` } });
  assert.equal(out.statusCode, 303);
  assert.match(String(out.headers['set-cookie']), /Max-Age=0/);
  assert.equal((await app.inject({ url: '/console/api/session', headers: { host: HOST, cookie } })).statusCode, 401);
});

test('every console response carries a CSP without inline script, frame-ancestors none and nosniff', async () => {
  const app = await consoleApp({ token: TOKEN });
  const { cookie } = await session(app);
  const responses = [
    await app.inject({ url: '/console/signin', headers: { host: HOST } }),
    await app.inject({ url: '/console/', headers: { host: HOST, cookie } }),
    await app.inject({ url: '/console/api/session', headers: { host: HOST, cookie } }),
    await app.inject({ url: '/console/api/session', headers: { host: HOST } }),
    await app.inject({ url: '/console/assets/nope.js', headers: { host: HOST, cookie } }),
  ];
  for (const response of responses) {
    const csp = String(response.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /default-src 'none'/);
    assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'), csp);
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
    assert.equal(response.headers['x-frame-options'], 'DENY');
  }
  // The pages the server writes carry no inline script or style.
  for (const response of responses.slice(0, 2)) {
    assert.ok(!/<script(?![^>]*\bsrc=)/.test(response.body), 'no inline <script>');
    assert.ok(!/<style|style="/.test(response.body), 'no inline style');
  }
});

test('tokenMatches compares whole tokens (different lengths included)', () => {
  assert.equal(tokenMatches(TOKEN, TOKEN), true);
  assert.equal(tokenMatches(TOKEN.slice(0, -1), TOKEN), false);
  assert.equal(tokenMatches(`${TOKEN}!`, TOKEN), false);
  assert.equal(tokenMatches('', TOKEN), false);
});
