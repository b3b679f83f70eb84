/**
 * Keyword groups and the scanner. A group's cue is a necessary condition for the patterns built
 * from it: wherever such a pattern can match, its cue must be set (else a rule would be skipped
 * and the output would change). And the scanner's one-pass path must give exactly what its
 * two-pass path gives (cues of the text, tokens of its lower-cased copy).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_CUES, keywords, SHAPE } from '../../src/detect/cues.js';
import { DIGIT_FLAG, wordFlagsAt } from '../../src/detect/lexicon.js';
import { scan, TokenScratch } from '../../src/detect/scan.js';
import { fnv, tokenize } from '../../src/detect/text.js';

const FORMAL = keywords('formal');
const TONE = keywords('formal|informal|casual');
const LONG = keywords('detailed|in-depth|tl;?dr');
const BAN = keywords("no|without|don't use|do not use");
const ACTION = keywords('translat|send|e-?mail|dm|top|set up|reserv', { prefix: true });
const SUMMARY = keywords('summari[sz]e|sum up|proof-read|re-write');
const UNIT = keywords('sentence|line', { plural: true });

const scratch = new TokenScratch();
function has(text: string, group: { bit: number } | number): boolean {
  return (scan(text, scratch) & (typeof group === 'number' ? group : group.bit)) !== 0;
}

describe('keyword groups', () => {
  test('each declaration gets its own cue bit and keeps its source for the pattern', () => {
    assert.notEqual(FORMAL.bit, TONE.bit);
    assert.equal(TONE.source, 'formal|informal|casual');
    assert.ok(new RegExp(`\\b(?:${TONE.source})\\b`, 'i').test('Be CASUAL'));
  });

  test('whole words are found in any case and next to punctuation', () => {
    assert.ok(has('Write it in a FORMAL tone.', FORMAL));
    assert.ok(has('(casual)', TONE));
    assert.ok(has('an in-depth review', LONG)); // the first run of "in-depth" is "in"
    assert.ok(has('give me the tl;dr', LONG));
    assert.ok(has('TLDR please', LONG));
    assert.ok(has("Don't use bullets", BAN));
    assert.ok(has('two sentences', UNIT));
    assert.ok(has('one line', UNIT));
  });

  test('a word inside a longer word is not a whole-word cue', () => {
    assert.equal(has('informality', FORMAL), false);
    assert.equal(has('semiformalist', TONE), false);
    assert.equal(has('Summarize this text', TONE), false);
  });

  test('character classes, optional characters and multi-word alternatives expand to their first word run', () => {
    for (const text of ['Summarise it', 'summarize it', 'Sum up this', 'proof-read my essay', 'Re-write it']) assert.ok(has(text, SUMMARY), text);
    assert.equal(has('I summarized it yesterday', SUMMARY), false);
  });

  test('prefix groups match words that start with the keyword, including the short ones', () => {
    assert.ok(has('Translating now', ACTION));
    assert.ok(has('Could you dm Dmitri', ACTION));
    assert.ok(has('a new topic', ACTION));
    assert.ok(has('E-mail the team', ACTION));
    assert.ok(has('please Email me', ACTION));
    assert.ok(has('set up a call', ACTION));
    assert.ok(has('make a reservation', ACTION));
    assert.equal(has('What is the capital of France?', ACTION), false);
    assert.equal(has('a settlement', ACTION), false); // "set" is a whole word in "set up"
  });

  test('number shapes', () => {
    assert.ok(has('in 4.2', SHAPE.digits));
    assert.equal(has('in 4.2', SHAPE.digits2to5), false);
    assert.ok(has('at least 300 words', SHAPE.digits2to5));
    assert.equal(has('a 123456 b', SHAPE.digits2to5), false);
    assert.equal(has('v2 and x_1', SHAPE.digits2to5), false);
  });

  test('quotes, garbled names and stray letters', () => {
    assert.ok(has('say “hi”', SHAPE.quote));
    assert.ok(has('HCopotina', SHAPE.doubleCapital));
    assert.equal(has('NASA rules', SHAPE.doubleCapital), false);
    assert.ok(has('Gia parvif v nutans', SHAPE.strayLetter));
    assert.equal(has('I have a cat', SHAPE.strayLetter), false);
  });

  test('characters whose case mapping crosses into ASCII open every cue', () => {
    // "formalİ": lower-cased it reads "formali̇", so a scan of either form alone could miss a match.
    assert.equal(scan('formal\u0130 text \u212Aey', scratch), ALL_CUES);
  });

  test('inner capitals: capitalised words after the first, "I" excluded, saturated at 3, first 600 characters', () => {
    const capitals = (text: string): number => {
      scan(text, scratch);
      return scratch.capitals;
    };
    assert.equal(capitals('Where is Paris?'), 1);
    assert.equal(capitals('Can I go'), 0);
    assert.equal(capitals('a B C D E F'), 3);
    assert.equal(capitals(`${'x '.repeat(300)}Paris`), 0);
    assert.equal(capitals('Où est Paris?'), 1); // the two-pass path counts the same way
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

describe('the scanner', () => {
  test('one pass (ASCII and plain punctuation) and two passes give the same cues, tokens, hashes and flags', () => {
    let onePass = 0;
    for (const text of randomTexts(10000, 7)) {
      const bits = scan(text, scratch);
      const lower = text.toLowerCase();
      if (!scratch.lowered) onePass++;
      // The reference: the context tokenizer over the lower-cased text, FNV-1a of each token, its word-list flags.
      const tokens = tokenize(lower);
      assert.equal(scratch.count, tokens.length, JSON.stringify(text));
      for (let i = 0; i < tokens.length; i++) {
        const token = tokens[i] ?? '';
        const raw = scratch.source.slice(scratch.starts[i], scratch.ends[i]);
        assert.equal((scratch.lowered ? raw : raw.toLowerCase()).replace(/’/g, "'"), token);
        assert.equal(scratch.hashes[i], fnv(token));
        assert.equal(scratch.flags[i], wordFlagsAt(token, 0, token.length, fnv(token)) | (/[0-9]/.test(token) ? DIGIT_FLAG : 0));
      }
      // The same text with one character the one-pass scan does not handle, after a separator: same cues.
      if (!scratch.lowered && !text.includes('\u0130')) assert.equal(scan(`${text} é`, scratch), bits, JSON.stringify(text));
    }
    assert.ok(onePass > 1500, `${onePass} texts took the one-pass path`);
  });

  test('a head longer than the initial capacity is scanned whole', () => {
    const text = 'ab '.repeat(3000);
    scan(text, scratch);
    assert.equal(scratch.count, 3000);
  });
});
