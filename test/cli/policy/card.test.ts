import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { clarion } from '../../helpers/cli.js';
import { ROOT } from '../../helpers/spawn.js';

const env = { CLARION_CONFIG: join(ROOT, 'config', 'clarion.yaml') };

describe('clarion policy card', () => {
  test('without a file: the policy the config puts in force, as Markdown', async () => {
    const { code, stdout } = await clarion(['policy', 'card'], { env });
    assert.equal(code, 0);
    assert.match(stdout, /^# How this assistant handles unclear requests/);
    assert.match(stdout, /## When we ask you first/);
    assert.match(stdout, /Policy version \S+, in force since \d{4}-\d{2}-\d{2}\./);
  });

  test('the example strict policy as HTML and as JSON', async () => {
    const file = join(ROOT, 'config', 'examples', 'policy-strict.yaml');
    const html = await clarion(['policy', 'card', file, '--format', 'html'], { env });
    assert.equal(html.code, 0);
    assert.match(html.stdout, /^<!doctype html>/);
    assert.match(html.stdout, /<li data-norm="legal-defers">/);
    const json = await clarion(['policy', 'card', file, '--json'], { env });
    assert.equal(json.code, 0);
    const card = JSON.parse(json.stdout) as { version: string; sections: Array<{ id: string; rules: unknown[] }> };
    assert.equal(card.version, 'strict-example-1');
    assert.equal(card.sections.find((s) => s.id === 'review')?.rules.length, 1);
  });

  test('the recording settings come from the config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clarion-card-'));
    const config = join(dir, 'c.yaml');
    writeFileSync(join(dir, 'policy.yaml'), 'version: p1\nnorms: []\n');
    writeFileSync(config, 'upstreams:\n  - { name: o, api: openai, baseUrl: "https://x.test/v1" }\nevents:\n  redaction: { mode: none }\n');
    const { code, stdout } = await clarion(['policy', 'card', '--config', config], { env: {} });
    assert.equal(code, 0);
    assert.match(stdout, /not stored, only a fingerprint/);
    assert.match(stdout, /Every request: the request is answered as it is\./);
  });

  test('an invalid policy: its problems on stderr, exit 1; conflicting formats: usage error, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clarion-card-'));
    writeFileSync(join(dir, 'bad.yaml'), 'version: 1\nnorms: nope\n');
    const bad = await clarion(['policy', 'card', join(dir, 'bad.yaml')], { env });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /bad\.yaml: invalid\n {2}norms/);
    const conflict = await clarion(['policy', 'card', '--json', '--format', 'html'], { env });
    assert.equal(conflict.code, 2);
    assert.match(conflict.stderr, /--json conflicts with --format html/);
  });
});
