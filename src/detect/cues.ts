/**
 * Keyword cues: one pass over the request's head answers "could this keyword regex match at
 * all?" for every rule, so the (many) whole-text keyword regexes run only when a word they need
 * is present. A cue is a necessary condition, never a decision: a rule whose cue is set still
 * runs its original regex, so outputs are exactly those of the regexes alone.
 *
 * Why a cue is a sound necessary condition: a regex `\bword\b` (ASCII word, /i) matches only
 * where `word` is a maximal run of [A-Za-z0-9_]; such a region is also a maximal run of
 * [A-Za-z0-9], which is what the scan hashes. A prefix cue (`\bprefix`) needs a run starting with
 * it. Hash collisions only add false positives. Characters whose case mapping crosses into ASCII
 * (İ → i̇, K-sign → k, long s ſ ~ s) could make a lower-cased or /iu match appear where the
 * scan sees none, so their presence opens every cue.
 */

import { DIGIT_FLAG, wordFlagsAt } from './lexicon.js';

/** Cue bits (one number). */
export const CUE = {
  // contradiction
  shortUnit: 1 << 0,
  longCountUnit: 1 << 1,
  longWord: 1 << 2,
  shortWord: 1 << 3,
  ban: 1 << 4,
  bannedFormat: 1 << 5,
  formal: 1 << 6,
  casual: 1 << 7,
  // clarity constraints
  lengthUnit: 1 << 8,
  format: 1 << 9,
  audience: 1 << 10,
  tone: 1 << 11,
  // missing_slot actions (prefix cues)
  action: 1 << 12,
  book: 1 << 13,
  send: 1 << 14,
  convert: 1 << 15,
  best: 1 << 16,
  // missing_slot whole-word gates (TRANSLATE / COMPARE / HAS_CONVERT need these words whole)
  translateWord: 1 << 17,
  convertWord: 1 << 18,
  compareWord: 1 << 19,
  // shapes
  digits: 1 << 20,
  digits2to5: 1 << 21,
  quote: 1 << 22,
  doubleCapital: 1 << 23,
  strayLetter: 1 << 24,
  // missing_input: the first word of one of its actions (bits 25-26 hold the capitals count)
  inputAction: 1 << 27,
} as const;
/** Every cue bit (the scan opens all cues on characters whose case mapping crosses into ASCII). */
const ALL_CUES = ((1 << 25) - 1) | CUE.inputAction;
/** Bits 25-26 of the scan result: capitalised words after the first in the first CAPITALS_WINDOW characters, saturated at 3. */
const CAPITALS_SHIFT = 25;
const CAPITALS_WINDOW = 600;

/** Capitalised words that are not the first word (rough proper-noun count, 0-3) from a scanCues result. */
export function innerCapitalsOf(cues: number): number {
  return (cues >>> CAPITALS_SHIFT) & 3;
}

const FULL_WORDS: ReadonlyArray<readonly [number, string]> = [
  [CUE.shortUnit, 'sentence sentences line lines word words paragraph paragraphs characters'],
  [CUE.longCountUnit, 'words sentences paragraphs pages lines word'],
  [CUE.longWord, 'detailed depth comprehensive exhaustive thorough lengthy elaborate essay'],
  [CUE.shortWord, 'brief briefly short concise concisely tl tldr dr tweet haiku nutshell'],
  [CUE.ban, 'no without don do avoid never'],
  [CUE.bannedFormat, 'bullet bulleted bullets list lists headings table tables emoji emojis code'],
  [CUE.formal, 'formal'],
  [CUE.casual, 'casual informal slang chatty'],
  [CUE.lengthUnit, 'sentence sentences paragraph paragraphs words lines bullet point points items steps examples pages'],
  [CUE.format, 'bullet bulleted point points bullets table json csv yaml markdown list haiku sonnet limerick outline step'],
  [CUE.audience, 'year kids children beginners experts students teenagers executives engineers developers technical audience'],
  [CUE.tone, 'formal informal casual friendly professional humorous funny polite persuasive neutral'],
  [CUE.translateWord, 'translate'],
  // The first [a-z0-9] run of every missing-input action ("sum up" -> sum, "tl;dr" -> tl / tldr, "proof-read" -> proof, "re-write" -> re).
  [
    CUE.inputAction,
    'summarise summarize sum tl tldr translate proofread proof rewrite re rephrase paraphrase reword fix correct edit improve polish shorten condense review analyse analyze critique debug refactor explain grade check format simplify reply respond answer continue finish convert classify categorise categorize extract transcribe describe',
  ],
  [CUE.convertWord, 'convert transform export'],
  [CUE.compareWord, 'compare'],
  [CUE.action | CUE.book, 'set'],
  [CUE.action | CUE.send, 'e'],
];
/**
 * Prefix cues (`\bprefix`, no boundary after), by the keyword's first 4 letters; the two shorter
 * prefixes are "dm" and "top". "set" ("set up") and "e" ("e-mail") are whole words, listed above.
 */
