/**
 * `clarion serve` as a real process: an invalid config stops start-up with named problems;
 * SIGTERM lets an open stream finish, then exits 0.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream.js';
import { CLI_FROM_SOURCE, ROOT, spawnNode, spawnServe, writeServeConfig, type NodeProcess } from '../helpers/spawn.js';

function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): NodeProcess {
  return spawnNode([...CLI_FROM_SOURCE, ...args], env);
}

describe('clarion serve', () => {
  let dir: string;
  let upstream: FakeUpstream;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'clarion-serve-'));
    upstream = await startFakeUpstream();
    writeFileSync(join(dir, 'policy.yaml'), 'version: serve-test\nnorms: []\n');
  });
  after(async () => {
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('an invalid config stops start-up with one line per problem (exit 1)', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'upstreams:\n  - name: a\n    api: openai\n    baseUrl: https://ok.test/v1\n  - name: b\n    api: openai\n    baseUrl: nope\n');
    const { output, exited } = spawnCli(['serve'], { CLARION_CONFIG: file, PORT: '0' });
    assert.equal(await exited, 1);
    assert.match(output(), /upstreams\[1\]\.baseUrl: Invalid URL/);
    assert.doesNotMatch(output(), /\n\s+at /, 'no stack trace');
  });

  test('clarion config check prints OK or the problems', async () => {
    const good = spawnCli(['config', 'check', join(ROOT, 'config', 'clarion.yaml')]);
    assert.equal(await good.exited, 0);
    assert.match(good.output(), /^OK /);
    const bad = spawnCli(['config', 'check', join(dir, 'bad.yaml')]);
    assert.equal(await bad.exited, 1);
    assert.match(bad.output(), /upstreams\[1\]\.baseUrl/);
  });

  test('SIGTERM: stops accepting, lets the open stream finish, exits 0', async () => {
    const file = join(dir, 'clarion.yaml');
    writeServeConfig(file, {
      server: 'shutdownGraceMs: 10000',
      upstreams: [`{ name: openai, api: openai, baseUrl: "${upstream.openaiBaseUrl}" }`],
      policy: '{ file: policy.yaml }',
      dataDir: join(dir, 'data'),
    });
    const { child, url: address, exited } = await spawnServe(file);

    // A stream of 20 frames, 50 ms apart: about a second of streaming.
    const res = await fetch(`${address}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-fake-behaviour': 'chunks=20 chunk-delay=50' },
      body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'Write two paragraphs about autumn leaves.' }] }),
    });
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    const first = await reader.read();
    assert.equal(first.done, false);
    child.kill('SIGTERM');
    let text = new TextDecoder().decode(first.value);
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    assert.match(text, /data: \[DONE\]/, 'the open stream finished completely');
    assert.equal(await exited, 0);
    await assert.rejects(fetch(`${address}/healthz`), 'no longer accepting');
  });

  test('SIGHUP re-reads the policy (file watching off); a broken file keeps the old one', async () => {
    const policyFile = join(dir, 'hup-policy.yaml');
    writeFileSync(policyFile, 'version: hup-1\nnorms: []\n');
    const file = join(dir, 'hup.yaml');
    writeServeConfig(file, {
      upstreams: [`{ name: openai, api: openai, baseUrl: "${upstream.openaiBaseUrl}" }`],
      policy: '{ file: hup-policy.yaml, watch: false }',
      dataDir: join(dir, 'data-hup'),
    });
    const { child, url, exited } = await spawnServe(file);
    const version = async (): Promise<string | null> =>
      (await fetch(`${url}/readyz`).then((r) => r.json() as Promise<{ policy: { version: string } }>)).policy.version;
    try {
      assert.equal(await version(), 'hup-1');
      writeFileSync(policyFile, 'version: hup-2\nnorms: []\n');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await version(), 'hup-1', 'not watched: nothing changes without a signal');
      child.kill('SIGHUP');
      const deadline = Date.now() + 5_000;
      while ((await version()) !== 'hup-2' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.equal(await version(), 'hup-2');
      writeFileSync(policyFile, 'version: hup-3\nnorms: [ { name: x, then: { action: nope } } ]\n');
      child.kill('SIGHUP');
      await new Promise((r) => setTimeout(r, 500));
      const ready = (await fetch(`${url}/readyz`).then((r) => r.json())) as { policy: { ok: boolean; version: string; lastError: string | null } };
      assert.equal(ready.policy.version, 'hup-2');
      assert.equal(ready.policy.ok, false);
      assert.match(ready.policy.lastError ?? '', /norms\[0\]\.then\.action/);
    } finally {
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    }
  });
});
