/**
 * The keyword cue scan is a necessary condition for the rules' keyword regexes: wherever such a
 * regex can match, its cue must be set (else a rule would be skipped and the output would change).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CUE, innerCapitalsOf, scanCues } from '../../src/detect/cues.js';

function has(text: string, cue: number): boolean {
  return (scanCues(text) & cue) !== 0;
}

describe('keyword cues', () => {
  test('whole words are found in any case and next to punctuation', () => {
    assert.ok(has('Write it in a FORMAL tone.', CUE.formal));
    assert.ok(has('(casual)', CUE.casual));
    assert.ok(has('an in-depth review', CUE.longWord));
    assert.ok(has('give me the tl;dr', CUE.shortWord));
    assert.ok(has("Don't use bullets", CUE.ban));
    assert.ok(has("Don't use bullets", CUE.bannedFormat));
    assert.ok(has('for 10-year-olds', CUE.audience));
    assert.ok(has('step-by-step', CUE.format));
  });

  test('a word inside a longer word is not a whole-word cue', () => {
    assert.equal(has('informality', CUE.formal), false);
    assert.equal(has('semiformalist', CUE.tone), false);
    assert.equal(has('Summarize this text', CUE.casual), false);
  });

  test('prefix cues match words that start with the keyword, including the short ones', () => {
    assert.ok(has('Translating now', CUE.action));
    assert.ok(has('Could you dm Dmitri', CUE.action));
    assert.ok(has('a new topic', CUE.action)); // "\btop" matches "topic" in the action regex
    assert.ok(has('E-mail the team', CUE.send));
    assert.ok(has('please Email me', CUE.send));
    assert.ok(has('set up a call', CUE.book));
    assert.ok(has('Recommendations?', CUE.best));
    assert.equal(has('What is the capital of France?', CUE.action | CUE.book | CUE.send | CUE.convert | CUE.best), false);
  });

  test('number shapes', () => {
    assert.ok(has('in 4.2', CUE.digits));
    assert.equal(has('in 4.2', CUE.digits2to5), false);
    assert.ok(has('at least 300 words', CUE.digits2to5));
    assert.equal(has('a 123456 b', CUE.digits2to5), false);
    assert.equal(has('v2 and x_1', CUE.digits2to5), false);
  });

  test('quotes, garbled names and stray letters', () => {
    assert.ok(has('say “hi”', CUE.quote));
    assert.ok(has('HCopotina', CUE.doubleCapital));
    assert.equal(has('NASA rules', CUE.doubleCapital), false);
    assert.ok(has('Gia parvif v nutans', CUE.strayLetter));
    assert.equal(has('I have a cat', CUE.strayLetter), false);
  });

  test('characters whose case mapping crosses into ASCII open every cue', () => {
    // "formalİ": lower-cased it reads "formali̇", so a scan of either form alone could miss a match.
    const bits = scanCues('formal\u0130 text \u212Aey');
    for (const cue of Object.values(CUE)) assert.ok((bits & cue) !== 0, `cue ${cue} open`);
  });

  test('inner capitals: capitalised words after the first, "I" excluded, saturated at 3, first 600 characters', () => {
    assert.equal(innerCapitalsOf(scanCues('Where is Paris?')), 1);
    assert.equal(innerCapitalsOf(scanCues('Can I go')), 0);
    assert.equal(innerCapitalsOf(scanCues('a B C D E F')), 3);
    assert.equal(innerCapitalsOf(scanCues(`${'x '.repeat(300)}Paris`)), 0);
  });
});
