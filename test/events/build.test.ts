import { createHash } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildEvent } from '../../src/events/build.js';
import { EventsConfigSchema } from '../../src/events/config.js';
import { ClarionEventSchema } from '../../src/events/schema.js';
import { eventInput } from './fixtures.js';

const redaction = EventsConfigSchema.parse({}).redaction;

test('an EventInput becomes a valid schema v1 event with every field carried over', () => {
  const input = eventInput({ id: '01M8JZ3MTQJHRMCG003K5P5QJQ', time: Date.UTC(2026, 10, 29, 6, 15, 34, 999) });
  input.upstreamStatus = 200;
  input.upstreamMs = 812;
  const event = buildEvent(input, 'host-1', redaction);
  assert.deepEqual(ClarionEventSchema.parse(event), event);
  assert.equal(event.v, 1);
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
