import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CLARIFICATIONS_UNKNOWN, decide, failureDecision } from '../../src/policy/decide.js';
import { DecisionSchema } from '../../src/policy/decision.js';
import { assessment, context, policy, signal } from './helpers.js';
import { cpuMillis } from '../helpers/cpu.js';

const vague = assessment(0.8, [signal('missing_input', 'this')]);
/** A gap other than missing material: annotate's answer-in-full text applies (missing material has its own, see reply-contract.test.ts). */
const slotGap = assessment(0.8, [signal('missing_slot', 'no target language', 'target_language')]);
const clear = assessment(0.1, [signal('clear_request')]);

describe('actions', () => {
  const p = policy(`
version: v7
norms:
  - name: annotate-it
    when: { tenant: annotate }
    then: { action: annotate }
  - name: clarify-instruct
    when: { tenant: instruct }
    then: { action: clarify, mode: instruct }
  - name: clarify-respond
    when: { tenant: respond }
    then: { action: clarify, mode: respond }
  - name: defer-it
    when: { tenant: defer }
    then: { action: defer }
  - name: escalate-it
    when: { tenant: escalate }
    then: { action: escalate, escalate: { upstream: big, model: gpt-4o } }
  - name: pass-it
    when: { tenant: pass }
    then: { action: pass }
`);

  test('pass carries no instruction, reply or target', () => {
    const d = decide(vague, context({ tenant: 'pass' }), p);
    assert.equal(d.action, 'pass');
    assert.equal(d.norm, 'pass-it');
    assert.equal(d.instruction, null);
    assert.equal(d.reply, null);
    assert.equal(d.escalateTo, null);
    assert.equal(d.policyVersion, 'v7');
    DecisionSchema.parse(d);
  });

  test('annotate injects the annotate template naming the gaps', () => {
    const d = decide(slotGap, context({ tenant: 'annotate' }), p);
    assert.equal(d.action, 'annotate');
    assert.equal(d.mode, null);
    assert.match(d.instruction ?? '', /state briefly .* assumptions/);
    assert.match(d.instruction ?? '', /the target language/);
    assert.equal(d.reply, null);
    assert.equal(d.placement, 'append');
    DecisionSchema.parse(d);
  });

  test('clarify instruct injects an instruction to ask one question', () => {
    const a = assessment(0.9, [signal('missing_slot', 'translate', 'target_language')], { suggestedQuestion: 'Which language should I translate into?' });
    const d = decide(a, context({ tenant: 'instruct' }), p);
    assert.equal(d.action, 'clarify');
    assert.equal(d.mode, 'instruct');
    assert.match(d.instruction ?? '', /one short, targeted clarifying question/);
    assert.match(d.instruction ?? '', /the target language/);
    assert.match(d.instruction ?? '', /"Which language should I translate into\?"/);
    assert.equal(d.reply, null);
  });

  test('clarify respond replies with the suggested question', () => {
    const a = assessment(0.9, [signal('missing_input')], { suggestedQuestion: 'What text should I summarize?' });
    const d = decide(a, context({ tenant: 'respond' }), p);
    assert.equal(d.action, 'clarify');
    assert.equal(d.mode, 'respond');
    assert.equal(d.reply, 'What text should I summarize?');
    assert.equal(d.instruction, null);
  });

  test('clarify respond without a suggested question asks about the gaps', () => {
    const a = assessment(0.9, [signal('polysemy', '"bank" has several common senses'), signal('unanchored_time_place', '"next week" is not anchored', 'time')]);
    const d = decide(a, context({ tenant: 'respond' }), p);
    assert.equal(d.reply, 'Could you clarify which meaning of "bank" is meant and the time meant (for "next week")?');
  });

  test('defer replies with the defer template', () => {
    const d = decide(vague, context({ tenant: 'defer' }), p);
    assert.equal(d.action, 'defer');
    assert.match(d.reply ?? '', /review by a member of our team/);
    assert.equal(d.instruction, null);
  });

  test('escalate names the upstream and model', () => {
    const d = decide(vague, context({ tenant: 'escalate' }), p);
    assert.equal(d.action, 'escalate');
    assert.deepEqual(d.escalateTo, { upstream: 'big', model: 'gpt-4o' });
  });

  test('every decision satisfies the Decision schema', () => {
    for (const tenant of ['pass', 'annotate', 'instruct', 'respond', 'defer', 'escalate', 'none']) {
      DecisionSchema.parse(decide(vague, context({ tenant }), p));
    }
  });
});

