import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createPolicyHolder, loadPolicyFile, parsePolicy, PolicyError } from '../../src/policy/load.js';

function problemsOf(text: string): string[] {
  try {
    parsePolicy(text, 'p.yaml');
  } catch (error) {
    assert.ok(error instanceof PolicyError);
    assert.equal(error.code, 'CLARION_INVALID_POLICY');
    assert.equal(error.file, 'p.yaml');
    return error.problems;
  }
  assert.fail('expected a PolicyError');
}

describe('parsePolicy', () => {
  test('a minimal policy gets every default', () => {
    const p = parsePolicy('version: 3', 'p.yaml');
    assert.equal(p.version, '3');
    assert.equal(p.shadow, false);
    assert.equal(p.optOut.allow, false);
    assert.deepEqual(p.norms, []);
    assert.equal(p.defaults.action, 'pass');
    assert.equal(p.defaults.mode, 'instruct');
    assert.equal(p.defaults.budget, 1);
    assert.equal(p.defaults.fallback, 'annotate');
    assert.match(p.templates.annotate, /\{gaps\}/);
  });

  test('the shipped policy is valid', () => {
    const p = loadPolicyFile(new URL('../../config/policy.yaml', import.meta.url).pathname);
    assert.ok(p.norms.length >= 2);
    assert.equal(p.defaults.action, 'pass');
    assert.equal(p.defaults.budget, 1);
  });

  test('schema problems name the field path and the reason, one line each', () => {
    const problems = problemsOf(`
version: 1
bogus: true
norms:
  - name: a
    when:
      score: { min: 1.5 }
      signals: [missing_input, nonsense]
      headers: { Authorization: "Bearer *" }
      colour: red
    then: { action: explode }
`);
    const joined = problems.join('\n');
    assert.match(joined, /^bogus: unknown field$/m);
    assert.match(joined, /^norms\[0\]\.when\.score\.min: /m);
    assert.match(joined, /^norms\[0\]\.when\.signals\.any\[1\]: Invalid option/m);
    assert.match(joined, /^norms\[0\]\.when\.headers\.Authorization: credential headers are removed/m);
    assert.match(joined, /^norms\[0\]\.when\.colour: unknown field$/m);
    assert.match(joined, /^norms\[0\]\.then\.action: /m);
  });

  test('cross-field problems: duplicates, misplaced parameters, escalate target, placeholders', () => {
    const problems = problemsOf(`
version: 1
templates: { question: "{question}" }
norms:
  - { name: a, then: { action: annotate, reply: "x", mode: respond } }
  - { name: a, then: { action: escalate } }
  - { name: b, then: { action: clarify, mode: respond, instruction: "x" } }
  - { name: c, then: { action: defer, reply: "hello {nme}" } }
`);
    const joined = problems.join('\n');
    assert.match(joined, /^norms\[0\]\.then\.reply: has no effect for action annotate$/m);
    assert.match(joined, /^norms\[0\]\.then\.mode: only applies to action clarify, not annotate$/m);
    assert.match(joined, /^norms\[1\]\.name: duplicate norm name "a"/m);
    assert.match(joined, /^norms\[1\]\.then\.escalate: escalate needs an upstream or a model/m);
    assert.match(joined, /^norms\[2\]\.then\.instruction: has no effect for action clarify in respond mode$/m);
    assert.match(joined, /^norms\[3\]\.then\.reply: unknown placeholder \{nme\}/m);
    assert.match(joined, /^templates\.question: the fallback question cannot use \{question\}$/m);
  });

  test('defaults.escalate satisfies an escalate norm', () => {
    const p = parsePolicy('version: 1\ndefaults: { escalate: { model: big } }\nnorms:\n  - { name: e, then: { action: escalate } }', 'p.yaml');
    assert.equal(p.norms.length, 1);
  });

  test('bad YAML and non-mapping roots', () => {
    assert.match(problemsOf('version: [1\n')[0] ?? '', /^\(root\): not valid YAML/);
    assert.match(problemsOf('- a\n- b\n')[0] ?? '', /^\(root\): expected a mapping/);
    assert.match(problemsOf('norms: []')[0] ?? '', /^version: /);
  });

  test('a missing file is a named problem', () => {
    assert.throws(
      () => loadPolicyFile('/nonexistent/policy.yaml'),
      (error: unknown) => error instanceof PolicyError && error.problems[0] === '(file): file not found',
    );
  });
});

