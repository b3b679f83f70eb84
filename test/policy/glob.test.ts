/**
 * Globs (`*` any run, `?` one character, case-insensitive) match in time linear in the value: a
 * policy glob with several stars against a long `model` must not backtrack.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileGlob } from '../../src/policy/glob.js';
import { cpuMillis } from '../helpers/cpu.js';

const cases: Array<[string, string, boolean]> = [
  ['gpt-4*', 'gpt-4o-mini', true],
  ['gpt-4*', 'GPT-4O', true],
  ['gpt-4*', 'gpt-3.5', false],
  ['*mini', 'gpt-4o-mini', true],
  ['*mini', 'gpt-4o-minis', false],
  ['*gpt*mini*', 'openai/gpt-4o-mini-2024', true],
  ['*gpt*mini*', 'openai/gpt-4o', false],
  ['claude-?-5', 'claude-4-5', true],
  ['claude-?-5', 'claude-45', false],
  ['a*b*c', 'abc', true],
  ['a*b*c', 'aXbYbZc', true],
  ['a*b*c', 'acb', false],
  ['*', '', true],
  ['', '', true],
  ['', 'x', false],
  ['a.b', 'aXb', false],
  ['a.b', 'a.b', true],
  ['(x)+[y]', '(x)+[y]', true],
  ['*a?c*', 'zzabbc', false],
  ['*a?c*', 'zzabcz', true],
  ['tool:*', 'tool:search.query', true],
];

for (const [glob, value, expected] of cases) {
  test(`${JSON.stringify(glob)} ${expected ? 'matches' : 'does not match'} ${JSON.stringify(value)}`, () => {
    assert.equal(compileGlob(glob)(value), expected);
  });
}

test('several stars against a 160 KB value cost linear time, not backtracking', () => {
  const matchers = [compileGlob('*gpt*mini*x'), compileGlob('*a*b*c*d*e*f*zz')];
  const value = 'gpt'.repeat(20_000) + 'mini'.repeat(20_000);
  const value2 = 'ab'.repeat(80_000);
  const ms = cpuMillis(() => {
    assert.equal(matchers[0]?.(value), false);
    assert.equal(matchers[1]?.(value2), false);
  });
  assert.ok(ms < 500, `${ms} ms of CPU`);
});
