/**
 * planAction: what each decision does to the request, independent of HTTP.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Decision } from '../../src/policy/decision.js';
import { adapterFor } from '../../src/protocols/index.js';
import { planAction } from '../../src/proxy/actions.js';

const chat = adapterFor('openai-chat');
const body = {
  model: 'small',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Translate this.' },
  ],
};
const raw = Buffer.from(JSON.stringify(body));

function decision(overrides: Partial<Decision>): Decision {
  return {
    action: 'pass',
    mode: null,
    norm: 'n',
    policyVersion: 'v',
    shadow: false,
    instruction: null,
    placement: 'append',
    reply: null,
    escalateTo: null,
    reason: 'r',
    failClosed: false,
    ...overrides,
  };
}

test('pass and no decision forward the raw bytes untouched', () => {
  for (const d of [null, decision({})]) {
    const plan = planAction(d, { adapter: chat, body, raw, model: 'small' });
    assert.equal(plan.kind, 'forward');
    assert.equal(plan.kind === 'forward' && plan.body, raw, 'the very same buffer');
  }
});

test('annotate and clarify/instruct forward a body carrying the instruction after the system text', () => {
  for (const d of [
    decision({ action: 'annotate', instruction: 'STATE ASSUMPTIONS' }),
    decision({ action: 'clarify', mode: 'instruct', instruction: 'ASK FIRST' }),
  ]) {
    const plan = planAction(d, { adapter: chat, body, raw, model: 'small' });
    assert.equal(plan.kind, 'forward');
    if (plan.kind !== 'forward') return;
    const sent = JSON.parse(String(plan.body)) as { messages: Array<{ role: string; content: string }> };
    assert.equal(sent.messages[0]?.content, 'Be brief.');
    assert.equal(sent.messages[1]?.role, 'system');
    assert.equal(sent.messages[1]?.content, d.instruction);
    assert.equal(sent.messages[2]?.content, 'Translate this.');
  }
});

test('clarify/respond and defer answer with the reply, in the route format', () => {
  for (const d of [
    decision({ action: 'clarify', mode: 'respond', reply: 'Which language?' }),
    decision({ action: 'defer', reply: 'A person will follow up.' }),
  ]) {
    const plan = planAction(d, { adapter: chat, body, raw, model: 'small' });
    assert.equal(plan.kind, 'reply');
    if (plan.kind !== 'reply') return;
    const reply = JSON.parse(plan.rendered.chunks.join('')) as { object: string; model: string; choices: Array<{ message: { content: string } }> };
    assert.equal(reply.object, 'chat.completion');
    assert.equal(reply.model, 'small');
    assert.equal(reply.choices[0]?.message.content, d.reply);
  }
});

test('escalate swaps the model and/or names the upstream', () => {
  const both = planAction(decision({ action: 'escalate', escalateTo: { upstream: 'strong', model: 'large' } }), { adapter: chat, body, raw, model: 'small' });
  assert.deepEqual(both.kind === 'forward' && { model: both.model, upstream: both.upstream, sent: JSON.parse(String(both.body)).model }, {
    model: 'large',
    upstream: 'strong',
    sent: 'large',
  });
  const upstreamOnly = planAction(decision({ action: 'escalate', escalateTo: { upstream: 'strong', model: null } }), {
    adapter: chat,
    body,
    raw,
    model: 'small',
  });
  assert.equal(upstreamOnly.kind === 'forward' && upstreamOnly.body, raw, 'same model: bytes untouched');
});