const PREFIX_WORDS: ReadonlyArray<readonly [number, string]> = [
  [
    CUE.action,
    'translat book reserv schedul arrang plan send email mail text message forward dm ping convert transform export compar recommend suggest best top greatest ideal',
  ],
  [CUE.book, 'book reserv schedul arrang plan'],
  [CUE.send, 'send email mail text message forward dm ping'],
  [CUE.convert, 'convert transform export'],
  [CUE.best, 'recommend suggest best top greatest ideal'],
];
const MAX_PREFIX = 4;
const D = 100;
const T = 116;

/** FNV-1a constants as int32 (so the hash stays a small integer in V8; same bits). */
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** Open-addressing table: key (30-bit hash + 1, 0 = empty) -> cue bits. */
const TABLE_BITS = 9;
const TABLE_SIZE = 1 << TABLE_BITS;
const KEYS = new Int32Array(TABLE_SIZE);
const VALUES = new Int32Array(TABLE_SIZE);

function keyOf(hash: number, prefixLength: number): number {
  // prefixLength 0 = a whole run; otherwise a prefix of that many letters.
  return ((Math.imul(hash ^ prefixLength, 0x9e3779b1) >>> 2) | 0) + 1;
}

function slotOf(key: number): number {
  return (Math.imul(key, 0x85ebca6b) >>> (32 - TABLE_BITS)) & (TABLE_SIZE - 1);
}

function insert(key: number, bits: number): void {
  let s = slotOf(key);
  while (KEYS[s] !== 0 && KEYS[s] !== key) s = (s + 1) & (TABLE_SIZE - 1);
  KEYS[s] = key;
  VALUES[s] = (VALUES[s] ?? 0) | bits;
}

function lookup(key: number): number {
  let s = slotOf(key);
  for (;;) {
    const k = KEYS[s];
    if (k === key) return VALUES[s] ?? 0;
    if (k === 0) return 0;
    s = (s + 1) & (TABLE_SIZE - 1);
  }
}

function hashOf(word: string, length: number): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < length; i++) h = Math.imul(h ^ word.charCodeAt(i), FNV_PRIME);
  return h;
}

for (const [bits, words] of FULL_WORDS) for (const w of words.split(' ')) insert(keyOf(hashOf(w, w.length), 0), bits);
for (const [bits, words] of PREFIX_WORDS) {
  for (const w of words.split(' ')) {
    const n = Math.min(w.length, MAX_PREFIX);
    insert(keyOf(hashOf(w, n), n), bits);
  }
}

/** ASCII character classes for the scan: 1 lower-case letter, 2 capital, 3 digit, 4 apostrophe or hyphen, 0 other. */
const CLASS = new Uint8Array(128);
for (let c = 97; c <= 122; c++) CLASS[c] = 1;
for (let c = 65; c <= 90; c++) CLASS[c] = 2;
for (let c = 48; c <= 57; c++) CLASS[c] = 3;
CLASS[39] = 4;
CLASS[45] = 4;
/** ASCII letters and digits -> their lower-case code; 0 for every other character. */
const LOWER = new Uint8Array(128);
for (let c = 48; c <= 57; c++) LOWER[c] = c;
for (let c = 97; c <= 122; c++) LOWER[c] = c;
for (let c = 65; c <= 90; c++) LOWER[c] = c | 32;
const QUOTE_CUE = CUE.quote;
const DOUBLE_CAPITAL_CUE = CUE.doubleCapital;
const STRAY_LETTER_CUE = CUE.strayLetter;
const DIGITS_CUE = CUE.digits;
const DIGITS_2_TO_5_CUE = CUE.digits2to5;

