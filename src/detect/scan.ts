/**
 * The scanner: one call per request reads the request head once and returns its keyword cue
 * bits (cues.ts), filling a TokenScratch the caller owns with the head's tokens — start and end
 * offsets, FNV-1a hash, word-list flags (lexicon.ts) — and the inner-capitals count.
 *
 * Text of ASCII plus plain punctuation (no letters, no case mappings) is scanned in one pass over
 * the original characters, run by run (an inner loop over a run of letters and digits has few,
 * predictable branches). Any other text takes two passes inside the same call: cues over the
 * original text, tokens over its lower-cased copy (where case mapping may change lengths).
 */
import { cueKey, cueLookup, ALL_CUES, MAX_PREFIX, SHAPE, SHORT_PROBES } from './cues.js';
import { DIGIT_FLAG, wordFlagsAt } from './lexicon.js';
import { charClass, FNV_OFFSET, fnvStep } from './text.js';

/** Capitalised words after the first are counted in this many leading characters (a rough proper-noun count, saturated at 3). */
const CAPITALS_WINDOW = 600;
const INITIAL_CAPACITY = 2048;

/**
 * Per-request token arrays, owned by one detector (or one training call) and reused: no typed
 * array is allocated per request. Valid until the owner's next scan.
 */
export class TokenScratch {
  starts = new Int32Array(INITIAL_CAPACITY);
  ends = new Int32Array(INITIAL_CAPACITY);
  hashes = new Int32Array(INITIAL_CAPACITY);
  flags = new Int32Array(INITIAL_CAPACITY);
  /** Tokens written by the last scan. */
  count = 0;
  /** Capitalised words after the first in the head's first 600 characters, excluding "I" (0-3). */
  capitals = 0;
  /** The text the offsets refer to: the head itself, or its lower-cased copy (two-pass scans). */
  source = '';
  /** True when `source` is already lower-cased. */
  lowered = false;

  /** Room for `n` tokens. */
  reserve(n: number): void {
    if (n <= this.starts.length) return;
    this.starts = new Int32Array(n);
    this.ends = new Int32Array(n);
    this.hashes = new Int32Array(n);
    this.flags = new Int32Array(n);
  }
}

/** ASCII character classes: 1 lower-case letter, 2 capital, 3 digit, 4 apostrophe or hyphen, 0 other. */
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

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}

/** Characters the one-pass scan handles beyond ASCII: no letter or digit, no case mapping (’ U+2019 is a joiner). */
function plainNonAscii(c: number): boolean {
  return (c >= 0x2000 && c <= 0x206f) || c === 0xa0 || c === 0xab || c === 0xbb;
}

/** Is this run of `len` characters starting with `first` probed as a prefix at this length? */
function probes(first: number, len: number): boolean {
  return len === MAX_PREFIX || (len < MAX_PREFIX && ((SHORT_PROBES[first] ?? 0) & (1 << len)) !== 0);
}

/** Cue bits of one [A-Za-z0-9] run's shapes: a lone letter other than a/i, all digits. */
function runShapes(first: number, len: number, allDigits: boolean): number {
  let bits = len === 1 && first >= 98 && first <= 122 && first !== 105 ? SHAPE.strayLetter : 0;
  if (allDigits) bits |= len >= 2 && len <= 5 ? SHAPE.digits | SHAPE.digits2to5 : SHAPE.digits;
  return bits;
}

/** Scans `head`: returns its cue bits and fills `out` (tokens, capitals). */
export function scan(head: string, out: TokenScratch): number {
  out.reserve(head.length + 2);
  const bits = scanOnePass(head, out);
  if (bits >= 0) return bits;
  const cues = scanCues(head, out);
  tokenizeLowered(head.toLowerCase(), out);
  return cues;
}

