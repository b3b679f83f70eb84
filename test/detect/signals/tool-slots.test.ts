/**
 * Tool-aware slots: the request is mapped to a tool by meaning (name, description and domain
 * words, not only the tool's exact name words), and each required parameter is judged by what it
 * is — including its role (origin vs destination, source vs target currency), counted quantities
 * ("for 3 nights") and lower-case names — so a required argument the user left out is flagged and
 * a complete request is not. The generated held-out cases (`training/tool-cases.ts`) are the gate.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ToolDefinition } from '../../../src/conversation.js';
import { createDetector } from '../../../src/detect/index.js';
import { toolCases } from '../../../src/detect/training/tool-cases.js';
import { user } from '../helpers.js';

const detector = createDetector();
const slots = (text: string, tools: ToolDefinition[]): string[] => detector.assess(user(text, { tools })).missingSlots.filter((s) => s.startsWith('tool:'));

const obj = (properties: Record<string, unknown>, required: string[]): Record<string, unknown> => ({ type: 'object', properties, required });
const forecast: ToolDefinition = {
  name: 'get_forecast',
  description: 'Weather forecast for a location.',
  parameters: obj({ location: { type: 'string' } }, ['location']),
};
const flights: ToolDefinition = {
  name: 'flight_search',
  description: 'Find flights.',
  parameters: obj({ from: { type: 'string', description: 'Origin airport' }, to: { type: 'string', description: 'Destination airport' } }, ['from', 'to']),
};
const fx: ToolDefinition = {
  name: 'fx_convert',
  description: 'Currency conversion.',
  parameters: obj(
    { amount: { type: 'number' }, from: { type: 'string', description: 'ISO currency code' }, to: { type: 'string', enum: ['USD', 'EUR', 'CAD'] } },
    ['amount', 'from', 'to'],
  ),
};
const hotel: ToolDefinition = {
  name: 'hotel_booking',
  description: 'Book accommodation.',
  parameters: obj({ city: { type: 'string' }, nights: { type: 'integer', minimum: 1 } }, ['city', 'nights']),
};
const shareFile: ToolDefinition = { name: 'share_file', description: 'Share a file.', parameters: obj({ id: { type: 'string' } }, ['id']) };

describe('tool-aware slots', () => {
  test('a request maps to a tool by meaning, not only by the tool name words', () => {
    assert.deepEqual(slots('Is it going to rain tomorrow?', [forecast]), ['tool:get_forecast.location']);
    assert.deepEqual(slots('Is it going to rain in Leeds tomorrow?', [forecast]), []);
  });

  test('origin and destination are told apart by their prepositions', () => {
    assert.deepEqual(slots('Find me a flight to Athens.', [flights]), ['tool:flight_search.from']);
    assert.deepEqual(slots('Find me a flight from Paris.', [flights]), ['tool:flight_search.to']);
    assert.deepEqual(slots('Find me a flight from Paris to Athens.', [flights]), []);
  });

  test('source and target currency: "in Canadian dollars" is the target, whatever the enum spells', () => {
    assert.deepEqual(slots('What would 500 be in Canadian dollars?', [fx]), ['tool:fx_convert.from']);
    assert.deepEqual(slots('What would 500 euros be in Canadian dollars?', [fx]), []);
    assert.deepEqual(slots('How much is 300 dollars?', [fx]), ['tool:fx_convert.to']);
  });

  test('a counted parameter needs its count ("for 3 nights"), not any number such as a date', () => {
    assert.deepEqual(slots('Book a room in Krakow from March 12.', [hotel]), ['tool:hotel_booking.nights']);
    assert.deepEqual(slots('Book a room in Krakow from March 12 for 3 nights.', [hotel]), []);
    assert.deepEqual(slots('Book a room from March 12 for 3 nights.', [hotel]), ['tool:hotel_booking.city']);
  });

  test('lower-case places fill a place parameter', () => {
    assert.deepEqual(slots('book a room in krakow for two nights', [hotel]), []);
  });

  test('a word the request shares with an unrelated tool does not win over the tool it is about', () => {
    assert.deepEqual(slots('Any cheap tickets out of Chicago to Miami?', [shareFile, flights]), []);
    assert.deepEqual(slots('Any cheap tickets to Miami?', [shareFile, flights]), ['tool:flight_search.from']);
  });

  const ticket: ToolDefinition = {
    name: 'create_support_ticket',
    description: 'Open an IT helpdesk ticket.',
    parameters: obj({ summary: { type: 'string' }, device: { type: 'string', enum: ['laptop', 'monitor', 'vpn'] } }, ['summary', 'device']),
  };
  const auditLog: ToolDefinition = { name: 'get_audit_log', description: 'Audit log.', parameters: obj({ id: { type: 'string' } }, ['id']) };
  test("a parameter's enum values are the tool's vocabulary (and they fill that parameter)", () => {
    assert.deepEqual(slots('My monitor flickers, please log it with IT.', [auditLog, ticket]), []);
    assert.deepEqual(slots('My screen flickers, please log a ticket with IT.', [auditLog, ticket]), ['tool:create_support_ticket.device']);
  });

  const sms: ToolDefinition = {
    name: 'send_sms',
    description: 'Send a text message to a phone number or contact.',
    parameters: obj({ to: { type: 'string', description: 'Phone number or contact name' }, message: { type: 'string' } }, ['to', 'message']),
  };
  test('a named addressee or a phone number fills a "to" parameter', () => {
    assert.deepEqual(slots('Text Marta that I am on my way.', [sms]), []);
    assert.deepEqual(slots('Send an SMS to +1 415 555 0199 saying the car is ready.', [sms]), []);
    assert.ok(slots('Text that I am on my way.', [sms]).includes('tool:send_sms.to'));
  });

  const rates: ToolDefinition = {
    name: 'get_exchange_rate',
    description: 'Current exchange rate between two currencies.',
    parameters: obj({ base: { type: 'string', description: 'ISO code' }, quote: { type: 'string', description: 'ISO code' } }, ['base', 'quote']),
  };
  test('code parameters of a currency tool are currencies, base before quote', () => {
    assert.deepEqual(slots('What is the exchange rate from euros to yen?', [rates]), []);
    assert.deepEqual(slots('How many dollars do I get for a pound?', [rates]), []);
    assert.deepEqual(slots('How many dollars do I get?', [rates]), ['tool:get_exchange_rate.quote']);
  });

  const vet: ToolDefinition = {
    name: 'book_doctor',
    description: 'Schedule a medical appointment with a practitioner.',
    parameters: obj({ specialty: { type: 'string', enum: ['gp', 'physio'] }, day: { type: 'string', format: 'date' } }, ['specialty', 'day']),
  };
  test("a request mapped to a tool is judged by the tool's schema, not by the action's usual slots", () => {
    // The booking tool asks for a day, not a time of day: no `time` slot from the generic booking rule.
    const a = detector.assess(user('Can you book the physio for next Monday?', { tools: [vet] }));
    assert.deepEqual(a.missingSlots, []);
    // Without the tool the generic rule still asks for the time.
    assert.ok(detector.assess(user('Can you book the physio for next Monday?')).missingSlots.includes('time'));
  });

  for (const set of ['tune', 'heldout', 'fresh'] as const) {
    test(`generated ${set} cases among 52 other tools: a removed required argument is flagged, a complete request is not`, () => {
      const cases = toolCases(set);
      const removed = cases.filter((c) => c.removed !== null);
      const complete = cases.filter((c) => c.removed === null);
      const flagged = (c: (typeof cases)[number]): boolean => detector.assess(c.conversation).missingSlots.some((s) => s.startsWith(`tool:${c.tool}.`));
      const caught = removed.filter(flagged).length;
      const falseFlags = complete.filter(flagged).length;
      assert.ok(removed.length >= 30 && complete.length >= 16, 'the generated set is not trivially small');
      assert.ok(caught / removed.length >= 0.85, `removed argument flagged ${caught}/${removed.length}`);
      assert.ok(falseFlags / complete.length <= 0.05, `complete request flagged ${falseFlags}/${complete.length}`);
    });
  }
});