describe('first match and defaults', () => {
  test('the first matching norm wins even when a later one matches too', () => {
    const p = policy(`
version: 1
norms:
  - { name: first, when: { score: { min: 0.5 } }, then: { action: annotate } }
  - { name: second, when: { score: { min: 0.7 } }, then: { action: defer } }
`);
    assert.equal(decide(vague, context(), p).norm, 'first');
    const swapped = policy(`
version: 1
norms:
  - { name: second, when: { score: { min: 0.7 } }, then: { action: defer } }
  - { name: first, when: { score: { min: 0.5 } }, then: { action: annotate } }
`);
    assert.equal(decide(vague, context(), swapped).norm, 'second');
    assert.equal(decide(assessment(0.6), context(), swapped).norm, 'first');
  });

  test('no match applies defaults.action with a reason', () => {
    const p = policy(`
version: 1
defaults: { action: annotate }
norms:
  - { name: only-acme, when: { tenant: acme }, then: { action: defer } }
`);
    const d = decide(vague, context({ tenant: 'other' }), p);
    assert.equal(d.action, 'annotate');
    assert.equal(d.norm, null);
    assert.match(d.reason, /no norm matched.*defaults apply/);
  });

  test('an empty policy passes everything', () => {
    const d = decide(vague, context(), policy('version: 1'));
    assert.equal(d.action, 'pass');
    assert.equal(d.norm, null);
  });

  test('defaults fill mode, placement, failClosed and escalate target', () => {
    const p = policy(`
version: 1
defaults: { mode: respond, placement: prepend, failClosed: true, escalate: { upstream: strong } }
norms:
  - { name: c, when: { tenant: c }, then: { action: clarify } }
  - { name: a, when: { tenant: a }, then: { action: annotate } }
  - { name: a2, when: { tenant: a2 }, then: { action: annotate, placement: append, failClosed: false } }
  - { name: e, when: { tenant: e }, then: { action: escalate } }
`);
    assert.equal(decide(vague, context({ tenant: 'c' }), p).mode, 'respond');
    const a = decide(vague, context({ tenant: 'a' }), p);
    assert.equal(a.placement, 'prepend');
    assert.equal(a.failClosed, true);
    const a2 = decide(vague, context({ tenant: 'a2' }), p);
    assert.equal(a2.placement, 'append');
    assert.equal(a2.failClosed, false);
    assert.deepEqual(decide(vague, context({ tenant: 'e' }), p).escalateTo, { upstream: 'strong', model: null });
  });
});

