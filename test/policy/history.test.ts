/**
 * Policy history: every policy put in force is kept (hash, version, time, file, diff), a changed
 * text under an unchanged version is refused (or derived, when configured), and
 * `clarion policy history` lists and diffs them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { contentHash, findEntry, lineDiff, nextEntry } from '../../src/policy/history.js';
import { createPolicyHolder, policyContentHash, type LoadedPolicy } from '../../src/policy/load.js';
import { FilePolicyHistory } from '../../src/storage/file/policy-history.js';
import { startFakeUpstream } from '../fixtures/fake-upstream.js';
import { startClarion } from '../helpers/clarion.js';
import { clarion as cli, jsonLines } from '../helpers/cli.js';

const logger = pino({ level: 'silent' });

test('lineDiff marks removed and added lines with context; identical texts have no hunk', () => {
  const a = 'version: 1\nnorms:\n  - name: a\n    then: { action: clarify }\n';
  const b = 'version: 2\nnorms:\n  - name: a\n    then: { action: annotate }\n';
  const diff = lineDiff(a, b).split('\n');
  assert.ok(diff.includes('-version: 1') && diff.includes('+version: 2'));
  assert.ok(diff.includes('-    then: { action: clarify }') && diff.includes('+    then: { action: annotate }'));
  assert.ok(diff.includes('   - name: a'), 'context lines start with a space');
  assert.equal(lineDiff(a, a), '');
});

test('nextEntry skips a reload of the same text and version; findEntry finds by version or hash prefix', () => {
  const base = { version: '1', fileVersion: '1', time: 't', file: 'p.yaml', instance: 'i', text: 'version: 1\n', hash: contentHash('version: 1\n') };
  const first = nextEntry(undefined, base);
  assert.equal(first?.diff, null);
  assert.equal(nextEntry(first ?? undefined, base), null);
  const second = nextEntry(first ?? undefined, { ...base, version: '2', fileVersion: '2', text: 'version: 2\n', hash: contentHash('version: 2\n') });
  assert.match(second?.diff ?? '', /\+version: 2/);
  const entries = [first, second].filter((e) => e !== null);
  assert.equal(findEntry(entries, '1')?.version, '1');
  assert.equal(findEntry(entries, contentHash('version: 2\n').slice(0, 8))?.version, '2');
  assert.equal(findEntry(entries, '3'), undefined);
});

test('a reload whose text changed but whose version did not is refused; with derive it is accepted as <version>+<hash8>', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'clarion-policy-history-'));
  try {
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, 'version: 7\nnorms: []\n');
    const loaded: LoadedPolicy[] = [];
    const strict = await createPolicyHolder({ file, watch: false, logger, registry: new Registry(), onLoaded: (p) => loaded.push(p) });
    writeFileSync(file, 'version: 7\nnorms:\n  - { name: n, then: { action: annotate } }\n');
    assert.equal(await strict.reload(), false);
    assert.equal(strict.current().norms.length, 0, 'the old policy stays in force');
    assert.match(strict.status().lastError ?? '', /text changed but its version "7" did not/);
    assert.equal(loaded.length, 1, 'only the start-up policy was put in force');

    const derive = await createPolicyHolder({ file: join(dir, 'policy.yaml'), watch: false, logger, registry: new Registry(), versionUnchanged: 'derive' });
    writeFileSync(file, 'version: 7\nnorms: []\n# an edit\n');
    assert.equal(await derive.reload(), true);
    const hash = contentHash('version: 7\nnorms: []\n# an edit\n');
    assert.equal(derive.current().version, `7+${hash.slice(0, 8)}`);
    assert.equal(policyContentHash(derive.current()), hash, 'the derived policy keeps its content hash');
    writeFileSync(file, 'version: 8\nnorms: []\n');
    assert.equal(await strict.reload(), true, 'a new version is accepted');
    assert.equal(loaded.at(-1)?.fileVersion, '8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the proxy records each policy it puts in force; clarion policy history lists them and diffs two', async () => {
  const upstream = await startFakeUpstream();
  const running = await startClarion({ upstream, policy: 'version: h1\nnorms: []\n' });
  try {
    writeFileSync(running.policyFile, 'version: h2\nnorms:\n  - { name: all, then: { action: annotate } }\n');
    assert.equal(await running.server.policy.reload(), true);
    await running.server.close(1_000);
    const dataDir = join(running.dir, 'data');
    const store = new FilePolicyHistory(dataDir);
    const entries = await store.list();
    assert.deepEqual(
      entries.map((e) => e.version),
      ['h1', 'h2'],
    );
    assert.equal(entries[1]?.hash, contentHash('version: h2\nnorms:\n  - { name: all, then: { action: annotate } }\n'));
    const config = join(running.dir, 'clarion.yaml');
    const listed = await cli(['policy', 'history', '--config', config, '--data-dir', dataDir, '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(
      jsonLines(listed.stdout).map((e) => e.version),
      ['h1', 'h2'],
    );
    const diff = await cli(['policy', 'history', '--config', config, '--data-dir', dataDir, '--diff', 'h1', 'h2']);
    assert.equal(diff.code, 0, diff.stderr);
    assert.match(diff.stdout, /^-version: h1$/m);
    assert.match(diff.stdout, /^\+ {2}- \{ name: all, then: \{ action: annotate \} \}$/m);
    const missing = await cli(['policy', 'history', '--config', config, '--data-dir', dataDir, '--diff', 'h1', 'h9']);
    assert.equal(missing.code, 1);
  } finally {
    await running.close().catch(() => {});
    await upstream.close();
  }
});
