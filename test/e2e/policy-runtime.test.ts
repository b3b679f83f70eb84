/**
 * The policy at run time: the clarification budget holds across two proxy processes sharing one
 * Redis; a broken policy edit under load fails no request and keeps the old version; a detector
 * that throws fails open.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream.js';
import { startClarion } from '../helpers/clarion.js';
import { spawnServe, writeServeConfig } from '../helpers/spawn.js';

const CHAT = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Translate this for me please.' }] });

async function chat(url: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: CHAT });
}

describe('clarification budget across two proxy processes sharing Redis', () => {
  let upstream: FakeUpstream;
  let dir: string;
  const children: ChildProcess[] = [];

  before(async () => {
    upstream = await startFakeUpstream();
    dir = mkdtempSync(join(tmpdir(), 'clarion-budget-'));
  });
  after(async () => {
    for (const child of children) child.kill('SIGTERM');
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the second instance falls back to annotate once the first asked', async () => {
    const prefix = `clarion-test-${randomUUID().slice(0, 8)}:`;
    writeFileSync(
      join(dir, 'policy.yaml'),
      'version: budget-1\nnorms:\n  - name: ask\n    when: { headers: { x-test-action: respond } }\n    then: { action: clarify, mode: respond, reply: "Which language?" }\n',
    );
    const configFile = join(dir, 'clarion.yaml');
    writeServeConfig(configFile, {
      // The apps name their conversations (a trusted gateway would set the header).
      server: 'trustClientHeaders: true',
      upstreams: [`{ name: openai, api: openai, baseUrl: "${upstream.openaiBaseUrl}" }`],
      extra: [`redis: { url: "redis://127.0.0.1:6379", prefix: "${prefix}" }`],
      policy: '{ file: policy.yaml }',
      dataDir: join(dir, 'data'),
    });
    // REDIS_URL emptied so the config's Redis (with the test's prefix) is the one used.
    const a = await spawnServe(configFile, { REDIS_URL: '' });
    children.push(a.child);
    const b = await spawnServe(configFile, { REDIS_URL: '' });
    children.push(b.child);
    const headers = { 'x-test-action': 'respond', 'x-clarion-conversation-id': `conv-${randomUUID()}` };

    const first = await chat(a.url, headers);
    assert.equal(first.headers.get('x-clarion-action'), 'clarify');
    await first.text();
    await new Promise((r) => setTimeout(r, 150));
    const second = await chat(b.url, headers);
    assert.equal(second.headers.get('x-clarion-action'), 'annotate', 'budget of 1 spent on the other instance');
    await second.text();
    const other = await chat(b.url, { ...headers, 'x-clarion-conversation-id': `conv-${randomUUID()}` });
    assert.equal(other.headers.get('x-clarion-action'), 'clarify', 'another conversation still gets its question');
    await other.text();
  });
});

describe('hot reload under load', () => {
  test('a broken edit fails no request, keeps the old version and shows in /readyz; a good edit swaps', async () => {
    const upstream = await startFakeUpstream();
    const clarion = await startClarion({ upstream, policy: 'version: v1\nnorms: []\n' });
    try {
      let failures = 0;
      let total = 0;
      const versions = new Set<string>();
      let stop = false;
      const load = (async () => {
        while (!stop) {
          const batch = await Promise.all(Array.from({ length: 16 }, () => chat(clarion.url, {})));
          for (const res of batch) {
            total++;
            if (res.status !== 200) failures++;
            versions.add(res.headers.get('x-clarion-policy-version') ?? '');
            await res.text();
          }
        }
      })();
      await new Promise((r) => setTimeout(r, 200));
      writeFileSync(clarion.policyFile, 'version: v2\nnorms:\n  - name: broken\n    then: { action: teleport }\n');
      await clarion.server.policy.reload();
      await new Promise((r) => setTimeout(r, 300));
      const ready = (await (await fetch(`${clarion.url}/readyz`)).json()) as { policy: { ok: boolean; version: string; lastError: string | null } };
      assert.equal(ready.policy.ok, false);
      assert.equal(ready.policy.version, 'v1');
      assert.match(ready.policy.lastError ?? '', /norms\[0\]\.then\.action/);
      writeFileSync(clarion.policyFile, 'version: v3\nnorms: []\n');
      await clarion.server.policy.reload();
      await new Promise((r) => setTimeout(r, 300));
      stop = true;
      await load;
      assert.equal(failures, 0, `${failures} of ${total} requests failed`);
      assert.ok(total > 50, `load ran (${total} requests)`);
      assert.ok(versions.has('v1') && versions.has('v3') && !versions.has('v2'), [...versions].join(','));
      const metrics = await (await fetch(`${clarion.url}/metrics`)).text();
      assert.match(metrics, /clarion_policy_reloads_total\{result="error"\} [1-9]/);
    } finally {
      await clarion.close();
      await upstream.close();
    }
  });
});

describe('fail-open', () => {
  test('a detector that throws: the request is forwarded unchanged and the failure counted', async () => {
    const upstream = await startFakeUpstream();
    const clarion = await startClarion({
      upstream,
      detector: {
        threshold: 0.5,
        version: 'broken',
        assess() {
          throw new Error('detector exploded');
        },
      },
    });
    try {
      const res = await chat(clarion.url, {});
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-clarion-action'), 'pass');
      assert.equal(res.headers.get('x-clarion-score'), 'n/a');
      assert.equal(upstream.requests.at(-1)?.body, CHAT, 'forwarded byte-for-byte');
      const metrics = await (await fetch(`${clarion.url}/metrics`)).text();
      assert.match(metrics, /clarion_pipeline_failures_total\{stage="detect"\} 1/);
    } finally {
      await clarion.close();
      await upstream.close();
    }
  });
});
