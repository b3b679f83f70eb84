/**
 * Precedent per user, the pure parts: which gaps carry over, how an answer is read from the reply
 * to a clarification (and when it may be stored), whose key it is, and what decide() does when
 * the pipeline found earlier answers.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../src/policy/decide.js';
import { answerFor, precedentGaps, precedentKey } from '../../src/policy/precedent.js';
import { redactText } from '../../src/events/redact.js';
import { assessment, context, policy, signal } from './helpers.js';

const language = assessment(0.9, [signal('missing_slot', 'no target language', 'target_language'), signal('clear_request', 'specific')]);
const recipient = assessment(0.9, [signal('missing_slot', 'not who it is for', 'recipient')]);
const mercury = assessment(0.8, [signal('polysemy', '"mercury" has several common senses (the planet, the element or the god) and nothing says which')]);
const material = assessment(0.9, [signal('missing_input', 'nothing attached'), signal('missing_slot', 'x', 'target_language')]);
const STORE = { freeText: true, redact: redactText };
const NO_TEXT = { freeText: false, redact: redactText };

describe('gaps that carry over', () => {
  test('target language, recipient, units, place, the sense of a term', () => {
    assert.deepEqual(precedentGaps(language), [{ kind: 'target_language' }]);
    assert.deepEqual(precedentGaps(recipient), [{ kind: 'recipient' }]);
    assert.deepEqual(precedentGaps(assessment(0.9, [signal('missing_slot', 'x', 'target_format')])), [{ kind: 'target_format' }]);
    assert.deepEqual(precedentGaps(assessment(0.9, [signal('unanchored_time_place', 'x', 'place')])), [{ kind: 'place' }]);
    assert.deepEqual(precedentGaps(mercury), [{ kind: 'sense:mercury', options: ['the planet', 'the element', 'the god'] }]);
  });
  test('none when any gap cannot carry over: missing material, a time, an unnamed slot, nothing named', () => {
    assert.equal(precedentGaps(material), null);
    assert.equal(precedentGaps(assessment(0.9, [signal('unanchored_time_place', 'x', 'time')])), null);
    assert.equal(precedentGaps(assessment(0.9, [signal('missing_slot', 'x', 'criteria')])), null);
    assert.equal(precedentGaps(assessment(0.9, [signal('vague_request', 'x')])), null);
  });
});

describe('reading an answer', () => {
  test('a language from the lexicon, in any phrasing', () => {
    assert.equal(answerFor({ kind: 'target_language' }, 'French, please.', STORE), 'French');
    assert.equal(answerFor({ kind: 'target_language' }, 'into german i think', NO_TEXT), 'German');
    assert.equal(answerFor({ kind: 'target_language' }, 'the one my boss speaks', STORE), null);
  });
  test('a sense by its words or its position', () => {
    const gap = { kind: 'sense:mercury', options: ['the planet', 'the element', 'the god'] };
    assert.equal(answerFor(gap, 'The element.', NO_TEXT), 'the element');
    assert.equal(answerFor(gap, 'the first one', NO_TEXT), 'the planet');
    assert.equal(answerFor(gap, 'no idea', NO_TEXT), null);
  });
  test('free text (a recipient) only when text may be stored, short, and redacted', () => {
    assert.equal(answerFor({ kind: 'recipient' }, 'My landlord', STORE), 'My landlord');
    assert.equal(answerFor({ kind: 'recipient' }, 'to jane.doe@example.com please', STORE), '[REDACTED:email]');
    assert.equal(answerFor({ kind: 'recipient' }, 'My landlord', NO_TEXT), null, 'redaction mode none: no free text stored');
    assert.equal(answerFor({ kind: 'recipient' }, 'It is for the person who manages the building where I have lived since last year', STORE), null);
  });
  test('a place from the lexicon even when text may not be stored', () => {
    assert.equal(answerFor({ kind: 'place' }, 'in france', NO_TEXT), 'France');
    assert.equal(answerFor({ kind: 'place' }, 'Springfield', NO_TEXT), null);
  });
});

describe('whose precedent', () => {
  test('a user within a tenant, or the tenant; hashed; null without one', () => {
    const a = precedentKey('user', { tenant: 'acme', user: 'user:1' });
    assert.match(a ?? '', /^user:[0-9a-f]{32}$/);
    assert.notEqual(a, precedentKey('user', { tenant: 'other', user: 'user:1' }));
    assert.equal(precedentKey('user', { tenant: 'acme' }), null);
    assert.match(precedentKey('tenant', { tenant: 'acme' }) ?? '', /^tenant:[0-9a-f]{32}$/);
    assert.ok(!(precedentKey('tenant', { tenant: 'acme' }) ?? '').includes('acme'));
    assert.equal(precedentKey('tenant', { tenant: null }), null);
  });
});

describe('decide with precedent', () => {
  const p = policy(`
version: prec-1
norms:
  - { name: ask-lang, when: { tenant: user }, then: { action: clarify, precedent: { scope: user, ttl: 30d } } }
  - { name: ask-team, when: { tenant: team }, then: { action: clarify, precedent: { scope: tenant, ttl: 3600 } } }
  - { name: ask-plain, when: { tenant: plain }, then: { action: clarify } }
`);

  test('the decision carries the norm’s precedent so the pipeline reads and later stores answers', () => {
    const d = decide(language, context({ tenant: 'user' }), p);
    assert.equal(d.action, 'clarify');
    assert.deepEqual(d.precedent, { scope: 'user', ttlSeconds: 30 * 86_400 });
    assert.equal(decide(language, context({ tenant: 'plain' }), p).precedent, undefined);
  });

  test('every gap answered before: annotate, the model told what was assumed and why, the reason records it', () => {
    const d = decide(language, context({ tenant: 'user', precedents: { target_language: 'French' } }), p);
    assert.equal(d.action, 'annotate');
    assert.deepEqual(d.assumed, ['target_language']);
    assert.match(d.instruction ?? '', /assume the target language: French \(the user gave this answer when asked before\)/);
    assert.match(d.instruction ?? '', /say in one short sentence at the start of your answer what you assumed and why/);
    assert.match(d.reason, /target_language filled from the user's earlier answers, not asked again/);
    assert.doesNotMatch(d.reason, /French/, 'the answer itself stays out of the stored reason');
  });

  test('tenant scope says so', () => {
    const d = decide(mercury, context({ tenant: 'team', precedents: { 'sense:mercury': 'the element' } }), p);
    assert.match(d.instruction ?? '', /"mercury" meaning the element \(this answer was given in the same organisation before\)/);
  });

  test('a gap without an answer, or a norm that did not opt in: asked as usual', () => {
    assert.equal(decide(language, context({ tenant: 'user', precedents: { recipient: 'Bob' } }), p).action, 'clarify');
    assert.equal(decide(language, context({ tenant: 'plain', precedents: { target_language: 'French' } }), p).action, 'clarify');
  });

  test('precedent comes before a spent budget', () => {
    const d = decide(language, context({ tenant: 'user', clarificationsSoFar: 5, precedents: { target_language: 'French' } }), p);
    assert.deepEqual(d.assumed, ['target_language']);
  });

  test('policy check: precedent only on clarify; ttl in seconds or a duration', () => {
    assert.throws(
      () => policy('version: x\nnorms: [{ name: n, then: { action: annotate, precedent: { scope: user, ttl: 60 } } }]'),
      /precedent.*only applies to action clarify/s,
    );
    assert.throws(() => policy('version: x\nnorms: [{ name: n, then: { action: clarify, precedent: { scope: user, ttl: 3w } } }]'), /duration like 90m/);
    assert.throws(() => policy('version: x\nnorms: [{ name: n, then: { action: clarify, precedent: { scope: someone, ttl: 60 } } }]'), /scope/);
  });
});
