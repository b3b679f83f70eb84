/**
 * Detector v2 behaviour: unknown context (earlier turns held by the API) claims no unresolved
 * reference; conversational turns are never flagged; a message with no addressee and a choice
 * between options never named are missing slots; tool parameters are judged through messy schemas.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { withRememberedTurns, type Conversation, type ToolDefinition } from '../../src/conversation.js';
import { createDetector } from '../../src/detect/index.js';
import { openaiResponsesAdapter } from '../../src/protocols/openai-responses.js';
import { convo, user } from './helpers.js';

const detector = createDetector();
const ids = (c: Conversation): string[] =>
  detector
    .assess(c)
    .signals.filter((s) => s.weight > 0)
    .map((s) => s.id);
const slots = (c: Conversation): string[] => detector.assess(c).missingSlots;

describe('context known or unknown', () => {
  const followUp = openaiResponsesAdapter.toConversation({ model: 'm', previous_response_id: 'resp_1', input: 'Do it again but shorter.' });
  test('the Responses adapter records that earlier turns are held elsewhere', () => {
    assert.deepEqual(followUp.priorContext, { kind: 'previous_response_id', id: 'resp_1' });
    assert.deepEqual(openaiResponsesAdapter.toConversation({ model: 'm', conversation: { id: 'conv_9' }, input: 'hi' }).priorContext, {
      kind: 'conversation',
      id: 'conv_9',
    });
    assert.equal(openaiResponsesAdapter.toConversation({ model: 'm', input: 'hi' }).priorContext, undefined);
  });
  test('with unknown context no unresolved reference is claimed and the score stays low', () => {
    const a = detector.assess(followUp);
    assert.equal(a.context, 'unknown');
    assert.ok(!ids(followUp).includes('unresolved_reference'));
    assert.ok(a.score < detector.threshold, `score ${a.score}`);
  });
  test('with a context known to be empty the same words are an unresolved reference', () => {
    const a = detector.assess(user('Do it again but shorter.'));
    assert.equal(a.context, 'known');
    assert.ok(ids(user('Do it again but shorter.')).includes('unresolved_reference'));
    assert.ok(a.score >= detector.threshold, `score ${a.score}`);
  });
  test('remembered turns make the context known again', () => {
    const resolved = withRememberedTurns(followUp, [
      { role: 'user', parts: [{ type: 'text', text: 'Write a poem about the sea.' }] },
      { role: 'assistant', parts: [{ type: 'text', text: 'The sea rolls in with silver hands...' }] },
    ]);
    assert.equal(resolved.priorContext, undefined);
    assert.equal(detector.assess(resolved).context, 'known');
    assert.ok(!ids(resolved).includes('unresolved_reference'));
  });
  test('material the unknown context may hold is not claimed missing', () => {
    const c = openaiResponsesAdapter.toConversation({ model: 'm', previous_response_id: 'resp_2', input: 'Summarize this.' });
    assert.ok(!ids(c).includes('missing_input'));
  });
});

describe('conversational turns', () => {
  test('greetings, thanks and acknowledgements score low and suggest no question', () => {
    for (const t of ['hi', 'thanks!', 'ok', 'Thank you so much!', 'sounds good', 'go on', 'Hello there']) {
      const a = detector.assess(user(t));
      assert.ok(a.score < 0.3, `${t}: ${a.score}`);
      assert.equal(a.suggestedQuestion, null, t);
    }
  });
  test('a request that starts with thanks is not a conversational turn', () => {
    assert.ok(!detector.assess(user('Thanks, now summarize this.')).signals.some((s) => s.evidence.startsWith('a conversational turn')));
  });
});

describe('missing recipient and items', () => {
  test('a message to write with no addressee is missing its recipient; with one it is not', () => {
    assert.deepEqual(slots(user('Write an email saying I will be late.')), ['recipient']);
    assert.deepEqual(slots(user('Write an email to my manager saying I will be late.')), []);
    assert.deepEqual(slots(user('Write a cover letter for a data analyst position.')), []);
  });
  test('a choice between options never named is missing its items', () => {
    assert.deepEqual(slots(user('Which one is better?')), ['items']);
    assert.deepEqual(slots(user('Which is better, React or Vue?')), []);
    assert.deepEqual(slots(user('Which is the largest planet?')), []);
    assert.deepEqual(slots(user('What is the difference?')), ['items']);
    assert.deepEqual(slots(user('What is the difference between baking soda and baking powder?')), []);
  });
  test('earlier turns can name the items', () => {
    const c = convo([
      { role: 'user', text: 'I am choosing between a Kindle and a Kobo.' },
      { role: 'assistant', text: 'Both are good e-readers.' },
      { role: 'user', text: 'Which one is better?' },
    ]);
    assert.deepEqual(slots(c), []);
  });
});

describe('facts that depend on a work', () => {
  test('"who wrote the sequel?" needs the work; with a title it does not', () => {
    assert.ok(ids(user('Who wrote the sequel?')).includes('unanchored_time_place'));
    assert.ok(!ids(user('Who wrote the sequel to The Hobbit?')).includes('unanchored_time_place'));
  });
});

describe('tool parameters through messy schemas', () => {
  const booking: ToolDefinition = {
    name: 'createReservation',
    description: 'Create a table reservation at a partner restaurant.',
    parameters: {
      type: 'object',
      properties: {
        reservation: {
          type: 'object',
          properties: {
            restaurant: { type: 'string', description: 'Restaurant name' },
            partySize: { type: 'integer', enum: [1, 2, 3, 4, 5, 6] },
            when: { type: 'string', description: 'ISO 8601 date-time' },
          },
          required: ['restaurant', 'partySize', 'when'],
        },
        notes: { type: ['string', 'null'] },
      },
      required: ['reservation', 'notes'],
    },
  };
  const ship: ToolDefinition = {
    name: 'ship_parcel',
    description: 'Create a shipping label for a parcel.',
    parameters: {
      type: 'object',
      properties: {
        destination: { anyOf: [{ type: 'string', description: 'Full postal address' }, { type: 'object' }] },
        weight_kg: { type: ['number', 'string'], description: 'Weight in kilograms' },
        service: { type: 'string', enum: ['standard', 'express'], default: 'standard' },
      },
      required: ['destination', 'weight_kg', 'service'],
    },
  };
  test('nested required properties are checked; nullable and defaulted ones are not gaps', () => {
    assert.deepEqual(slots(user('Make a reservation at Chez Lou for two tomorrow at 7pm.', { tools: [booking] })), []);
    assert.deepEqual(slots(user('Make a reservation for two tomorrow at 7pm.', { tools: [booking] })), ['tool:createReservation.reservation.restaurant']);
  });
  test('anyOf alternatives and type arrays are read', () => {
    assert.deepEqual(slots(user('Ship a 2 kg parcel to Berlin.', { tools: [ship] })), []);
    assert.deepEqual(slots(user('Ship my parcel to Berlin.', { tools: [ship] })), ['tool:ship_parcel.weight_kg']);
  });
});
