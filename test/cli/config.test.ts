/**
 * `clarion config check [FILE]` says whether `clarion serve` would start: the config and the policy
 * file it references, each problem named with its file and field path; exit 1 when either is invalid.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clarion, jsonLines } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'clarion-cli-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const UPSTREAMS = 'upstreams:\n  - { name: openai, api: openai, baseUrl: "https://api.openai.com/v1" }\n';

function file(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

test('a valid config and policy: OK for each, exit 0', async () => {
  const policy = file('good/rules.yaml', 'version: g1\nnorms:\n  - { name: all, then: { action: annotate } }\n');
  const config = file('good/clarion.yaml', `${UPSTREAMS}policy: { file: rules.yaml }\n`);
  const { code, stdout } = await clarion(['config', 'check', config]);
  assert.equal(code, 0);
  assert.equal(stdout, `OK ${config}\nOK ${policy} (version g1, 1 norms)\n`);
});

test('a broken referenced policy: the policy file and each problem by field path, exit 1', async () => {
  const policy = file('broken/policy.yaml', 'version: 1\nnorms:\n  - { name: a, when: { score: { min: 2 } }, then: { action: shout } }\n');
  const config = file('broken/clarion.yaml', UPSTREAMS);
  const { code, stdout } = await clarion(['config', 'check', 'broken/clarion.yaml'], { cwd: dir });
  assert.equal(code, 1);
  const lines = stdout.trimEnd().split('\n');
  assert.equal(lines[0], `OK ${config}`);
  assert.equal(lines[1], `${policy}: invalid (policy.file of ${config})`);
  assert.match(lines[2] ?? '', /^ {2}norms\[0\]\.when\.score\.min: /);
  assert.match(lines[3] ?? '', /^ {2}norms\[0\]\.then\.action: /);
  assert.equal(lines.length, 4);

  const json = jsonLines((await clarion(['config', 'check', config, '--json'])).stdout);
  assert.equal(json.length, 1);
  const [report] = json as [{ ok: boolean; config: { ok: boolean }; policy: { file: string; ok: boolean; problems: string[] } }];
  assert.equal(report.ok, false);
  assert.equal(report.config.ok, true);
  assert.equal(report.policy.file, policy);
  assert.equal(report.policy.problems.length, 2);
});

test('a referenced policy that does not exist: named, exit 1', async () => {
  const config = file('missing/clarion.yaml', `${UPSTREAMS}policy: { file: nowhere.yaml }\n`);
  const { code, stdout } = await clarion(['config', 'check', config]);
  assert.equal(code, 1);
  assert.match(stdout, new RegExp(`^${join(dir, 'missing', 'nowhere.yaml')}: invalid .*\\n {2}\\(file\\): file not found$`, 'm'));
});

test('an invalid config: its problems, and the policy not checked, exit 1', async () => {
  const config = file('bad/clarion.yaml', 'upstreams:\n  - { name: a, api: openai, baseUrl: nope }\npolicy: { file: 7 }\n');
  const { code, stdout } = await clarion(['config', 'check', config]);
  assert.equal(code, 1);
  assert.match(stdout, /^ {2}upstreams\[0\]\.baseUrl: Invalid URL$/m);
  assert.match(stdout, /^policy: not checked \(the config is invalid\)$/m);
  const [report] = jsonLines((await clarion(['config', 'check', config, '--json'])).stdout);
  assert.deepEqual(report?.policy, null);
});

test('without FILE: CLARION_CONFIG, else the shipped config (which is valid)', async () => {
  const shipped = await clarion(['config', 'check']);
  assert.equal(shipped.code, 0, shipped.stdout);
  assert.match(shipped.stdout, /^OK .*config\/clarion\.yaml\nOK .*config\/policy\.yaml \(version /);
  const broken = file('env/clarion.yaml', `${UPSTREAMS}policy: { file: absent.yaml }\n`);
  const fromEnv = await clarion(['config', 'check'], { env: { CLARION_CONFIG: broken } });
  assert.equal(fromEnv.code, 1);
  assert.ok(fromEnv.stdout.startsWith(`OK ${broken}\n`));
});