describe('matchers', () => {
  const one = (when: string) =>
    policy(`
version: 1
norms:
  - name: hit
    when: ${when}
    then: { action: annotate }
`);
  const hits = (when: string, a = vague, c = context()) => decide(a, c, one(when)).norm === 'hit';

  test('protocol (one or a list)', () => {
    assert.ok(hits('{ protocol: openai-chat }'));
    assert.ok(!hits('{ protocol: anthropic-messages }'));
    assert.ok(hits('{ protocol: [anthropic-messages, openai-chat] }'));
  });

  test('route glob', () => {
    assert.ok(hits('{ route: "/v1/chat/*" }'));
    assert.ok(!hits('{ route: "/v1/messages" }'));
  });

  test('model glob: * and ?, case-insensitive, lists', () => {
    assert.ok(hits('{ model: "gpt-4o*" }'));
    assert.ok(hits('{ model: "GPT-4?-mini" }'));
    assert.ok(!hits('{ model: "gpt-4o" }'));
    assert.ok(!hits('{ model: "claude-*" }'));
    assert.ok(hits('{ model: ["claude-*", "gpt-*"] }'));
    // Regex metacharacters in a glob are literal.
    assert.ok(!hits('{ model: "gpt.4o-mini" }'));
    assert.ok(hits('{ model: "gpt.4o-mini" }', vague, context({ model: 'gpt.4o-mini' })));
  });

  test('tenant never matches a request without one', () => {
    assert.ok(hits('{ tenant: "acme*" }', vague, context({ tenant: 'acme-legal' })));
    assert.ok(!hits('{ tenant: "*" }', vague, context({ tenant: null })));
    assert.ok(hits('{ tenant: "*" }', vague, context({ tenant: 'x' })));
  });

  test('headers: every listed header present and matching; names case-insensitive', () => {
    const c = context({ headers: { 'x-app': 'support-bot', 'x-env': 'prod' } });
    assert.ok(hits('{ headers: { X-App: "support-*" } }', vague, c));
    assert.ok(hits('{ headers: { x-app: "support-*", x-env: prod } }', vague, c));
    assert.ok(!hits('{ headers: { x-app: "support-*", x-env: staging } }', vague, c));
    assert.ok(!hits('{ headers: { x-missing: "*" } }', vague, c));
  });

  test('metadata', () => {
    const c = context({ metadata: { feature: 'summarize' } });
    assert.ok(hits('{ metadata: { feature: summarize } }', vague, c));
    assert.ok(!hits('{ metadata: { feature: translate } }', vague, c));
    assert.ok(!hits('{ metadata: { other: "*" } }', vague, c));
  });

  test('score range is inclusive at both ends', () => {
    assert.ok(hits('{ score: { min: 0.8 } }'));
    assert.ok(!hits('{ score: { min: 0.81 } }'));
    assert.ok(hits('{ score: { max: 0.8 } }'));
    assert.ok(!hits('{ score: { max: 0.79 } }'));
    assert.ok(hits('{ score: { min: 0.5, max: 0.9 } }'));
    assert.ok(!hits('{ score: { min: 0.5, max: 0.7 } }'));
  });

  const mixed = assessment(0.7, [signal('polysemy', '"bank"'), signal('missing_slot', '', 'recipient')]);

  test('signals: list means any; any, all, none', () => {
    assert.ok(hits('{ signals: [contradiction, polysemy] }', mixed));
    assert.ok(!hits('{ signals: [contradiction] }', mixed));
    assert.ok(hits('{ signals: { all: [polysemy, missing_slot] } }', mixed));
    assert.ok(!hits('{ signals: { all: [polysemy, contradiction] } }', mixed));
    assert.ok(hits('{ signals: { none: [answered_clarification] } }', mixed));
    assert.ok(!hits('{ signals: { none: [polysemy] } }', mixed));
    assert.ok(!hits('{ signals: { any: [polysemy], none: [missing_slot] } }', mixed));
  });

  test('categories: any, all, none', () => {
    assert.ok(hits('{ categories: [linguistic] }', mixed));
    assert.ok(hits('{ categories: { all: [linguistic, aleatoric] } }', mixed));
    assert.ok(!hits('{ categories: { all: [linguistic, epistemic] } }', mixed));
    assert.ok(!hits('{ categories: [epistemic] }', mixed));
    assert.ok(hits('{ categories: { none: [epistemic] } }', mixed));
  });

  test('missing slots: globs with any, all, none', () => {
    const tool = assessment(0.7, [signal('missing_slot', '', 'tool:get_weather.city'), signal('missing_slot', '', 'recipient')]);
    assert.ok(hits('{ missingSlots: ["tool:*"] }', tool));
    assert.ok(hits('{ missingSlots: [target_language, recipient] }', tool));
    assert.ok(!hits('{ missingSlots: [target_language] }', tool));
    assert.ok(hits('{ missingSlots: { all: [recipient, "tool:get_weather.*"] } }', tool));
    assert.ok(!hits('{ missingSlots: { all: [recipient, target_language] } }', tool));
    assert.ok(hits('{ missingSlots: { none: [target_language] } }', tool));
    assert.ok(!hits('{ missingSlots: { none: ["tool:*"] } }', tool));
  });

  test('all conditions of a norm must hold', () => {
    const c = context({ tenant: 'acme' });
    assert.ok(hits('{ tenant: acme, score: { min: 0.5 }, signals: [missing_input] }', vague, c));
    assert.ok(!hits('{ tenant: acme, score: { min: 0.5 }, signals: [polysemy] }', vague, c));
  });

  test('an absent when matches everything', () => {
    const p = policy('version: 1\nnorms:\n  - { name: all, then: { action: annotate } }');
    assert.equal(decide(clear, context(), p).norm, 'all');
  });
});

