/**
 * The shipped policy agrees with the docs: apps cannot opt out of the policy unless the operator
 * allows it (`optOut.allow: false`), and the Kubernetes base ships the very same file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';

const root = resolve(import.meta.dirname, '..', '..');

test('the shipped policy does not let apps opt out', () => {
  const policy = parse(readFileSync(resolve(root, 'config', 'policy.yaml'), 'utf8')) as { optOut?: { allow?: boolean } };
  assert.equal(policy.optOut?.allow, false);
  assert.match(readFileSync(resolve(root, 'docs', 'policy.md'), 'utf8'), /### `optOut\.allow` \(default `false`\)/);
});

test('the Kubernetes base policy is the shipped one, byte for byte', () => {
  assert.equal(
    readFileSync(resolve(root, 'deploy', 'kubernetes', 'base', 'policy.yaml'), 'utf8'),
    readFileSync(resolve(root, 'config', 'policy.yaml'), 'utf8'),
  );
});