/**
 * Cue bits of `text` (see CUE), plus the inner-capitals count of its first 600 characters (see
 * innerCapitalsOf): one linear pass, no allocation.
 */
export function scanCues(text: string): number {
  let bits = 0;
  let exotic = false;
  // Inner capitals: a capital starting any word but the first, except the pronoun "I" (words: letters, digits, ' - and non-ASCII).
  const capEnd = Math.min(text.length, CAPITALS_WINDOW);
  let capitals = 0;
  let words = 0;
  let prevWord = false;
  let h = FNV_OFFSET;
  let len = 0;
  let allDigits = true;
  let shape = 0; // DOUBLE_CAPITAL progress: 1..5 while the run looks like [A-Z]{2}[a-z]{3}, -1 once it cannot
  let first = 0;
  const n = text.length;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? text.charCodeAt(i) : 32;
    const k = c < 128 ? (CLASS[c] ?? 0) : 5;
    if (i < capEnd) {
      const word = k !== 0;
      if (word && !prevWord) {
        if (k === 2 && words > 0) {
          // The character after the window counts as absent.
          const next = i + 1 < capEnd ? text.charCodeAt(i + 1) : 0;
          const isI = c === 73 && !((next >= 97 && next <= 122) || (next >= 65 && next <= 90));
          if (!isI) capitals++;
        }
        words++;
      }
      prevWord = word;
    }
    if (k >= 1 && k <= 3) {
      const lc = k === 2 ? c | 32 : c;
      if (len === 0) {
        h = FNV_OFFSET;
        allDigits = true;
        shape = 0;
        first = lc;
      }
      h = Math.imul(h ^ lc, FNV_PRIME);
      len++;
      if (k !== 3) allDigits = false;
      // Prefix probes: 4 letters for every run; 2 and 3 only where "dm" / "top" could start.
      if (len === MAX_PREFIX || (len === 2 && first === D) || (len === 3 && first === T)) bits |= lookup(keyOf(h, len));
      if (shape >= 0) {
        shape = (shape < 2 ? k === 2 : k === 1) ? shape + 1 : -1;
        if (shape === 5) {
          bits |= DOUBLE_CAPITAL_CUE;
          shape = -1;
        }
      }
      continue;
    }
    if (len > 0) {
      bits |= lookup(keyOf(h, 0));
      if (len === 1 && first >= 98 && first <= 122 && first !== 105) bits |= STRAY_LETTER_CUE;
      if (allDigits) {
        bits |= DIGITS_CUE;
        if (len >= 2 && len <= 5) bits |= DIGITS_2_TO_5_CUE;
      }
      len = 0;
    }
    if (c === 34 || c === 0x201c || c === 0xab) bits |= QUOTE_CUE;
    else if (c === 0x130 || c === 0x17f || c === 0x212a) exotic = true;
  }
  if (exotic) bits |= ALL_CUES;
  return bits | (Math.min(capitals, 3) << CAPITALS_SHIFT);
}

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}

/** Token count of the last successful scanHead. */
export let headTokenCount = 0;

/**
 * Characters the fused head scan handles beyond ASCII: no letter or digit, no case mapping, so
 * the head's lower-cased copy has the same length and the same tokens (’ U+2019 is a joiner).
 */
function plainNonAscii(c: number): boolean {
  return (c >= 0x2000 && c <= 0x206f) || c === 0xa0 || c === 0xab || c === 0xbb;
}

/**
 * scanCues(text) and text.ts tokenizeHashed(text.toLowerCase()) in one pass, for a text of ASCII
 * and plainNonAscii characters; -1 (nothing written that counts) for any other text, which takes
 * the two-pass path. Writes per token: start / end offsets in `text`, FNV-1a hash (int32 bits,
 * ’ hashed as ') and word-list flags | DIGIT_FLAG (lexicon.ts) — the values the two passes give —
 * and sets headTokenCount. The arrays hold text.length / 2 + 1 entries at least.
 */
