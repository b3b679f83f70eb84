import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPolicyFile } from '../../src/policy/load.js';
import { clarion as inProcess, jsonLines } from '../helpers/cli.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'clarion-cli-policy-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function clarion(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env.CLARION_CONFIG;
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

test('policy check: the shipped policy is OK, with version and norm count', () => {
  const { code, stdout } = clarion('policy', 'check', 'config/policy.yaml');
  assert.equal(code, 0);
  assert.match(stdout, /^OK .*config\/policy\.yaml \(version 2026-12-shipped-4, 6 norms\)$/m);
});

test('policy check: an invalid policy prints one line per problem and exits 1', () => {
  const bad = file('bad.yaml', 'version: 1\nnorms:\n  - { name: a, when: { score: { min: 2 } }, then: { action: shout } }\nextra: 1\n');
  const { code, stdout } = clarion('policy', 'check', bad);
  assert.equal(code, 1);
  assert.match(stdout, /bad\.yaml: invalid/);
  assert.match(stdout, /^ {2}norms\[0\]\.when\.score\.min: /m);
  assert.match(stdout, /^ {2}norms\[0\]\.then\.action: /m);
  assert.match(stdout, /^ {2}extra: unknown field$/m);
  const missing = clarion('policy', 'check', join(dir, 'nope.yaml'));
  assert.equal(missing.code, 1);
  assert.match(missing.stdout, /file not found/);
});

test('policy: usage errors exit 2', () => {
  assert.equal(clarion('policy').code, 2);
  assert.equal(clarion('policy', 'check').code, 2);
  assert.equal(clarion('policy', 'test', 'config/policy.yaml').code, 2);
  assert.equal(clarion('policy', 'frobnicate', 'x').code, 2);
});

test('policy test: the shipped cases pass against the shipped policy', () => {
  const { code, stdout } = clarion('policy', 'test', 'config/policy.yaml', '--cases', 'config/policy-cases.yaml');
  assert.match(stdout, /^\d+ passed, 0 failed$/m, stdout);
  assert.equal(code, 0);
});

test('policy test: mismatches are reported per case with a summary and exit 1', () => {
  // A policy whose outcome does not depend on the detector: annotate everything, except tenant vip.
  const policy = file(
    'annotate-all.yaml',
    `
version: t1
norms:
  - { name: vip, when: { tenant: vip }, then: { action: escalate, escalate: { model: big } } }
  - { name: everything, then: { action: annotate } }
`,
  );
  const cases = file(
    'cases.yaml',
    `
cases:
  - { name: annotated text, text: "anything at all", expect: annotate }
  - { name: wrong expectation, text: "anything at all", expect: { action: defer, norm: everything } }
  - name: a chat request body for a vip tenant
    request: { model: gpt-4o, messages: [{ role: user, content: [{ type: text, text: "hello" }] }] }
    context: { tenant: vip }
    expect: { action: escalate, norm: vip }
  - name: wrong norm
    conversation: { protocol: openai-chat, model: m, system: "", turns: [{ role: user, parts: [{ type: text, text: hi }] }], tools: [], stream: false }
    expect: { action: annotate, norm: vip }
`,
  );
  const { code, stdout } = clarion('policy', 'test', policy, '--cases', cases);
  assert.equal(code, 1);
  assert.match(stdout, /^ {2}ok {4}annotated text$/m);
  assert.match(stdout, /^ {2}FAIL {2}wrong expectation$/m);
  assert.match(stdout, /action: expected defer, got annotate/);
  assert.match(stdout, /^ {2}ok {4}a chat request body for a vip tenant$/m);
  assert.match(stdout, /^ {2}FAIL {2}wrong norm$/m);
  assert.match(stdout, /norm: expected vip, got everything/);
  assert.match(stdout, /^2 passed, 2 failed$/m);
});

test('policy test: an invalid cases file names its problems', () => {
  const cases = file('bad-cases.yaml', 'cases:\n  - { name: both, text: a, request: {}, expect: pass }\n  - { name: x, text: a, expect: explode }\n');
  const { code, stdout } = clarion('policy', 'test', 'config/policy.yaml', '--cases', cases);
  assert.equal(code, 1);
  assert.match(stdout, /cases\[0\]: give exactly one of text, request, conversation/);
  assert.match(stdout, /cases\[1\]\.expect/);
});

test('--json: policy check prints one object; policy test one line per case', async () => {
  const ok = await inProcess(['policy', 'check', 'config/policy.yaml', '--json'], { cwd: root });
  assert.equal(ok.code, 0);
  const shipped = loadPolicyFile(join(root, 'config', 'policy.yaml'));
  assert.deepEqual(jsonLines(ok.stdout), [
    { file: join(root, 'config', 'policy.yaml'), ok: true, problems: [], version: shipped.version, norms: shipped.norms.length },
  ]);
  const policy = file('json-policy.yaml', 'version: j1\nnorms:\n  - { name: everything, then: { action: annotate } }\n');
  const cases = file('json-cases.yaml', '- { name: right, text: "hi", expect: annotate }\n- { name: wrong, text: "hi", expect: defer }\n');
  const run = await inProcess(['policy', 'test', policy, '--cases', cases, '--json']);
  assert.equal(run.code, 1);
  const results = jsonLines(run.stdout) as Array<{ name: string; ok: boolean; problems: string[]; decision: { action: string; norm: string } }>;
  assert.deepEqual(
    results.map((r) => [r.name, r.ok, r.decision.action, r.decision.norm]),
    [
      ['right', true, 'annotate', 'everything'],
      ['wrong', false, 'annotate', 'everything'],
    ],
  );
  assert.deepEqual(results[1]?.problems, ['action: expected defer, got annotate']);
  const invalid = await inProcess(['policy', 'test', policy, '--cases', file('json-bad.yaml', '- { name: x }\n'), '--json']);
  assert.equal(invalid.code, 1);
  assert.equal((jsonLines(invalid.stdout)[0] as { ok: boolean }).ok, false);
});
