/**
 * clarify in interpret mode: instead of one question, the model answers briefly under the most
 * plausible readings and invites the user to pick; with `interpretBy: clarion`, Clarion lists the
 * readings itself when the detector names them. Guards (budget, answered, reply contract) apply
 * as to any clarification.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../src/policy/decide.js';
import { planAction } from '../../src/proxy/actions.js';
import { openaiChatAdapter } from '../../src/protocols/openai-chat.js';
import { parsePolicyText } from './policy-text.js';
import { assessment, context, policy, signal } from './helpers.js';

const P = policy(`
version: interpret-1
norms:
  - { name: by-model, when: { tenant: model }, then: { action: clarify, mode: interpret } }
  - { name: by-clarion, when: { tenant: clarion }, then: { action: clarify, mode: interpret, interpretBy: clarion } }
`);

const mercury = assessment(0.8, [signal('polysemy', '"mercury" has several common senses (the planet, the element or the god) and nothing says which')]);
const weather = assessment(0.8, [signal('unanchored_time_place', '"weather" depends on a country or place, and none is given', 'place')]);

describe('interpret mode', () => {
  test('by the model: the instruction names the readings and asks for brief answers under each, then an invitation to pick', () => {
    const d = decide(mercury, context({ tenant: 'model' }), P);
    assert.equal(d.action, 'clarify');
    assert.equal(d.mode, 'interpret');
    assert.equal(d.reply, null);
    assert.match(
      d.instruction ?? '',
      /brief answer under each of the two or three most plausible readings \("mercury" as the planet, the element or the god\)/,
    );
    assert.match(d.instruction ?? '', /invite the user to say which one they meant/);
    assert.match(d.instruction ?? '', /Do not ask a question/);
  });

  test('by the model without named readings: the model chooses them', () => {
    const d = decide(weather, context({ tenant: 'model' }), P);
    assert.match(d.instruction ?? '', /the place meant \(for "weather"\)/);
    assert.match(d.instruction ?? '', /the ones you judge most plausible from the request/);
  });

  test('by Clarion with named readings: a reply listing them, no instruction', () => {
    const d = decide(mercury, context({ tenant: 'clarion' }), P);
    assert.equal(d.mode, 'interpret');
    assert.equal(d.instruction, null);
    assert.equal(
      d.reply,
      'Your request can be read in more than one way: "mercury" as the planet, the element or the god. Which one do you mean? Tell me and I will answer it.',
    );
  });

  test('by Clarion without named readings: the model offers them instead', () => {
    const d = decide(weather, context({ tenant: 'clarion' }), P);
    assert.equal(d.reply, null);
    assert.match(d.instruction ?? '', /most plausible readings/);
  });

  test('planAction: a reply when Clarion names the readings, an injected instruction otherwise', () => {
    const body = { model: 'm', messages: [{ role: 'user', content: 'Tell me about mercury.' }] };
    const request = { adapter: openaiChatAdapter, body, raw: Buffer.from(JSON.stringify(body)), model: 'm' };
    const replied = planAction(decide(mercury, context({ tenant: 'clarion' }), P), request);
    assert.equal(replied.kind, 'reply');
    const forwarded = planAction(decide(mercury, context({ tenant: 'model' }), P), request);
    assert.equal(forwarded.kind, 'forward');
    assert.match(String(forwarded.kind === 'forward' ? forwarded.body : ''), /most plausible readings/);
  });

  test('the guards apply: budget spent, an answered clarification, a reply contract', () => {
    assert.equal(decide(mercury, context({ tenant: 'model', clarificationsSoFar: 1 }), P).action, 'annotate');
    assert.equal(decide(mercury, context({ tenant: 'clarion', replyConstraints: ['n: 2'] }), P).action, 'annotate');
    const answered = assessment(0.8, [...mercury.signals, signal('answered_clarification', 'answers')]);
    assert.equal(decide(answered, context({ tenant: 'model' }), P).action, 'annotate');
  });

  test('the operator can reword both texts; {readings} works in any template', () => {
    const p = policy(`
version: interpret-2
templates: { interpret: "READINGS {readings}", interpretRespond: "PICK {readings}" }
norms:
  - { name: m, when: { tenant: model }, then: { action: clarify, mode: interpret } }
  - { name: c, when: { tenant: clarion }, then: { action: clarify, mode: interpret, interpretBy: clarion, reply: "OWN {readings}" } }
  - { name: a, when: { tenant: annotate }, then: { action: annotate, instruction: "ASSUME ONE OF {readings}" } }
`);
    assert.equal(decide(mercury, context({ tenant: 'model' }), p).instruction, 'READINGS "mercury" as the planet, the element or the god');
    assert.equal(decide(mercury, context({ tenant: 'clarion' }), p).reply, 'OWN "mercury" as the planet, the element or the god');
    assert.equal(decide(mercury, context({ tenant: 'annotate' }), p).instruction, 'ASSUME ONE OF "mercury" as the planet, the element or the god');
  });

  test('policy check: interpretBy only with clarify in interpret mode; reply only when Clarion may reply', () => {
    assert.throws(
      () => parsePolicyText('{ action: clarify, mode: instruct, interpretBy: clarion }'),
      /interpretBy.*only applies to action clarify in interpret mode/s,
    );
    assert.throws(() => parsePolicyText('{ action: annotate, interpretBy: model }'), /interpretBy/);
    assert.throws(() => parsePolicyText('{ action: clarify, mode: interpret, reply: "x" }'), /reply.*has no effect/s);
    assert.doesNotThrow(() => parsePolicyText('{ action: clarify, mode: interpret, interpretBy: clarion, reply: "x {readings}", instruction: "y" }'));
  });
});