describe('clarification budget and answered clarifications', () => {
  const p = policy(`
version: 1
norms:
  - { name: ask, when: { tenant: ask }, then: { action: clarify } }
  - { name: ask-twice, when: { tenant: twice }, then: { action: clarify, budget: 2 } }
  - { name: ask-or-pass, when: { tenant: quiet }, then: { action: clarify, fallback: pass } }
`);

  test('within budget the norm clarifies', () => {
    const d = decide(vague, context({ tenant: 'ask', clarificationsSoFar: 0 }), p);
    assert.equal(d.action, 'clarify');
  });

  test('budget spent: annotate instead, and the reason says so', () => {
    const d = decide(slotGap, context({ tenant: 'ask', clarificationsSoFar: 1 }), p);
    assert.equal(d.action, 'annotate');
    assert.equal(d.mode, null);
    assert.equal(d.norm, 'ask');
    assert.match(d.reason, /clarification budget spent \(1 of 1\), annotate instead of clarify/);
    assert.match(d.instruction ?? '', /assumptions/);
    assert.equal(d.reply, null);
  });

  test('the budget is per norm', () => {
    assert.equal(decide(vague, context({ tenant: 'twice', clarificationsSoFar: 1 }), p).action, 'clarify');
    assert.equal(decide(vague, context({ tenant: 'twice', clarificationsSoFar: 2 }), p).action, 'annotate');
  });

  test('fallback pass', () => {
    const d = decide(vague, context({ tenant: 'quiet', clarificationsSoFar: 1 }), p);
    assert.equal(d.action, 'pass');
    assert.match(d.reason, /pass instead of clarify/);
  });

  test('an unreadable count (memory failure) counts as spent', () => {
    const d = decide(vague, context({ tenant: 'twice', clarificationsSoFar: CLARIFICATIONS_UNKNOWN }), p);
    assert.equal(d.action, 'annotate');
    assert.match(d.reason, /count unavailable/);
  });

  test('answered_clarification never clarifies again, even with budget left', () => {
    const answered = assessment(0.8, [signal('missing_input'), signal('answered_clarification')]);
    const d = decide(answered, context({ tenant: 'twice', clarificationsSoFar: 0 }), p);
    assert.equal(d.action, 'annotate');
    assert.match(d.reason, /already answered a clarification/);
    assert.equal(decide(answered, context({ tenant: 'quiet' }), p).action, 'pass');
  });

  test('budget 0 never clarifies', () => {
    const zero = policy('version: 1\ndefaults: { budget: 0 }\nnorms:\n  - { name: ask, then: { action: clarify } }');
    assert.equal(decide(vague, context(), zero).action, 'annotate');
  });

  test('other actions ignore the budget', () => {
    const d = policy('version: 1\nnorms:\n  - { name: d, then: { action: defer } }');
    assert.equal(decide(vague, context({ clarificationsSoFar: 5 }), d).action, 'defer');
  });
});

describe('shadow', () => {
  test('policy-wide shadow marks decisions shadow', () => {
    const p = policy('version: 1\nshadow: true\nnorms:\n  - { name: a, then: { action: annotate } }');
    const d = decide(vague, context(), p);
    assert.equal(d.action, 'annotate');
    assert.equal(d.shadow, true);
    assert.match(d.reason, /shadow/);
  });

  test('a norm overrides the policy-wide setting either way', () => {
    const p = policy(`
version: 1
shadow: true
norms:
  - { name: enforced, when: { tenant: e }, then: { action: annotate, shadow: false } }
  - { name: trial, when: { tenant: t }, then: { action: defer } }
`);
    assert.equal(decide(vague, context({ tenant: 'e' }), p).shadow, false);
    assert.equal(decide(vague, context({ tenant: 't' }), p).shadow, true);
    const q = policy('version: 1\nnorms:\n  - { name: trial, then: { action: defer, shadow: true } }');
    assert.equal(decide(vague, context(), q).shadow, true);
  });

  test('pass is never shadow (there is nothing to withhold)', () => {
    const p = policy('version: 1\nshadow: true');
    assert.equal(decide(vague, context(), p).shadow, false);
  });
});