describe('createPolicyHolder', () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  function setup(text: string): { dir: string; file: string; registry: Registry } {
    const dir = mkdtempSync(join(tmpdir(), 'clarion-policy-'));
    dirs.push(dir);
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, text);
    return { dir, file, registry: new Registry() };
  }

  const logger = pino({ level: 'silent' });
  const v = (version: string, action = 'annotate') => `version: "${version}"\nnorms:\n  - { name: n, then: { action: ${action} } }\n`;

  async function reloadCount(registry: Registry, result: 'ok' | 'error'): Promise<number> {
    const metric = await registry.getSingleMetric('clarion_policy_reloads_total')?.get();
    return metric?.values.find((value) => value.labels.result === result)?.value ?? 0;
  }

  async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) assert.fail('condition not reached in time');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  test('start-up with an invalid policy throws PolicyError', async () => {
    const { file, registry } = setup('version: 1\nnorms: nope\n');
    await assert.rejects(
      createPolicyHolder({ file, watch: false, logger, registry }),
      (error: unknown) => error instanceof PolicyError && /norms/.test(error.problems.join()),
    );
    await assert.rejects(createPolicyHolder({ file: `${file}.missing`, watch: false, logger, registry }), PolicyError);
  });

  test('reload(): a valid edit swaps, an invalid edit keeps the old policy and reports why', async () => {
    const { file, registry } = setup(v('1'));
    const holder = await createPolicyHolder({ file, watch: false, logger, registry });
    try {
      const first = holder.current();
      assert.equal(first.version, '1');
      assert.deepEqual({ ...holder.status(), loadedAt: '', hash: '' }, { ok: true, version: '1', file, lastError: null, loadedAt: '', hash: '' });
      assert.match(holder.status().hash, /^[0-9a-f]{64}$/);

      writeFileSync(file, v('2', 'defer'));
      assert.equal(await holder.reload(), true);
      assert.equal(holder.current().version, '2');
      assert.equal(holder.current().norms[0]?.then.action, 'defer');
      assert.equal(first.version, '1', 'a request holding the old policy keeps it');
      assert.equal(await reloadCount(registry, 'ok'), 1);

      writeFileSync(file, 'version: 3\nnorms:\n  - { name: n, then: { action: shout } }\n');
      assert.equal(await holder.reload(), false);
      assert.equal(holder.current().version, '2');
      const status = holder.status();
      assert.equal(status.ok, false);
      assert.equal(status.version, '2');
      assert.match(status.lastError ?? '', /norms\[0\]\.then\.action/);
      assert.equal(await reloadCount(registry, 'error'), 1);

      writeFileSync(file, v('4'));
      assert.equal(await holder.reload(), true);
      assert.equal(holder.status().ok, true);
      assert.equal(holder.status().lastError, null);
      assert.equal(await reloadCount(registry, 'ok'), 2);
    } finally {
      holder.close();
    }
  });

  test('watch: an edit replacing the file by rename is picked up; a broken one is rejected', async () => {
    const { dir, file, registry } = setup(v('1'));
    const holder = await createPolicyHolder({ file, watch: true, logger, registry, debounceMs: 30 });
    try {
      // Editors write a temporary file and rename it over the original.
      const tmp = join(dir, '.policy.yaml.swp');
      writeFileSync(tmp, v('2'));
      renameSync(tmp, file);
      await until(() => holder.current().version === '2');

      writeFileSync(file, 'version: 3\nnorms: [\n');
      await until(() => holder.status().lastError !== null);
      assert.equal(holder.current().version, '2');
      assert.match(holder.status().lastError ?? '', /not valid YAML/);
      assert.ok((await reloadCount(registry, 'error')) >= 1);

      writeFileSync(file, v('5'));
      await until(() => holder.current().version === '5');
      assert.equal(holder.status().ok, true);
    } finally {
      holder.close();
    }
  });

  test('watch: unrelated files in the directory do not count as reloads', async () => {
    const { dir, file, registry } = setup(v('1'));
    const holder = await createPolicyHolder({ file, watch: true, logger, registry, debounceMs: 30 });
    try {
      writeFileSync(join(dir, 'other.txt'), 'x');
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(await reloadCount(registry, 'ok'), 0);
      assert.equal(readFileSync(file, 'utf8'), v('1'));
    } finally {
      holder.close();
    }
  });

  test('two holders can share one registry (metrics registered once)', async () => {
    const { file, registry } = setup(v('1'));
    const a = await createPolicyHolder({ file, watch: false, logger, registry });
    const b = await createPolicyHolder({ file, watch: false, logger, registry });
    await a.reload();
    await b.reload();
    assert.equal(await reloadCount(registry, 'ok'), 2);
    a.close();
    b.close();
  });
});
