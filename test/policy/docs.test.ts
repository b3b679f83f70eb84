import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parsePolicy } from '../../src/policy/load.js';

const docs = readFileSync(new URL('../../docs/policy.md', import.meta.url), 'utf8');
const blocks = [...docs.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');

test('every policy example in docs/policy.md is a valid policy', () => {
  let checked = 0;
  for (const block of blocks) {
    if (block.includes('{ ... }') || block.startsWith('cases:')) continue;
    // Fragments show norms (and sometimes defaults) without the rest of the file.
    let text = block;
    if (!/^version:/m.test(text)) {
      if (!/^norms:/m.test(text)) text = text.replace(/^( {2}- name:)/m, 'norms:\n$1');
      text = `version: doc\n${text}`;
    }
    assert.doesNotThrow(() => parsePolicy(text, 'docs/policy.md'), `example:\n${block}`);
    checked++;
  }
  assert.ok(checked >= 5, `checked ${checked} examples`);
});
