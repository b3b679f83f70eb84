/**
 * `clarion replay` end to end: traffic through a real server fills the embedded event store;
 * replaying it with a candidate policy reports what would change.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startFakeUpstream } from '../fixtures/fake-upstream.js';
import { startClarion } from '../helpers/clarion.js';

const root = resolve(import.meta.dirname, '..', '..');

test('replay re-decides recorded events with a candidate policy', async () => {
  const upstream = await startFakeUpstream();
  const clarion = await startClarion({
    upstream,
    policy: 'version: recorded\nnorms:\n  - name: annotate-all\n    when: { score: { min: 0 } }\n    then: { action: annotate }\n',
  });
  const dir = clarion.dir;
  const dataDir = join(dir, 'data');
  try {
    for (const text of ['Translate this.', 'Summarize it for me.', 'Write a poem about the sea in four lines.']) {
      const res = await fetch(`${clarion.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] }),
      });
      assert.equal(res.headers.get('x-clarion-action'), 'annotate');
      await res.text();
    }
    await clarion.server.close(1_000);
    const candidate = join(dir, 'candidate.yaml');
    writeFileSync(candidate, 'version: candidate\nnorms: []\n');
    const configFile = join(dir, 'clarion.yaml');
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', 'replay', '--policy', candidate, '--config', configFile, '--data-dir', dataDir, '--json', '--changed'],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, REDIS_URL: '' },
      },
    );
    assert.equal(run.status, 0, run.stderr);
    const summary = JSON.parse(run.stdout) as { events: number; changed: number; transitions: Record<string, number>; changes: unknown[] };
    assert.equal(summary.events, 3);
    assert.equal(summary.changed, 3);
    assert.equal(summary.transitions['annotate -> pass'], 3);
    assert.equal(summary.changes.length, 3);

    const text = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', 'replay', '--policy', candidate, '--config', configFile, '--data-dir', dataDir],
      { cwd: root, encoding: 'utf8', env: { ...process.env, REDIS_URL: '' } },
    );
    assert.match(text.stdout, /replayed 3 events with policy candidate: 3 would change/);
  } finally {
    await clarion.close().catch(() => {});
    await upstream.close();
  }
});

test('replaying the unchanged policy reports no change: opt-out and the spent budget are recorded with each event', async () => {
  const upstream = await startFakeUpstream();
  const policyText = [
    'version: same',
    'optOut: { allow: true }',
    'norms:',
    '  - name: ask-all',
    '    when: { score: { min: 0 } }',
    '    then: { action: clarify, budget: 1 }',
    '',
  ].join('\n');
  const clarion = await startClarion({ upstream, policy: policyText });
  const dir = clarion.dir;
  const dataDir = join(dir, 'data');
  try {
    const send = async (headers: Record<string, string>): Promise<string | null> => {
      const res = await fetch(`${clarion.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-clarion-conversation-id': 'conv-1', ...headers },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Translate this.' }] }),
      });
      await res.text();
      return res.headers.get('x-clarion-action');
    };
    assert.equal(await send({}), 'clarify');
    assert.equal(await send({}), 'annotate', 'the budget of one clarification is spent');
    assert.equal(await send({ 'x-clarion-opt-out': '1', 'x-clarion-conversation-id': 'conv-2' }), 'pass', 'the app opted out');
    await clarion.server.close(1_000);
    const same = join(dir, 'same.yaml');
    writeFileSync(same, policyText);
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', 'replay', '--policy', same, '--config', join(dir, 'clarion.yaml'), '--data-dir', dataDir, '--json'],
      { cwd: root, encoding: 'utf8', env: { ...process.env, REDIS_URL: '' } },
    );
    assert.equal(run.status, 0, run.stderr);
    const summary = JSON.parse(run.stdout) as { events: number; changed: number; transitions: Record<string, number> };
    assert.equal(summary.events, 3);
    assert.equal(summary.changed, 0, JSON.stringify(summary.transitions));
  } finally {
    await clarion.close().catch(() => {});
    await upstream.close();
  }
});
