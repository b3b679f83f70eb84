/**
 * The keyword cue scan is a necessary condition for the rules' keyword regexes: wherever such a
 * regex can match, its cue must be set (else a rule would be skipped and the output would change).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CUE, headTokenCount, innerCapitalsOf, scanCues, scanHead } from '../../src/detect/cues.js';
import { DIGIT_FLAG, wordFlagsHashed } from '../../src/detect/lexicon.js';
import { tokenizeHashed } from '../../src/detect/text.js';

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

  test('missing-input action words, by their first word run', () => {
    for (const text of [
      'Sum up this',
      'give me the tl;dr',
      'TLDR this',
      'proof-read my essay',
      'Re-write it',
      'Please reply to this email',
      'Summarise the text',
      'translate into German',
    ]) {
      assert.ok(has(text, CUE.inputAction), text);
    }
    assert.equal(has('What is the capital of France?', CUE.inputAction), false);
    assert.equal(has('I summarized it yesterday', CUE.inputAction), false);
  });
});

/** Random texts over an alphabet that exercises every class the head scan distinguishes. */
function randomTexts(count: number, seed: number): string[] {
  const pieces = [
    'a',
    'B',
    'z',
    'Q',
    'I',
    'i',
    'x',
    '0',
    '7',
    ' ',
    ' ',
    ' ',
    '\n',
    "'",
    '-',
    '’',
    '“',
    '”',
    '"',
    '«',
    '»',
    '\u00a0',
    '…',
    '—',
    '.',
    ',',
    ':',
    '?',
    '_',
    'é',
    'Ж',
    '漢',
    '🙂',
    'the ',
    'Translate ',
    'it ',
    "don't ",
    'set up ',
    'E-mail ',
    'HCopotina ',
    '2024 ',
    'top-',
    'dm ',
    'tl;dr ',
  ];
  let state = seed;
  const next = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state >>> 8;
  };
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    let t = '';
    const n = next() % 60;
    for (let i = 0; i < n; i++) t += pieces[next() % pieces.length] ?? '';
    out.push(t);
  }
  return out;
}

describe('one-pass head scan', () => {
  test('gives scanCues and tokenizeHashed (+ word flags) of the lower-cased text, or -1 for text it does not handle', () => {
    const starts = new Int32Array(512);
    const ends = new Int32Array(512);
    const hashes = new Int32Array(512);
    const flags = new Int32Array(512);
    const refHashes = new Int32Array(512);
    const refDigits = new Uint8Array(512);
    let handled = 0;
    for (const text of randomTexts(10000, 7)) {
      const bits = scanHead(text, starts, ends, hashes, flags);
      if (bits < 0) {
        // Only text with a character outside ASCII and plain punctuation takes the two-pass path.
        // eslint-disable-next-line no-control-regex -- the ASCII range starts at NUL on purpose
        assert.ok(/[^\u0000-\u007f\u00a0\u00ab\u00bb\u2000-\u206f]/.test(text), JSON.stringify(text));
        continue;
      }
      handled++;
      assert.equal(bits, scanCues(text), JSON.stringify(text));
      const lower = text.toLowerCase();
      const tokens = tokenizeHashed(lower, refHashes, refDigits);
      assert.equal(headTokenCount, tokens.length, JSON.stringify(text));
      for (let i = 0; i < tokens.length; i++) {
        const token = tokens[i] ?? '';
        assert.equal(text.slice(starts[i], ends[i]).toLowerCase().replace(/’/g, "'"), token);
        assert.equal(hashes[i], refHashes[i]);
        assert.equal(flags[i], wordFlagsHashed(token, refHashes[i] ?? 0) | (refDigits[i] === 1 ? DIGIT_FLAG : 0));
      }
    }
    assert.ok(handled > 1500, `${handled} texts took the one-pass path`);
  });
});
