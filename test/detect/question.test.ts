import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DetectorConfigSchema } from '../../src/detect/config.js';
import { createDetector } from '../../src/detect/index.js';
import { composeQuestion, DEFAULT_QUESTION_TEMPLATES, QUESTION_TEMPLATE_IDS } from '../../src/detect/question.js';
import { user } from './helpers.js';

describe('clarifying question', () => {
  test("one gap: its own template with the signal's words", () => {
    assert.equal(
      composeQuestion([{ template: 'polysemy', vars: { term: 'mercury', senses: 'the planet or the element' } }], DEFAULT_QUESTION_TEMPLATES),
      'Which “mercury” do you mean — the planet or the element?',
    );
  });
  test('several slots of one action merge into one question', () => {
    const q = composeQuestion(
      [
        { template: 'slot.date', vars: { what: 'table' } },
        { template: 'slot.time', vars: { what: 'table' } },
        { template: 'slot.party_size', vars: { what: 'table' } },
      ],
      DEFAULT_QUESTION_TEMPLATES,
    );
    assert.equal(q, 'Could you tell me the date, time and number of people for the table?');
  });
  test('two different gaps give one combined question', () => {
    const q = composeQuestion(
      [
        { template: 'slot.target_language', vars: {} },
        { template: 'unresolved_reference', vars: { reference: 'it' } },
      ],
      DEFAULT_QUESTION_TEMPLATES,
    );
    assert.equal(q, 'Which language should I translate it into? Also, what does “it” refer to?');
  });
  test('unknown placeholders become empty, nothing to ask gives null', () => {
    assert.equal(
      composeQuestion([{ template: 'slot.criteria', vars: {} }], { ...DEFAULT_QUESTION_TEMPLATES, 'slot.criteria': 'Any {nope}preferences?' }),
      'Any preferences?',
    );
    assert.equal(composeQuestion([], DEFAULT_QUESTION_TEMPLATES), null);
  });
  test('config templates override the defaults by id', () => {
    const config = DetectorConfigSchema.parse({ questionTemplates: { 'slot.target_language': 'Into which language, please?' } });
    const detector = createDetector(config);
    assert.equal(detector.assess(user('Translate this sentence: "Where is the train station?"')).suggestedQuestion, 'Into which language, please?');
    assert.equal(
      createDetector().assess(user('Translate this sentence: "Where is the train station?"')).suggestedQuestion,
      'Which language should I translate it into?',
    );
  });
  test('config threshold is applied', () => {
    assert.equal(createDetector({ threshold: 0.9, questionTemplates: {} }).threshold, 0.9);
  });
  test('every template id is documented in docs/detection.md', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(new URL('../../docs/detection.md', import.meta.url), 'utf8');
    for (const id of QUESTION_TEMPLATE_IDS) assert.ok(doc.includes(`\`${id}\``), `docs lack template id ${id}`);
  });
});