/** The one-pass scan; -1 (nothing that counts written) when the text has characters it does not handle. */
function scanOnePass(text: string, out: TokenScratch): number {
  const { starts, ends, hashes, flags } = out;
  let bits = 0;
  const capEnd = Math.min(text.length, CAPITALS_WINDOW);
  let capitals = 0;
  let words = 0;
  let prevWord = false;
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
          if (!(c === 73 && !(isLower(next) || isUpper(next)))) capitals++;
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
      let j = i;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        const lc = d < 128 ? (LOWER[d] ?? 0) : 0;
        if (lc === 0) break;
        h = fnvStep(h, lc);
        hCur = fnvStep(hCur, lc);
        if (lc <= 57) digit = true;
        else allDigits = false;
        if (probes(first, j + 1 - i)) bits |= cueLookup(cueKey(h, j + 1 - i));
      }
      const len = j - i;
      if (
        k === 2 &&
        len >= 5 &&
        isUpper(text.charCodeAt(i + 1)) &&
        isLower(text.charCodeAt(i + 2)) &&
        isLower(text.charCodeAt(i + 3)) &&
        isLower(text.charCodeAt(i + 4))
      ) {
        bits |= SHAPE.doubleCapital;
      }
      bits |= cueLookup(cueKey(h, 0)) | runShapes(first, len, allDigits);
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
        hCur = fnvStep(hCur, c === 0x2019 ? 39 : c);
      } else {
        hashes[count] = hEnd;
        flags[count] = wordFlagsAt(text, start, end, hEnd) | (digit ? DIGIT_FLAG : 0);
        starts[count] = start;
        ends[count] = end;
        count++;
        inToken = false;
      }
    }
    if (c === 34 || c === 0x201c || c === 0xab) bits |= SHAPE.quote;
    i++;
  }
  if (inToken) {
    hashes[count] = hEnd;
    flags[count] = wordFlagsAt(text, start, end, hEnd) | (digit ? DIGIT_FLAG : 0);
    starts[count] = start;
    ends[count] = end;
    count++;
  }
  out.count = count;
  out.capitals = Math.min(capitals, 3);
  out.source = text;
  out.lowered = false;
  return bits;
}

/** Cue bits and capitals of any text (the first pass of a two-pass scan). */
function scanCues(text: string, out: TokenScratch): number {
  let bits = 0;
  let exotic = false;
  const capEnd = Math.min(text.length, CAPITALS_WINDOW);
  let capitals = 0;
  let words = 0;
  let prevWord = false;
  let h = FNV_OFFSET;
  let len = 0;
  let allDigits = true;
  let shape = 0; // double-capital progress: 1..5 while the run looks like [A-Z]{2}[a-z]{3}, -1 once it cannot
  let first = 0;
  const n = text.length;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? text.charCodeAt(i) : 32;
    const k = c < 128 ? (CLASS[c] ?? 0) : 5;
    if (i < capEnd) {
      const word = k !== 0;
      if (word && !prevWord) {
        if (k === 2 && words > 0) {
          const next = i + 1 < capEnd ? text.charCodeAt(i + 1) : 0;
          if (!(c === 73 && !(isLower(next) || isUpper(next)))) capitals++;
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
      h = fnvStep(h, lc);
      len++;
      if (k !== 3) allDigits = false;
      if (probes(first, len)) bits |= cueLookup(cueKey(h, len));
      if (shape >= 0) {
        shape = (shape < 2 ? k === 2 : k === 1) ? shape + 1 : -1;
        if (shape === 5) {
          bits |= SHAPE.doubleCapital;
          shape = -1;
        }
      }
      continue;
    }
    if (len > 0) {
      bits |= cueLookup(cueKey(h, 0)) | runShapes(first, len, allDigits);
      len = 0;
    }
    if (c === 34 || c === 0x201c || c === 0xab) bits |= SHAPE.quote;
    else if (c === 0x130 || c === 0x17f || c === 0x212a) exotic = true;
  }
  out.capitals = Math.min(capitals, 3);
  return exotic ? bits | ALL_CUES : bits;
}

/** Tokens of a lower-cased text (the second pass of a two-pass scan): the same tokens, hashes and flags the one-pass scan gives. */
function tokenizeLowered(lower: string, out: TokenScratch): void {
  out.reserve(lower.length + 2);
  const { starts, ends, hashes, flags } = out;
  let count = 0;
  const n = lower.length;
  let i = 0;
  while (i < n) {
    if (charClass(lower, i) !== 2) {
      i++;
      continue;
    }
    const start = i;
    const c0 = lower.charCodeAt(i);
    let hCur = fnvStep(FNV_OFFSET, c0);
    let hEnd = hCur;
    let digit = c0 >= 48 && c0 <= 57;
    let end = i + 1;
    i++;
    while (i < n) {
      let c = lower.charCodeAt(i);
      const k = charClass(lower, i);
      if (k === 0) break;
      if (c === 0x2019) c = 39;
      hCur = fnvStep(hCur, c);
      i++;
      if (k === 2) {
        end = i;
        hEnd = hCur;
        if (c >= 48 && c <= 57) digit = true;
      }
    }
    hashes[count] = hEnd;
    flags[count] = wordFlagsAt(lower, start, end, hEnd) | (digit ? DIGIT_FLAG : 0);
    starts[count] = start;
    ends[count] = end;
    count++;
  }
  out.count = count;
  out.source = lower;
  out.lowered = true;
}