describe('sampling', () => {
  const p = policy(`
version: 1
norms:
  - { name: trial, then: { action: annotate, sample: 0.1 } }
  - { name: rest, then: { action: defer } }
`);

  test('about 10% of 10k conversations get the sampled norm; the others fall through', () => {
    let sampled = 0;
    for (let i = 0; i < 10_000; i++) {
      const d = decide(vague, context({ conversationId: `conversation-${i}` }), p);
      if (d.norm === 'trial') sampled++;
      else assert.equal(d.norm, 'rest');
    }
    assert.ok(sampled > 900 && sampled < 1100, `sampled ${sampled}`);
  });

  test('the same conversation always gets the same outcome', () => {
    for (let i = 0; i < 200; i++) {
      const c = context({ conversationId: `c${i}` });
      const first = decide(vague, c, p).norm;
      for (let k = 0; k < 3; k++) assert.equal(decide(vague, c, p).norm, first);
    }
  });

  test('raising the share keeps the conversations already in it', () => {
    const wider = policy(`
version: 1
norms:
  - { name: trial, then: { action: annotate, sample: 0.3 } }
  - { name: rest, then: { action: defer } }
`);
    let inNarrow = 0;
    for (let i = 0; i < 2000; i++) {
      const c = context({ conversationId: `k${i}` });
      if (decide(vague, c, p).norm === 'trial') {
        inNarrow++;
        assert.equal(decide(vague, c, wider).norm, 'trial');
      }
    }
    assert.ok(inNarrow > 0);
  });

  test('sample 0 never matches, sample 1 always does', () => {
    const zero = policy('version: 1\nnorms:\n  - { name: z, then: { action: annotate, sample: 0 } }');
    const all = policy('version: 1\nnorms:\n  - { name: z, then: { action: annotate, sample: 1 } }');
    for (let i = 0; i < 100; i++) {
      assert.equal(decide(vague, context({ conversationId: `z${i}` }), zero).norm, null);
      assert.equal(decide(vague, context({ conversationId: `z${i}` }), all).norm, 'z');
    }
  });
});

describe('opt-out', () => {
  test('honoured where the policy allows it', () => {
    const p = policy('version: 1\noptOut: { allow: true }\nnorms:\n  - { name: a, then: { action: clarify } }');
    const d = decide(vague, context({ optOut: true }), p);
    assert.equal(d.action, 'pass');
    assert.equal(d.norm, 'a');
    assert.match(d.reason, /opted out/);
    assert.equal(decide(vague, context({ optOut: false }), p).action, 'clarify');
  });

  test('ignored where it is not allowed (the default)', () => {
    const p = policy('version: 1\nnorms:\n  - { name: a, then: { action: annotate } }');
    const d = decide(vague, context({ optOut: true }), p);
    assert.equal(d.action, 'annotate');
    assert.match(d.reason, /opt-out requested but not allowed/);
  });

  test('a norm overrides the policy-wide setting', () => {
    const p = policy(`
version: 1
optOut: { allow: true }
norms:
  - { name: mandatory, when: { tenant: m }, then: { action: defer, allowOptOut: false } }
  - { name: optional, then: { action: annotate } }
`);
    assert.equal(decide(vague, context({ tenant: 'm', optOut: true }), p).action, 'defer');
    assert.equal(decide(vague, context({ tenant: 'x', optOut: true }), p).action, 'pass');
    const q = policy('version: 1\nnorms:\n  - { name: n, then: { action: annotate, allowOptOut: true } }');
    assert.equal(decide(vague, context({ optOut: true }), q).action, 'pass');
  });
});

