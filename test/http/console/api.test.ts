/**
 * The console's JSON API on a real server, once on the embedded file store and once on Redis:
 * cursor paging returns every matching event once, newest first; the overview counts what was
 * stored; labels land in the store; what-if gives the replay engine's transitions; try-it decides
 * without calling the upstream.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { EventsConfigSchema } from '../../../src/events/config.js';
import type { EventBackend } from '../../../src/events/store.js';
import { parsePolicy } from '../../../src/policy/load.js';
import { replayEvent } from '../../../src/policy/replay.js';
import { FileEventStore } from '../../../src/storage/file/events.js';
import { RedisEventStore } from '../../../src/storage/redis/events.js';
import { deleteKeys, uniquePrefix } from '../../events/fixtures.js';
import { startFakeUpstream, type FakeUpstream } from '../../fixtures/fake-upstream.js';
import { startClarion, type RunningClarion } from '../../helpers/clarion.js';
import { CANDIDATE_POLICY, CURRENT_POLICY, seedEvents, type Seeded } from './seed.js';

const TOKEN = 'console-api-test-token';
const REDIS_URL = 'redis://127.0.0.1:6379';

async function redisReachable(): Promise<boolean> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** A signed-in console client: the session cookie and CSRF token, like the page's. */
async function signIn(url: string) {
  const response = await fetch(`${url}/console/signin`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ token: TOKEN, name: 'api-test' }),
  });
  assert.equal(response.status, 303);
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const session = (await (await fetch(`${url}/console/api/session`, { headers: { cookie } })).json()) as { csrf: string };
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const r = await fetch(`${url}/console/api${path}`, {
      method,
      headers: { cookie, origin: url, ...(method === 'POST' ? { 'content-type': 'application/json', 'x-clarion-csrf': session.csrf } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: r.status, body: (await r.json()) as ReturnType<typeof JSON.parse> };
  };
  return { get: (path: string) => call('GET', path), post: (path: string, body: unknown) => call('POST', path, body) };
}

for (const kind of ['file', 'redis'] as const) {
  describe(`console API on the ${kind} store`, () => {
    let upstream: FakeUpstream;
    let clarion: RunningClarion;
    let store: EventBackend;
    let redis: Redis | null = null;
    let seeded: Seeded;
    let api: Awaited<ReturnType<typeof signIn>>;
    const prefix = uniquePrefix('console-api');
    let skip: string | false = false;

    before(async () => {
      if (kind === 'redis' && !(await redisReachable())) {
        skip = `no Redis at ${REDIS_URL}`;
        return;
      }
      upstream = await startFakeUpstream();
      clarion = await startClarion({
        upstream,
        policy: CURRENT_POLICY,
        serverConfig: `adminToken: ${TOKEN}`,
        ...(kind === 'redis' ? { extraConfig: `redis:\n  url: ${REDIS_URL}\n  prefix: "${prefix}"` } : {}),
      });
      const events = EventsConfigSchema.parse({});
      if (kind === 'redis') {
        redis = new Redis(REDIS_URL);
        store = new RedisEventStore(redis, prefix, events, false);
      } else {
        store = new FileEventStore(join(clarion.dir, 'data'), events);
      }
      seeded = await seedEvents(store, { days: 6 });
      api = await signIn(clarion.url);
    });

    after(async () => {
      await clarion?.close();
      await upstream?.close();
      if (redis !== null) {
        await deleteKeys(redis, prefix);
        redis.disconnect();
      }
    });

    test('cursor paging returns every matching event once, newest first', async (t) => {
      if (skip !== false) return t.skip(skip);
      for (const filter of ['since=30d', 'since=30d&action=clarify', 'since=30d&signal=polysemy,missing_input&minScore=0.6']) {
        const ids: string[] = [];
        let cursor = '';
        for (let pages = 0; pages < 100; pages++) {
          const page = await api.get(`/events?${filter}&limit=17${cursor ? `&cursor=${cursor}` : ''}`);
          assert.equal(page.status, 200, JSON.stringify(page.body));
          ids.push(...page.body.events.map((e: { id: string }) => e.id));
          if (page.body.next === null) break;
          cursor = page.body.next;
        }
        const expected: string[] = [];
        for await (const event of store.list({ ...(filter.includes('action') ? { actions: ['clarify'] } : {}), order: 'desc' })) {
          if (filter.includes('signal') && !(event.score >= 0.6 && event.signals.some((s) => s.id === 'polysemy' || s.id === 'missing_input'))) continue;
          expected.push(event.id);
        }
        assert.ok(expected.length > 17, `${filter}: more than one page`);
        assert.deepEqual(ids, expected, filter);
      }
      const bad = await api.get('/events?cursor=not-an-id');
      assert.equal(bad.status, 400);
      const badFilter = await api.get('/events?action=shout');
      assert.equal(badFilter.status, 400);
      assert.match(badFilter.body.error.message, /action/);
    });

    test('the overview counts the stored events, marks the policy change and tables labels by norm', async (t) => {
      if (skip !== false) return t.skip(skip);
      const { status, body } = await api.get('/overview?since=7d');
      assert.equal(status, 200);
      assert.equal(body.events, seeded.events.length);
      const clarify = seeded.events.filter((e) => e.action === 'clarify').length;
      assert.equal(body.breakdowns.action.clarify, clarify);
      assert.equal(
        body.total.reduce((a: number, n: number) => a + n, 0),
        seeded.events.length,
      );
      assert.deepEqual(body.versions.policy, ['v1-strict', 'v2-current']);
      assert.deepEqual(
        body.markers.filter((m: { kind: string }) => m.kind === 'policy').map((m: { version: string }) => m.version),
        ['v2-current'],
      );
      const ambiguous = body.verdictByNorm.find((r: { norm: string }) => r.norm === 'clarify-ambiguous-words');
      assert.equal(
        ambiguous?.verdicts.unneeded,
        seeded.unneeded.filter((id) => seeded.events.find((e) => e.id === id)?.norm === 'clarify-ambiguous-words').length,
      );
    });

    test('a label written in the console is in the store with source analyst; an unknown event is a 404', async (t) => {
      if (skip !== false) return t.skip(skip);
      const target = seeded.events.find((e) => e.action === 'annotate');
      assert.ok(target);
      const labelled = await api.post(`/events/${target.id}/labels`, { verdict: 'helpful', note: 'assumptions were right' });
      assert.equal(labelled.status, 200);
      const stored = await store.get(target.id);
      assert.deepEqual(
        stored?.labels.map((l) => [l.verdict, l.source, l.note]),
        [['helpful', 'analyst', 'assumptions were right']],
      );
      const detail = await api.get(`/events/${target.id}`);
      assert.equal(detail.body.event.labels.length, 1);
      assert.equal(detail.body.currentPolicy.version, 'v2-current');
      assert.equal((await api.get('/events/01ARZ3NDEKTSV4RRFFQ69G5FAV')).status, 404);
      assert.equal((await api.post('/events/01ARZ3NDEKTSV4RRFFQ69G5FAV/labels', { verdict: 'needed' })).status, 404);
    });

    test('what-if gives the replay engine transitions and precision before and after; an invalid candidate lists its problems', async (t) => {
      if (skip !== false) return t.skip(skip);
      const { status, body } = await api.post('/policy/whatif', { text: CANDIDATE_POLICY, since: '7d' });
      assert.equal(status, 200);
      assert.equal(body.ok, true);
      const candidate = parsePolicy(CANDIDATE_POLICY, 'candidate');
      const expected: Record<string, number> = {};
      for await (const event of store.list({})) {
        const r = replayEvent(event, candidate);
        const label = (a: string, m: string | null) => (m === null ? a : `${a}/${m}`);
        const key = `${label(event.action, event.mode)} -> ${label(r.after.action, r.after.mode)}`;
        expected[key] = (expected[key] ?? 0) + 1;
      }
      assert.deepEqual(body.summary.transitions, expected);
      assert.ok(body.after.falsePositives < body.before.falsePositives, JSON.stringify([body.before, body.after]));
      assert.ok(body.after.precision > body.before.precision);
      const invalid = await api.post('/policy/whatif', { text: 'version: x\nnorms:\n  - name: a\n    then: { action: shout }\n' });
      assert.equal(invalid.body.ok, false);
      assert.ok(
        invalid.body.problems.some((p: string) => p.includes('action')),
        invalid.body.problems.join('\n'),
      );
    });

    test('try it decides a request in each format and shows the upstream body, without calling the upstream', async (t) => {
      if (skip !== false) return t.skip(skip);
      const calls = upstream.requests.length;
      const text = await api.post('/try', { format: 'text', input: 'Summarize the attached report' });
      assert.equal(text.body.decision.norm, 'clarify-missing-material');
      assert.equal(text.body.outcome.kind, 'forward');
      assert.equal(text.body.outcome.upstream.name, 'openai');
      assert.equal(text.body.outcome.rewritten, true);
      const legal = await api.post('/try', {
        format: 'messages',
        tenant: 'acme-legal',
        input: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'Fix it' }] }),
      });
      assert.equal(legal.body.decision.action, 'defer');
      assert.equal(legal.body.outcome.kind, 'reply');
      assert.match(legal.body.outcome.body, /"type": "message"/);
      const clear = await api.post('/try', { format: 'responses', input: JSON.stringify({ model: 'gpt-4o', input: 'What is the capital of France?' }) });
      assert.equal(clear.body.decision.action, 'pass');
      assert.equal(clear.body.outcome.rewritten, false);
      const broken = await api.post('/try', { format: 'chat', input: '{"model": ' });
      assert.equal(broken.status, 400);
      assert.equal(broken.body.error.code, 'CLARION_INVALID_JSON');
      assert.equal(upstream.requests.length, calls);
    });

    test('the policy page lists every version put in force, newest first, and diffs any two', async (t) => {
      if (skip !== false) return t.skip(skip);
      const first = await api.get('/policy');
      assert.deepEqual(
        first.body.history.map((h: { version: string; inForce: boolean }) => [h.version, h.inForce]),
        [['v2-current', true]],
      );
      writeFileSync(clarion.policyFile, CANDIDATE_POLICY);
      assert.equal((await clarion.server.reload()).policy, true);
      let history: Array<{ version: string; inForce: boolean; added: number | null; removed: number | null; hash: string }> = [];
      for (let i = 0; i < 100 && history.length < 2; i++) {
        history = (await api.get('/policy')).body.history;
        if (history.length < 2) await sleep(50);
      }
      assert.deepEqual(
        history.map((h) => [h.version, h.inForce]),
        [
          ['v3-candidate', true],
          ['v2-current', false],
        ],
      );
      assert.equal(history[1]?.added, null, 'the first version has nothing before it');
      assert.ok((history[0]?.added ?? 0) >= 2 && history[0]?.added === history[0]?.removed, JSON.stringify(history[0]));

      const latest = await api.get('/policy/diff');
      assert.equal(latest.status, 200);
      assert.equal(latest.body.from.version, 'v2-current');
      assert.equal(latest.body.to.version, 'v3-candidate');
      const lines: string[] = latest.body.diff.split('\n');
      for (const line of [
        '-version: "v2-current"',
        '+version: "v3-candidate"',
        '-  - name: clarify-ambiguous-words',
        '+  - name: annotate-ambiguous-words',
        '+    then: { action: annotate }',
      ]) {
        assert.ok(lines.includes(line), `${line} in\n${latest.body.diff}`);
      }
      assert.equal(latest.body.text, CANDIDATE_POLICY);
      // Any two, either way round, by version or hash prefix.
      const back = await api.get(`/policy/diff?from=${history[0]?.hash.slice(0, 8)}&to=v2-current`);
      assert.ok(back.body.diff.split('\n').includes('+version: "v2-current"'));
      assert.equal(back.body.text, CURRENT_POLICY);
      const first2 = await api.get('/policy/diff?to=v2-current');
      assert.equal(first2.body.from, null);
      assert.equal(first2.body.diff, null);
      assert.equal((await api.get('/policy/diff?from=v9-nowhere')).status, 404);
      writeFileSync(clarion.policyFile, CURRENT_POLICY);
      await clarion.server.reload();
    });
  });
}
