/**
 * The readings interpret mode offers, named from the real detector's signals: if the detector's
 * wording of its evidence changes, these fail (the readings are read from it).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assess } from '../../src/detect/index.js';
import { conversationFromText } from '../../src/conversation.js';
import { readingsOf, readingsPhrase, UNNAMED_READINGS } from '../../src/policy/readings.js';

const readings = (text: string) => readingsOf(assess(conversationFromText(text)));

describe('readings from the detector', () => {
  test('the senses of a polysemous term', () => {
    assert.deepEqual(readings('Tell me about mercury.'), [{ about: '"mercury"', options: ['the planet', 'the element', 'the god'] }]);
  });

  test('the works a bare title could name', () => {
    assert.deepEqual(readings('What is the plot of Shopgirl?'), [{ about: '"Shopgirl"', options: ['the book', 'the film'] }]);
  });

  test('the candidate antecedents of a pronoun', () => {
    assert.deepEqual(readings('John told Peter that he had won. Who won?'), [{ about: '"he"', options: ['john', 'peter'] }]);
  });

  test('none for gaps the detector cannot enumerate (a place, a missing slot) or a clear request', () => {
    assert.deepEqual(readings('What is the weather like today?'), []);
    assert.deepEqual(readings('Translate this sentence: the weather is lovely today.'), []);
    assert.deepEqual(readings('What is 2 + 2?'), []);
  });

  test('the phrase: each span with its options; the model chooses when none is named', () => {
    assert.equal(
      readingsPhrase([
        { about: '"mercury"', options: ['the planet', 'the element', 'the god'] },
        { about: '"he"', options: ['john', 'peter'] },
      ]),
      '"mercury" as the planet, the element or the god; "he" as john or peter',
    );
    assert.equal(readingsPhrase([]), UNNAMED_READINGS);
  });
});
