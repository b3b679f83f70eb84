/**
 * Text primitives shared by the signal rules and the feature hasher. Every pattern is compiled
 * once at module load and is linear-time (no nested quantifiers over overlapping classes).
 */

/** Words: a letter or digit, then letters, digits, apostrophes and inner hyphens. */
const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu;

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** Word character class of one UTF-16 code unit: 2 = letter/digit, 1 = inner joiner (' ’ -), 0 = other. */
function classOf(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 128) {
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90)) return 2;
    return c === 39 || c === 45 ? 1 : 0;
  }
  if (c === 0x2019) return 1;
  // Surrogate pairs (emoji, rare scripts) are treated as separators; letters of the BMP via the Unicode class.
  return LETTER_OR_DIGIT.test(text.charAt(i)) ? 2 : 0;
}

/**
 * Lower-cased word tokens: a letter or digit, then letters, digits and inner apostrophes /
 * hyphens (trailing ones dropped; ’ folded to '). A hand-written scanner: one pass, no regex
 * engine per character on ASCII text.
 */
export function tokenize(lower: string): string[] {
  const out: string[] = [];
  const n = lower.length;
  let i = 0;
  while (i < n) {
    if (classAt(lower, i) !== 2) {
      i++;
      continue;
    }
    const start = i;
    let end = i + 1;
    let curly = false;
    i++;
    while (i < n) {
      const k = classAt(lower, i);
      if (k === 0) break;
      if (k === 1 && lower.charCodeAt(i) === 0x2019) curly = true;
      i++;
      if (k === 2) end = i;
    }
    const w = lower.slice(start, end);
    out.push(curly && w.includes('’') ? w.replace(/’/g, "'") : w);
  }
  return out;
}

/**
 * tokenize, also writing for each token i its FNV-1a hash (int32 bits; ’ hashed as ') to
 * hashes[i] and whether it has an ASCII digit to digits[i]. The arrays must hold one entry per
 * token: at least lower.length / 2 + 1.
 */
export function tokenizeHashed(lower: string, hashes: Int32Array, digits: Uint8Array | Int32Array): string[] {
  const out: string[] = [];
  const n = lower.length;
  let i = 0;
  while (i < n) {
    if (classAt(lower, i) !== 2) {
      i++;
      continue;
    }
    const start = i;
    const c0 = lower.charCodeAt(i);
    let hCur = Math.imul(FNV_OFFSET ^ c0, FNV_PRIME);
    let hEnd = hCur;
    let digit = c0 >= 48 && c0 <= 57;
    let end = i + 1;
    let curly = false;
    i++;
    while (i < n) {
      let c = lower.charCodeAt(i);
      // classAt inline: one read per character on the common (ASCII) path.
      const k = c >= 97 && c <= 122 ? 2 : c < 128 ? ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) ? 2 : c === 39 || c === 45 ? 1 : 0) : classOf(lower, i);
      if (k === 0) break;
      if (c === 0x2019) {
        curly = true;
        c = 39;
      }
      hCur = Math.imul(hCur ^ c, FNV_PRIME);
      i++;
      if (k === 2) {
        end = i;
        hEnd = hCur;
        if (c >= 48 && c <= 57) digit = true;
      }
    }
    const w = lower.slice(start, end);
    hashes[out.length] = hEnd;
    digits[out.length] = digit ? 1 : 0;
    out.push(curly && w.includes('’') ? w.replace(/’/g, "'") : w);
  }
  return out;
}

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** classOf with the ASCII cases inline (the common path). */
function classAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c >= 97 && c <= 122) return 2;
  if (c < 128) {
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90)) return 2;
    return c === 39 || c === 45 ? 1 : 0;
  }
  return classOf(text, i);
}

/** Tokens with their original (cased) spelling, same segmentation as tokenize. */
export function tokenizeCased(text: string): string[] {
  const out: string[] = [];
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m !== null; m = WORD.exec(text)) out.push(m[0]);
  return out;
}

/** 32-bit FNV-1a of a string. Deterministic across runs and platforms. */
export function fnv1a(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Mixes two hashes into one (for bigrams) without building the joined string. */
export function mixHash(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  h = (h ^ (h >>> 13) ^ b) >>> 0;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** At most `max` characters around position `index` of `text`, on one line, for evidence. */
export function snippet(text: string, index: number, length: number, max = 80): string {
  const start = Math.max(0, index);
  const end = Math.min(text.length, index + Math.max(length, 1));
  let out = text.slice(start, Math.min(end, start + max));
  out = out.replace(/\s+/g, ' ').trim();
  return out;
}

/** Joins words as "a, b and c". */
export function joinAnd(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}
