/**
 * `clarion serve` as a real process: an invalid config stops start-up with named problems;
 * SIGTERM lets an open stream finish, then exits 0.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream.js';

const root = resolve(import.meta.dirname, '..', '..');

function spawnCli(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function collect(child: ChildProcess): { out: () => string; exited: Promise<number | null> } {
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  return { out: () => out, exited: new Promise((r) => child.once('exit', (code) => r(code))) };
}

async function waitFor(predicate: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
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
    const child = spawnCli(['serve'], { CLARION_CONFIG: file, PORT: '0' });
    const { out, exited } = collect(child);
    assert.equal(await exited, 1);
    assert.match(out(), /upstreams\[1\]\.baseUrl: Invalid URL/);
    assert.doesNotMatch(out(), /\n\s+at /, 'no stack trace');
  });

  test('clarion config check prints OK or the problems', async () => {
    const good = spawnCli(['config', 'check', join(root, 'config', 'clarion.yaml')], {});
    const goodRun = collect(good);
    assert.equal(await goodRun.exited, 0);
    assert.match(goodRun.out(), /^OK /);
    const bad = spawnCli(['config', 'check', join(dir, 'bad.yaml')], {});
    const badRun = collect(bad);
    assert.equal(await badRun.exited, 1);
    assert.match(badRun.out(), /upstreams\[1\]\.baseUrl/);
  });

  test('SIGTERM: stops accepting, lets the open stream finish, exits 0', async () => {
    const file = join(dir, 'clarion.yaml');
    writeFileSync(
      file,
      [
        'server: { host: 127.0.0.1, shutdownGraceMs: 10000 }',
        'upstreams:',
        `  - { name: openai, api: openai, baseUrl: "${upstream.openaiBaseUrl}" }`,
        'policy: { file: policy.yaml }',
        `storage: { dataDir: "${join(dir, 'data')}" }`,
      ].join('\n'),
    );
    const child = spawnCli(['serve'], { CLARION_CONFIG: file, PORT: '0' });
    const { out, exited } = collect(child);
    await waitFor(() => /clarion listening/.test(out()));
    const address = /"address":"(http:\/\/[^"]+)"/.exec(out())?.[1];
    assert.ok(address, 'logs its address');

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
});