export function scanHead(text: string, starts: Int32Array, ends: Int32Array, hashes: Int32Array, flags: Int32Array): number {
  // Run by run rather than character by character: the inner loop over a run of letters and
  // digits has few, predictable branches (the per-character version mispredicts at every word).
  let bits = 0;
  const capEnd = Math.min(text.length, CAPITALS_WINDOW);
  let capitals = 0;
  let words = 0;
  let prevWord = false;
  // Tokenizer state (text.ts tokenizeHashed over the lower-cased text).
  let count = 0;
  let inToken = false;
  let start = 0;
  let end = 0;
  let hCur = 0;
  let hEnd = 0;
  let digit = false;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    let k: number;
    if (c < 128) k = CLASS[c] ?? 0;
    else if (plainNonAscii(c)) k = 5;
    else return -1;
    if (k >= 1 && k <= 3) {
      // A run of [A-Za-z0-9]: one cue run, part of one token.
      if (i < capEnd && !prevWord) {
        if (k === 2 && words > 0) {
          const next = i + 1 < capEnd ? text.charCodeAt(i + 1) : 0;
          const isI = c === 73 && !((next >= 97 && next <= 122) || (next >= 65 && next <= 90));
          if (!isI) capitals++;
        }
        words++;
      }
      if (!inToken) {
        inToken = true;
        start = i;
        hCur = FNV_OFFSET;
        digit = false;
      }
      const first = k === 2 ? c | 32 : c;
      let h = FNV_OFFSET;
      let allDigits = true;
      // The prefix probes: at 4 characters, or at 2 / 3 where "dm" / "top" could start.
      const probeAt = i + (first === D ? 2 : first === T ? 3 : MAX_PREFIX);
      let j = i;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        const lc = d < 128 ? (LOWER[d] ?? 0) : 0;
        if (lc === 0) break;
        h = Math.imul(h ^ lc, FNV_PRIME);
        hCur = Math.imul(hCur ^ lc, FNV_PRIME);
        if (lc <= 57) digit = true;
        else allDigits = false;
        if (j + 1 === probeAt || j + 1 - i === MAX_PREFIX) bits |= lookup(keyOf(h, j + 1 - i));
      }
      const len = j - i;
      // DOUBLE_CAPITAL: the run starts with [A-Z]{2}[a-z]{3}.
      if (
        k === 2 &&
        len >= 5 &&
        isUpper(text.charCodeAt(i + 1)) &&
        isLower(text.charCodeAt(i + 2)) &&
        isLower(text.charCodeAt(i + 3)) &&
        isLower(text.charCodeAt(i + 4))
      ) {
        bits |= DOUBLE_CAPITAL_CUE;
      }
      bits |= lookup(keyOf(h, 0));
      if (len === 1 && first >= 98 && first <= 122 && first !== 105) bits |= STRAY_LETTER_CUE;
      if (allDigits) {
        bits |= DIGITS_CUE;
        if (len >= 2 && len <= 5) bits |= DIGITS_2_TO_5_CUE;
      }
      end = j;
      hEnd = hCur;
      if (i < capEnd) prevWord = true;
      i = j;
      continue;
    }
    // Not a letter or digit: a joiner inside a token, or a separator.
    if (i < capEnd) {
      const word = k !== 0;
      if (word && !prevWord) words++;
      prevWord = word;
    }
    if (inToken) {
      if (k === 4 || c === 0x2019) {
        hCur = Math.imul(hCur ^ (c === 0x2019 ? 39 : c), FNV_PRIME);
      } else {
        hashes[count] = hEnd;
        flags[count] = wordFlagsAt(text, start, end, hEnd) | (digit ? DIGIT_FLAG : 0);
        starts[count] = start;
        ends[count] = end;
        count++;
        inToken = false;
      }
    }
    if (c === 34 || c === 0x201c || c === 0xab) bits |= QUOTE_CUE;
    i++;
  }
  if (inToken) {
    hashes[count] = hEnd;
    flags[count] = wordFlagsAt(text, start, end, hEnd) | (digit ? DIGIT_FLAG : 0);
    starts[count] = start;
    ends[count] = end;
    count++;
  }
  headTokenCount = count;
  return bits | (Math.min(capitals, 3) << CAPITALS_SHIFT);
}
