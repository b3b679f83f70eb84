/**
 * Text primitives shared by the scanner, the word lists, the rules and the feature hasher: the
 * one FNV-1a hash, the word character classes, the context tokenizer and evidence helpers. Every
 * pattern is compiled once at module load and is linear-time.
 */

/** FNV-1a constants as int32 (so a running hash stays a small integer in V8; same bits as the unsigned form). */
export const FNV_OFFSET = 0x811c9dc5 | 0;
export const FNV_PRIME = 0x01000193;

/** One FNV-1a step: the running hash with one more character code. */
export function fnvStep(hash: number, code: number): number {
  return Math.imul(hash ^ code, FNV_PRIME);
}

/** FNV-1a of the first `length` characters of `s` (all by default), int32 bits. */
export function fnv(s: string, length: number = s.length): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < length; i++) h = fnvStep(h, s.charCodeAt(i));
  return h;
}

/** FNV-1a of a string as an unsigned 32-bit number. Deterministic across runs and platforms. */
export function fnv1a(s: string): number {
  return fnv(s) >>> 0;
}

/** Mixes two hashes into one (for bigrams) without building the joined string. */
export function mixHash(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  h = (h ^ (h >>> 13) ^ b) >>> 0;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/**
 * Word character class of one UTF-16 code unit: 2 = letter or digit, 1 = inner joiner (' ’ -),
 * 0 = other. Words are a letter or digit, then letters, digits and inner joiners (trailing joiners
 * dropped). Surrogate pairs (emoji, rare scripts) are separators; BMP letters via the Unicode class.
 */
export function charClass(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c >= 97 && c <= 122) return 2;
  if (c < 128) {
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90)) return 2;
    return c === 39 || c === 45 ? 1 : 0;
  }
  if (c === 0x2019) return 1;
  return LETTER_OR_DIGIT.test(text.charAt(i)) ? 2 : 0;
}

/** Lower-cased word tokens of a lower-cased text (’ folded to '): the words rules look up in context text. */
export function tokenize(lower: string): string[] {
  const out: string[] = [];
  const n = lower.length;
  let i = 0;
  while (i < n) {
    if (charClass(lower, i) !== 2) {
      i++;
      continue;
    }
    const start = i;
    let end = i + 1;
    let curly = false;
    i++;
    while (i < n) {
      const k = charClass(lower, i);
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
