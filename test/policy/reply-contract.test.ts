/**
 * Don't ask what the app cannot show: when the app's reply contract has no room for a question (a
 * JSON schema, a forced tool call, several choices), clarify falls back like a spent budget, the
 * reason says why, and every injected instruction restates the contract. Missing material is
 * never answered "in full".
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../src/policy/decide.js';
import { assessment, context, policy, signal } from './helpers.js';

const P = policy(`
version: rc-1
norms:
  - { name: ask, when: { tenant: ask }, then: { action: clarify } }
  - { name: ask-or-pass, when: { tenant: quiet }, then: { action: clarify, fallback: pass } }
  - { name: assume, when: { tenant: assume }, then: { action: annotate } }
  - { name: own-words, when: { tenant: own }, then: { action: annotate, instruction: "OWN {gaps}" } }
`);

const language = assessment(0.8, [signal('missing_slot', '"translate" names no target language', 'target_language')]);
const material = assessment(0.9, [signal('missing_input', '"summarize this" but no text is attached')]);

describe('reply contract', () => {
  for (const constraint of ['response_format: json_schema', 'tool_choice: required', 'tool_choice: get_weather', 'n: 3']) {
    test(`${constraint}: clarify falls back to annotate, and the reason names the constraint`, () => {
      const d = decide(language, context({ tenant: 'ask', replyConstraints: [constraint] }), P);
      assert.equal(d.action, 'annotate');
      assert.equal(d.mode, null);
      assert.ok(d.reason.includes(`the app requires ${constraint}, which a question would break, annotate instead of clarify`), d.reason);
      assert.ok(d.instruction?.includes(`The app requires ${constraint} for this reply: keep to that exactly`), d.instruction ?? '');
    });
  }

  test('without constraints the same request is asked', () => {
    const d = decide(language, context({ tenant: 'ask' }), P);
    assert.equal(d.action, 'clarify');
    assert.equal(d.mode, 'instruct');
    assert.doesNotMatch(d.instruction ?? '', /The app requires/);
  });

  test('an empty constraint list is no constraint', () => {
    assert.equal(decide(language, context({ tenant: 'ask', replyConstraints: [] }), P).action, 'clarify');
  });

  test("the norm's fallback holds: fallback pass forwards unchanged", () => {
    const d = decide(language, context({ tenant: 'quiet', replyConstraints: ['n: 2'] }), P);
    assert.equal(d.action, 'pass');
    assert.match(d.reason, /the app requires n: 2, which a question would break, pass instead of clarify/);
  });

  test('annotate itself restates the contract, even with a norm’s own instruction', () => {
    const d = decide(language, context({ tenant: 'own', replyConstraints: ['response_format: json_schema'] }), P);
    assert.ok(d.instruction?.startsWith('OWN the target language'));
    assert.match(d.instruction ?? '', /requires response_format: json_schema for this reply/);
  });

  test('the clarify instruction asks for exactly one question in the format the app requires', () => {
    const d = decide(language, context({ tenant: 'ask' }), P);
    assert.match(d.instruction ?? '', /exactly one short, targeted clarifying question/);
    assert.match(d.instruction ?? '', /in the format the app's instructions require/);
  });
});

describe('missing material', () => {
  test('the fallback for missing material says what is missing, never "answer in full"', () => {
    const d = decide(material, context({ tenant: 'ask', replyConstraints: ['tool_choice: required'] }), P);
    assert.equal(d.action, 'annotate');
    assert.match(d.instruction ?? '', /Say briefly what is missing/);
    assert.doesNotMatch(d.instruction ?? '', /in full/);
  });

  test('a budget spent on missing material: the same', () => {
    const d = decide(material, context({ tenant: 'ask', clarificationsSoFar: 1 }), P);
    assert.equal(d.action, 'annotate');
    assert.match(d.instruction ?? '', /not in the conversation/);
  });

  test('annotate on missing material uses the missing-material text', () => {
    const d = decide(material, context({ tenant: 'assume' }), P);
    assert.match(d.instruction ?? '', /Do not invent it/);
  });

  test("a norm's own instruction is kept as written", () => {
    const d = decide(material, context({ tenant: 'own' }), P);
    assert.ok(d.instruction?.startsWith('OWN '));
  });

  test('other gaps keep the answer-in-full text', () => {
    const d = decide(language, context({ tenant: 'assume' }), P);
    assert.match(d.instruction ?? '', /Answer the request in full/);
  });

  test('the operator can reword the missing-material text', () => {
    const p = policy(`
version: rc-2
templates: { annotateMissing: "MISSING {gaps}" }
norms: [{ name: assume, then: { action: annotate } }]
`);
    assert.equal(decide(material, context(), p).instruction, 'MISSING the text or material the request refers to, which was not included');
  });
});