describe('templates', () => {
  test('norm templates fill every placeholder', () => {
    const p = policy(`
version: 1
norms:
  - name: custom
    then:
      action: annotate
      placement: prepend
      instruction: "gaps=[{gaps}] q=[{question}] slots=[{slots}] signals=[{signals}] categories=[{categories}] score={score} norm={norm} model={model} tenant={tenant} {{literal}}"
`);
    const a = assessment(0.834, [signal('missing_slot', 'translate', 'target_language'), signal('unresolved_reference', '"it" has no antecedent')], {
      suggestedQuestion: 'Which language?',
    });
    const d = decide(a, context({ tenant: 'acme', model: 'gpt-4o' }), p);
    assert.equal(
      d.instruction,
      'gaps=[the target language and what "it" refers to] q=[Which language?] slots=[target_language] signals=[missing_slot, unresolved_reference] categories=[aleatoric, linguistic] score=0.83 norm=custom model=gpt-4o tenant=acme {literal}',
    );
    assert.equal(d.placement, 'prepend');
  });

  test('policy-level templates replace the shipped texts', () => {
    const p = policy(`
version: 1
templates:
  annotate: "Assume sensibly about {gaps}."
  defer: "A human will answer."
  question: "What about {gaps}?"
  clarifyRespond: ">> {question}"
norms:
  - { name: a, when: { tenant: a }, then: { action: annotate } }
  - { name: d, when: { tenant: d }, then: { action: defer } }
  - { name: r, when: { tenant: r }, then: { action: clarify, mode: respond } }
`);
    const a = assessment(0.8, [signal('contradiction', 'short but detailed')]);
    assert.equal(decide(a, context({ tenant: 'a' }), p).instruction, 'Assume sensibly about which of the conflicting requirements takes priority.');
    assert.equal(decide(a, context({ tenant: 'd' }), p).reply, 'A human will answer.');
    assert.equal(decide(a, context({ tenant: 'r' }), p).reply, '>> What about which of the conflicting requirements takes priority?');
  });

  test('gaps without findings use a neutral phrase; long evidence is shortened', () => {
    const p = policy('version: 1\ntemplates: { annotate: "[{gaps}]" }\nnorms:\n  - { name: a, then: { action: annotate } }');
    assert.equal(decide(assessment(0.9), context(), p).instruction, '[the details the request leaves open]');
    const long = assessment(0.9, [signal('unfamiliar_entity', `"${'x'.repeat(70)}" is not a known name`)]);
    const text = decide(long, context(), p).instruction ?? '';
    assert.ok(text.length < 60, text);
    assert.match(text, /^\[what "x+…" is\]$/);
    // Evidence without a quoted span gets the generic phrase, never the raw reason text.
    const unquoted = assessment(0.9, [signal('unresolved_reference', 'pronoun without antecedent')]);
    assert.equal(decide(unquoted, context(), p).instruction, '[what the request refers to]');
  });

  test('the same gap is named once', () => {
    const p = policy('version: 1\ntemplates: { annotate: "[{gaps}]" }\nnorms:\n  - { name: a, then: { action: annotate } }');
    const a = assessment(0.9, [signal('missing_slot', '', 'recipient')], { missingSlots: ['recipient', 'tool:send.subject'] });
    assert.equal(decide(a, context(), p).instruction, '[the recipient and the subject (for send)]');
  });

  test("budget fallback uses the annotate template, not the norm's clarify instruction", () => {
    const p = policy(`
version: 1
templates: { annotate: "ANNOTATE {gaps}" }
norms:
  - { name: ask, then: { action: clarify, instruction: "ASK {question}" } }
`);
    assert.match(decide(vague, context(), p).instruction ?? '', /^ASK /);
    assert.match(decide(slotGap, context({ clarificationsSoFar: 1 }), p).instruction ?? '', /^ANNOTATE /);
  });
});

describe('failure decision and purity', () => {
  test('failureDecision passes with the reason and defaults.failClosed', () => {
    const p = policy('version: 9\ndefaults: { failClosed: true }');
    const d = failureDecision(p, 'detector', new Error('boom'));
    assert.equal(d.action, 'pass');
    assert.equal(d.failClosed, true);
    assert.equal(d.policyVersion, '9');
    assert.match(d.reason, /detector failed \(boom\)/);
    DecisionSchema.parse(d);
  });

  test('decide does not mutate its inputs', () => {
    const p = policy('version: 1\nnorms:\n  - { name: a, then: { action: clarify } }');
    const a = assessment(0.8, [signal('missing_input')]);
    const c = context({ clarificationsSoFar: 1 });
    const before = JSON.stringify([a, c, p]);
    decide(a, c, p);
    assert.equal(JSON.stringify([a, c, p]), before);
  });

  test('decide takes microseconds', () => {
    const p = policy(`
version: 1
norms:
  - { name: n1, when: { model: "claude-*", tenant: "a*" }, then: { action: defer } }
  - { name: n2, when: { headers: { x-app: "z*" } }, then: { action: escalate, escalate: { model: m } } }
  - { name: n3, when: { signals: [missing_input], score: { min: 0.5 } }, then: { action: clarify } }
  - { name: n4, when: { score: { min: 0.5 } }, then: { action: annotate } }
`);
    const c = context();
    for (let i = 0; i < 2000; i++) decide(vague, c, p);
    const n = 20_000;
    const perCallMicros =
      (cpuMillis(() => {
        for (let i = 0; i < n; i++) decide(i % 2 === 0 ? vague : clear, c, p);
      }) *
        1000) /
      n;
    assert.ok(perCallMicros < 20, `decide took ${perCallMicros.toFixed(2)} µs of CPU per call`);
  });
});
