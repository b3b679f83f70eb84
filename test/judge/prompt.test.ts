/**
 * The judge's prompt shows what the assistant was asked (bounded), and only exactly the verdict
 * object counts as an answer; what a verdict does to an assessment.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conversationFromText, type Conversation } from '../../src/conversation.js';
import type { Assessment } from '../../src/detect/assessment.js';
import { judgePrompt, readVerdict } from '../../src/judge/prompt.js';
import { verdictLabel, withVerdict } from '../../src/judge/verdict.js';

test('the prompt carries the system start, tool names, the latest turns (bounded) and notes attachments', () => {
  const conversation: Conversation = {
    ...conversationFromText('x'),
    system: 'You are a travel agent.',
    tools: [{ name: 'book_flight' }, { name: 'get_weather' }],
    turns: [
      ...Array.from({ length: 6 }, (_, i) => ({ role: 'user' as const, parts: [{ type: 'text' as const, text: `turn ${i}` }] })),
      { role: 'user', parts: [{ type: 'text', text: 'y'.repeat(5_000) }, { type: 'image' }] },
    ],
  };
  const prompt = judgePrompt(conversation);
  assert.match(prompt, /You are a travel agent\./);
  assert.match(prompt, /book_flight, get_weather/);
  assert.ok(!prompt.includes('turn 2'), 'only the latest turns');
  assert.match(prompt, /turn 5/);
  assert.match(prompt, /\[attached: image\]/);
  assert.ok(prompt.length < 8_000);
  assert.match(
    judgePrompt({ ...conversationFromText('Do it again'), priorContext: { kind: 'previous_response_id', id: 'r' } }),
    /Earlier turns exist but are not shown/,
  );
});

test('only the exact verdict object is a verdict', () => {
  assert.deepEqual(readVerdict(' {"underspecified": true, "missing": ["city"], "question": "Which city?"} \n'), {
    underspecified: true,
    missing: ['city'],
    question: 'Which city?',
  });
  for (const answer of [
    'Sure, it is clear.',
    '```json\n{"underspecified": false, "missing": [], "question": ""}\n```',
    '{"underspecified": "no", "missing": [], "question": ""}',
    '{"underspecified": false}',
    '[]',
    '',
  ]) {
    assert.equal(readVerdict(answer), null, answer);
  }
});

const ASSESSMENT: Assessment = {
  score: 0.5,
  categories: [],
  signals: [],
  missingSlots: ['recipient'],
  suggestedQuestion: 'Who is it for?',
  detectorVersion: 't',
};

test('a verdict moves the score out of the band and brings its question and missing details', () => {
  const up = withVerdict(ASSESSMENT, { underspecified: true, missing: ['city', 'recipient'], question: 'Which city?' }, [0.3, 0.7]);
  assert.equal(up.score, 0.7);
  assert.deepEqual(up.missingSlots, ['recipient', 'city']);
  assert.equal(up.suggestedQuestion, 'Which city?');
  const down = withVerdict(ASSESSMENT, { underspecified: false, missing: [], question: '' }, [0.3, 0.7]);
  assert.equal(down.score, 0.3);
  assert.equal(down.suggestedQuestion, 'Who is it for?');
  assert.deepEqual(verdictLabel({ underspecified: true, missing: ['city'], question: 'Which city?' }), {
    verdict: 'needed',
    note: 'second opinion: underspecified; missing: city; question: Which city?',
  });
  assert.equal(verdictLabel({ underspecified: false, missing: [], question: '' }).verdict, 'unneeded');
});
