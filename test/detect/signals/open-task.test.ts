/**
 * Open tasks: an agent task whose result depends on details nobody gave, and an action on one of
 * the user's own things in an app that says neither which one nor what it should become.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createDetector } from '../../../src/detect/index.js';
import { user } from '../helpers.js';

const detector = createDetector();
const task = (text: string): string | null => {
  const a = detector.assess(user(text));
  return a.missingSlots.includes('task_details') ? a.suggestedQuestion : null;
};

describe('open_task: account actions', () => {
  test('an action on "my X" with nothing identifying it asks which one or what it becomes', () => {
    assert.equal(task('Cancel my order.'), 'Which order do you mean — could you give its number, date or name?');
    assert.equal(task('Please move my appointment.'), 'What should the appointment be changed to — the new value, date or amount?');
    assert.ok(task('Update my phone number.') !== null);
  });

  test('a number, a name or a target clause says which one or what it becomes', () => {
    for (const text of [
      'Cancel my order 88-41923.',
      'Move my appointment to Friday at 10am.',
      'Update my phone number to +44 7700 900123.',
      'Cancel my Netflix subscription.',
    ])
      assert.equal(task(text), null, text);
  });

  test('not an account action: no possessive object, or an idiom', () => {
    for (const text of ['Change the name of the variable.', 'Return the favour.']) assert.equal(task(text), null, text);
  });

  test('with tools the tool schema decides, and after earlier turns the history may say which one', () => {
    const tools = [
      {
        name: 'cancel_order',
        description: 'Cancel an order.',
        parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
      },
    ];
    const a = detector.assess(user('Cancel my order.', { tools }));
    assert.deepEqual(a.missingSlots, ['tool:cancel_order.order_id']);
  });
});
