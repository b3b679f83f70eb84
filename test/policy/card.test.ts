import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { EventsConfigSchema } from '../../src/events/config.js';
import { VerdictSchema } from '../../src/events/schema.js';
import { buildPolicyCard, describeWhen, renderPolicyCardHtml, renderPolicyCardMarkdown, type PolicyCard } from '../../src/policy/card.js';
import { loadPolicyFile, parsePolicy } from '../../src/policy/load.js';
import { ROOT } from '../helpers/spawn.js';

const events = EventsConfigSchema.parse({});
const shipped = loadPolicyFile(join(ROOT, 'config', 'policy.yaml'));
const strict = loadPolicyFile(join(ROOT, 'config', 'examples', 'policy-strict.yaml'));

function section(card: PolicyCard, id: string): PolicyCard['sections'][number] {
  const found = card.sections.find((s) => s.id === id);
  assert.ok(found, `section ${id}`);
  return found;
}

describe('policy card', () => {
  test('the shipped policy: every norm appears once, under the section of its action', () => {
    const card = buildPolicyCard({ policy: shipped, events, loadedAt: '2026-12-01T10:00:00.000Z' });
    const listed = card.sections.flatMap((s) => s.rules.map((r) => [s.id, r.norm]));
    const expected = shipped.norms.map((n) => [
      { clarify: 'ask', annotate: 'assume', defer: 'review', escalate: 'reroute', pass: 'otherwise' }[n.then.action],
      n.name,
    ]);
    assert.deepEqual(listed, expected);
    assert.equal(card.version, shipped.version);
    assert.equal(card.date, '2026-12-01');
    const markdown = renderPolicyCardMarkdown(card);
    assert.match(markdown, new RegExp(`Policy version ${shipped.version}, in force since 2026-12-01`));
    assert.match(markdown, /## When a person reviews your request\n\n- Never, under this policy\./);
    assert.match(markdown, /at most once per conversation, and never again once you have answered one/);
  });

  test('the strict example: review, ask directly, ask with a budget of two, sampled escalation, no opt-out', () => {
    const card = buildPolicyCard({ policy: strict, events, loadedAt: null });
    assert.equal(card.date, null);
    const review = section(card, 'review').rules;
    assert.deepEqual(
      review.map((r) => r.when),
      ["Unclear requests from the legal team's workspace."],
      'a norm with a description is stated in its own words',
    );
    const ask = section(card, 'ask').rules;
    assert.equal(ask[0]?.then, 'Clarion replies with one clarifying question instead of answering');
    assert.equal(ask[1]?.then, 'the assistant is asked to reply with one clarifying question instead of answering');
    assert.ok(ask[1]?.notes.includes('at most 2 times per conversation, and never again once you have answered one'));
    const reroute = section(card, 'reroute').rules[0];
    assert.match(reroute?.when ?? '', /^for the model gpt-4o-mini\*: when the request asks for things that contradict each other$/);
    assert.equal(reroute?.then, 'the request is sent to a different model, gpt-4o');
    assert.deepEqual(reroute?.notes, ['applies to about 25% of conversations while it is being tried out']);
    assert.match(section(card, 'rollout').statements.join(' '), /cannot switch these rules off/);
    assert.match(renderPolicyCardMarkdown(card), /## When we answer and say what we assumed\n\n- When Clarion estimates at least a 30% chance/);
  });

  test('conditions read as sentences: scope first, then any/all/none of signals, slots, categories and score', () => {
    assert.equal(describeWhen({}), 'every request');
    assert.equal(
      describeWhen({ tenant: ['acme-*'], missingSlots: { any: ['target_language', 'tool:*'] }, score: { min: 0.5, max: 0.9 } }),
      "for acme-*: when the language to translate into is missing or a value a tool needs to run is missing, and Clarion's estimate that the request is underspecified is between 50% and 90%",
    );
    assert.equal(
      describeWhen({ signals: { all: ['polysemy'], none: ['answered_clarification'] } }),
      'when a word in the request has several meanings that lead to different answers, and not when the user has just answered a clarifying question',
    );
    assert.equal(describeWhen({ missingSlots: { any: ['tool:get_weather.city'] } }), 'when a value the tool get_weather.city needs is missing');
  });

  test('what is recorded follows the events settings: redaction mode, retention, recording off', () => {
    const none = buildPolicyCard({
      policy: shipped,
      events: EventsConfigSchema.parse({ redaction: { mode: 'none' }, retention: { strategy: 'minid', days: 7 } }),
      loadedAt: null,
    });
    const recordedNone = section(none, 'recorded').statements.join(' ');
    assert.match(recordedNone, /not stored, only a fingerprint/);
    assert.match(recordedNone, /deleted after 7 days/);
    const excerpt = section(buildPolicyCard({ policy: shipped, events, loadedAt: null }), 'recorded').statements.join(' ');
    assert.match(excerpt, /At most the first 500 characters of your request are stored, with e-mail addresses/);
    assert.match(excerpt, /most recent 1,000,000 records/);
    const off = buildPolicyCard({ policy: shipped, events: EventsConfigSchema.parse({ enabled: false }), loadedAt: null });
    assert.deepEqual(section(off, 'recorded').statements, ['Nothing is recorded: event recording is switched off.']);
  });

  test('feedback names the verdicts the feedback API accepts', () => {
    const feedback = section(buildPolicyCard({ policy: shipped, events, loadedAt: null }), 'feedback').statements[0] ?? '';
    for (const verdict of VerdictSchema.options) assert.ok(feedback.includes(verdict), verdict);
    assert.match(feedback, /x-clarion-event-id/);
  });

  test('a shadow policy says its decisions are not applied', () => {
    const policy = parsePolicy('version: s1\nshadow: true\nnorms:\n  - { name: a, when: { score: { min: 0.5 } }, then: { action: clarify } }\n', 's.yaml');
    const card = buildPolicyCard({ policy, events, loadedAt: null });
    assert.match(section(card, 'rollout').statements[0] ?? '', /being tried out: its decisions are recorded, but every request is answered as it is/);
    assert.ok(section(card, 'ask').rules[0]?.notes.includes('being tried out: the decision is recorded but not applied'));
  });

  test('HTML: escaped, self-contained, no script', () => {
    const policy = parsePolicy(
      'version: "<v1>"\ndescription: "Tom & Jerry <b>"\nnorms:\n  - { name: x, description: "<script>alert(1)</script>", then: { action: annotate } }\n',
      'h.yaml',
    );
    const html = renderPolicyCardHtml(buildPolicyCard({ policy, events, loadedAt: '2026-01-02T00:00:00Z' }));
    assert.doesNotMatch(html, /<script/i);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(html, /Tom &amp; Jerry &lt;b&gt;/);
    assert.match(html, /Policy version &lt;v1&gt;, in force since <time datetime="2026-01-02">/);
    assert.doesNotMatch(html, /\b(src|href)=/, 'no external resources');
  });
});

describe('policy card: interpretations and precedent', () => {
  const p = parsePolicy(
    `
version: contract-card
norms:
  - { name: offer, when: { signals: [polysemy] }, then: { action: clarify, mode: interpret } }
  - { name: list, when: { signals: [unresolved_reference] }, then: { action: clarify, mode: interpret, interpretBy: clarion } }
  - { name: remember, when: { missingSlots: [target_language] }, then: { action: clarify, precedent: { scope: user, ttl: 30d } } }
  - { name: team, when: { missingSlots: [recipient] }, then: { action: clarify, precedent: { scope: tenant, ttl: 1d } } }
`,
    'contract-card.yaml',
  );
  const card = buildPolicyCard({ policy: p, events, loadedAt: null });
  const rules = section(card, 'ask').rules;

  test('interpret mode says the assistant answers under the readings, or Clarion lists them', () => {
    assert.match(rules[0]?.then ?? '', /answers briefly under the two or three most plausible readings/);
    assert.match(rules[1]?.then ?? '', /Clarion lists the ways your request can be read/);
  });

  test('precedent says whose earlier answer is used, for how long, and that the assistant says so', () => {
    assert.ok(
      rules[2]?.notes.includes(
        'if you have answered the same kind of question in the last 30 days, that answer is used instead of asking again, and the assistant says what it assumed',
      ),
    );
    assert.ok(rules[3]?.notes.some((n) => n.startsWith('if someone in your organisation has answered the same kind of question in the last day')));
  });
});
