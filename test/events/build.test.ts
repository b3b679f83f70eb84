import { createHash } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildEvent } from '../../src/events/build.js';
import { EventsConfigSchema } from '../../src/events/config.js';
import { ClarionEventSchema } from '../../src/events/schema.js';
import { eventInput } from './fixtures.js';

const redaction = EventsConfigSchema.parse({}).redaction;

test('an EventInput becomes a valid schema v2 event with every field carried over', () => {
  const input = eventInput({ id: '01M8JZ3MTQJHRMCG003K5P5QJQ', time: Date.UTC(2026, 10, 29, 6, 15, 34, 999) });
  input.upstreamStatus = 200;
  input.upstreamMs = 812;
  const event = buildEvent(input, 'host-1', redaction);
  assert.deepEqual(ClarionEventSchema.parse(event), event);
  assert.equal(event.v, 2);
  assert.equal(event.time, '2026-11-29T06:15:34.999Z');
  assert.equal(event.instance, 'host-1');
  assert.equal(event.requestId, input.requestId);
  assert.equal(event.route, '/v1/chat/completions');
  assert.equal(event.protocol, 'openai-chat');
  assert.equal(event.tenant, 'acme');
  assert.equal(event.conversationId, 'conv-1');
  assert.equal(event.policyVersion, 'p-2026-11-01');
  assert.equal(event.norm, 'ask-when-vague');
  assert.equal(event.action, 'clarify');
  assert.equal(event.mode, 'respond');
  assert.equal(event.score, 0.82);
  assert.deepEqual(event.missingSlots, ['target_language']);
  assert.equal(event.signals[0]?.slot, 'target_language');
  assert.equal(event.question, 'Which language should I translate it into?');
  assert.equal(event.detectorMicros, 42);
  assert.equal(event.upstreamStatus, 200);
  assert.equal(event.upstreamMs, 812);
  assert.deepEqual(event.request, {
    mode: 'excerpt',
    text: 'translate this',
    truncated: false,
    sha256: createHash('sha256').update('translate this').digest('hex'),
    chars: 14,
    turns: 3,
    userTurns: 2,
  });
  assert.deepEqual(event.labels, []);
});

test('v2: the model id, the policy hash, the decision state and the sparse feature vector are recorded', () => {
  const input = eventInput({
    id: '01M8JZ3MTQJHRMCG003K5P5QJQ',
    context: { optOut: true, clarificationsSoFar: 2 },
    assessment: { detectorVersion: 'learned-7', features: { hashBits: 18, rule: { missing_slot: 1 }, hashed: [7, 99] } },
  });
  input.policyHash = 'ab'.repeat(32);
  const event = buildEvent(input, 'h', redaction);
  assert.deepEqual(ClarionEventSchema.parse(event), event);
  assert.equal(event.modelId, 'learned-7');
  assert.equal(event.policyHash, 'ab'.repeat(32));
  assert.deepEqual(event.decisionState, { optOut: true, clarificationsSoFar: 2 });
  assert.deepEqual(event.features, { hashBits: 18, rule: { missing_slot: 1 }, hashed: [7, 99] });
});

test('v1 events still read: the fields v2 added read as null, legacy label sources as their new names', () => {
  const v2 = buildEvent(eventInput({ id: '01M8JZ3MTQJHRMCG003K5P5QJQ' }), 'h', redaction);
  const { policyHash, modelId, decisionState, features, ...rest } = v2;
  void [policyHash, modelId, decisionState, features];
  const v1 = {
    ...rest,
    v: 1,
    labels: [
      { verdict: 'unneeded', note: null, time: 't', source: 'api' },
      { verdict: 'needed', note: null, time: 't', source: 'cli' },
    ],
  };
  const read = ClarionEventSchema.parse(JSON.parse(JSON.stringify(v1)));
  assert.equal(read.v, 1);
  assert.equal(read.policyHash, null);
  assert.equal(read.modelId, null);
  assert.equal(read.decisionState, null);
  assert.equal(read.features, null);
  assert.deepEqual(
    read.labels.map((l) => l.source),
    ['app', 'analyst'],
  );
});

test('question asked: the reply for clarify/respond, the instruction for clarify/instruct, none otherwise', () => {
  const instruct = buildEvent(
    eventInput({ id: 'A', decision: { mode: 'instruct', reply: null, instruction: 'Ask the user which language they mean.' } }),
    'h',
    redaction,
  );
  assert.equal(instruct.question, 'Ask the user which language they mean.');
  const annotate = buildEvent(
    eventInput({ id: 'B', decision: { action: 'annotate', mode: null, reply: null, instruction: 'State your assumptions.' } }),
    'h',
    redaction,
  );
  assert.equal(annotate.question, null);
});

test('mode none keeps only the hash; the same text always gives the same hash', () => {
  const none = { ...redaction, mode: 'none' as const };
  const a = buildEvent(eventInput({ id: 'A', text: 'secret plans' }), 'h', none);
  const b = buildEvent(eventInput({ id: 'B', text: 'secret plans' }), 'h', none);
  const c = buildEvent(eventInput({ id: 'C', text: 'other plans' }), 'h', none);
  assert.equal(a.request.text, null);
  assert.equal(a.request.sha256, b.request.sha256);
  assert.notEqual(a.request.sha256, c.request.sha256);
  assert.ok(!JSON.stringify(a).includes('secret plans'));
});
