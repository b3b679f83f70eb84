/**
 * The one feature code path, shared by training (scripts/train.ts) and serving (assess): rule
 * features from the signal findings, plus hashed lexical features of the request turn — word
 * unigrams and bigrams (numbers folded to shapes) and a few structural markers (length bucket,
 * question mark, first word, proper-noun count).
 */
import { RULE_FEATURES, type Finding, type RuleFeature } from './finding.js';
import { DIGIT_FLAG, STOPWORD_FLAG } from './lexicon.js';
import { FNV_OFFSET, fnv1a, fnvStep, mixHash } from './text.js';
import type { RequestView } from './view.js';

export const HASH_BITS = 18;
const HASH_MASK = (1 << HASH_BITS) - 1;
/** Lexical features read at most this many tokens: the first 150 and the last 50 (the instruction sits at the start or the end). */
const HEAD_TOKENS = 150;
const TAIL_TOKENS = 50;

export const RULE_INDEX: ReadonlyMap<RuleFeature, number> = new Map(RULE_FEATURES.map((f, i) => [f, i]));

export interface FeatureVector {
  /** One value per RULE_FEATURES entry. */
  readonly rule: Float64Array;
  /** Distinct hashed feature indices (presence = 1). */
  readonly hashed: Uint32Array;
  /** For each hashed index: how to name it for evidence (token position * 2 + 1 for a bigram; -1 for a marker). */
  readonly origin: Int32Array;
  /** The tokens the lexical features were read from (for naming evidence). */
  readonly tokens: readonly string[];
}

const BOS = fnv1a('#bos');
const EOS = fnv1a('#eos');
const MARKERS = {
  question: fnv1a('#qmark'),
  colon: fnv1a('#colon'),
  multiline: fnv1a('#multiline'),
  quote: fnv1a('#quote'),
  year: fnv1a('#year'),
  len: [fnv1a('#len:1-3'), fnv1a('#len:4-7'), fnv1a('#len:8-15'), fnv1a('#len:16-30'), fnv1a('#len:31+')],
  caps: [fnv1a('#caps:0'), fnv1a('#caps:1'), fnv1a('#caps:2'), fnv1a('#caps:3+')],
} as const;
const NUM_HASH = fnv1a('<num>');
const YEAR_HASH = fnv1a('<year>');

const QUOTE = /["“”«»]/;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** YEAR_TOKEN.test(token) — /^(?:1[0-9]{3}|20[0-9]{2})s?$/ — as character tests. */
function isYearToken(token: string): boolean {
  const n = token.length;
  if (n !== 4 && !(n === 5 && token.charCodeAt(4) === 115)) return false;
  const c0 = token.charCodeAt(0);
  const c1 = token.charCodeAt(1);
  return (c0 === 49 ? isDigit(c1) : c0 === 50 && c1 === 48) && isDigit(token.charCodeAt(2)) && isDigit(token.charCodeAt(3));
}

/** FNV-1a of the token, or the shape hash for tokens with digits (years vs other numbers). */
function tokenHash(token: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c >= 48 && c <= 57) return isYearToken(token) ? YEAR_HASH : NUM_HASH;
    h = fnvStep(h, c);
  }
  return h >>> 0;
}

/** text.trim() contains a line break (the trimmed copy is only made when there is a line break at all). */
function hasInnerNewline(text: string): boolean {
  return text.includes('\n') && text.trim().includes('\n');
}

function lengthBucket(n: number): number {
  return n <= 3 ? 0 : n <= 7 ? 1 : n <= 15 ? 2 : n <= 30 ? 3 : 4;
}

/**
 * Reusable feature buffers, owned by one detector: the serving path fills its buffer on every
 * call instead of allocating arrays; training copies it into an owned FeatureVector (same code,
 * see extractFeatures).
 */
export interface FeatureBuffer {
  readonly rule: Float64Array;
  /** Distinct hashed feature indices, in first-seen order (sums run in this order). */
  readonly hashed: Uint32Array;
  readonly origin: Int32Array;
  /** How many entries of hashed / origin are filled. */
  count: number;
  /**
   * Open-addressing set of the indices seen in this call (generation-stamped: no clearing per
   * call). Each slot is [generation, index] side by side, so a probe touches one cache line. A call
   * uses only the first 2^seenBits slots, sized to at most half full for its token count: a typical
   * request touches ~2 KiB of it, not the whole 8 KiB (fewer cache misses when caches are cold).
   */
  readonly seen: Int32Array;
  generation: number;
  seenBits: number;
}

/** At most 2 features per token read (unigram + bigram), the end bigram and 7 markers. */
const MAX_HASHED = 2 * (HEAD_TOKENS + TAIL_TOKENS) + 16;
const SEEN_MAX_BITS = 10;

export function createFeatureBuffer(): FeatureBuffer {
  return {
    rule: new Float64Array(RULE_FEATURES.length),
    hashed: new Uint32Array(MAX_HASHED),
    origin: new Int32Array(MAX_HASHED),
    count: 0,
    seen: new Int32Array(2 << SEEN_MAX_BITS),
    generation: 0,
    seenBits: SEEN_MAX_BITS,
  };
}

function add(buf: FeatureBuffer, gen: number, hash: number, origin: number): void {
  const idx = hash & HASH_MASK;
  const bits = buf.seenBits;
  const seen = buf.seen;
  const mask = (1 << bits) - 1;
  let slot = Math.imul(idx, 0x9e3779b1) >>> (32 - bits);
  for (;;) {
    const at = slot << 1;
    if (seen[at] !== gen) {
      seen[at] = gen;
      seen[at + 1] = idx;
      break;
    }
    if (seen[at + 1] === idx) return;
    slot = (slot + 1) & mask;
  }
  const n = buf.count;
  buf.hashed[n] = idx;
  buf.origin[n] = origin;
  buf.count = n + 1;
}

/** Position in view.tokens of the i-th token the lexical features read (the first HEAD_TOKENS, then the last TAIL_TOKENS). */
export function tokenIndex(total: number, i: number): number {
  return total <= HEAD_TOKENS + TAIL_TOKENS || i < HEAD_TOKENS ? i : total - (HEAD_TOKENS + TAIL_TOKENS) + i;
}

/** The one feature code path: fills `buf` (rule values, then hashed indices in first-seen order). */
export function featurize(view: RequestView, findings: readonly Finding[], buf: FeatureBuffer): void {
  const rule = buf.rule;
  rule.fill(0);
  for (let k = 0; k < findings.length; k++) {
    const f = findings[k] as Finding;
    const i = RULE_INDEX.get(f.feature);
    if (i === undefined) continue;
    const v = f.value ?? 1;
    if (v > (rule[i] ?? 0)) rule[i] = v;
  }
  buf.count = 0;
  const gen = buf.generation === 0x7fffffff ? 1 : buf.generation + 1;
  buf.generation = gen;
  if (gen === 1) buf.seen.fill(0);
  const stops = view.tokenFlags;
  const total = view.tokenCount;
  const n = Math.min(total, HEAD_TOKENS + TAIL_TOKENS);
  // At most 2 features per token, the end bigram and 7 markers: keep the table at most half full.
  let bits = 6;
  while (bits < SEEN_MAX_BITS && 1 << bits < 2 * (2 * n + 8)) bits++;
  buf.seenBits = bits;
  if (!view.empty) {
    // Function-word-only n-grams ("the", "is the") carry a dataset's style more than meaning: skipped.
    let prev = BOS;
    let prevStop = true;
    let year = false;
    for (let i = 0; i < n; i++) {
      const j = tokenIndex(total, i);
      const flags = stops[j] ?? 0;
      const stop = (flags & STOPWORD_FLAG) !== 0;
      // The tokenizer's FNV-1a is tokenHash for tokens without digits.
      const h = (flags & DIGIT_FLAG) !== 0 ? tokenHash(view.tokenAt(j)) : (view.tokenHashes[j] ?? 0) >>> 0;
      if (!stop) add(buf, gen, h, i * 2);
      if (!(stop && prevStop) || i === 0) add(buf, gen, mixHash(prev, h), i * 2 + 1);
      prev = h;
      prevStop = stop;
      // tokenHash gives YEAR_HASH exactly for year tokens (the test rules out a word hashing to the same value).
      if (!year && h === YEAR_HASH && isYearToken(view.tokenAt(j))) year = true;
    }
    add(buf, gen, mixHash(prev, EOS), -1);
    const text = view.instruction;
    add(buf, gen, MARKERS.len[lengthBucket(total)] ?? 0, -1);
    // Counted by the scan of view.head, whose first 600 characters are the instruction's.
    add(buf, gen, MARKERS.caps[view.capitals] ?? 0, -1);
    if (text.includes('?')) add(buf, gen, MARKERS.question, -1);
    if (text.includes(':')) add(buf, gen, MARKERS.colon, -1);
    if (hasInnerNewline(text)) add(buf, gen, MARKERS.multiline, -1);
    if (QUOTE.test(text)) add(buf, gen, MARKERS.quote, -1);
    if (year) add(buf, gen, MARKERS.year, -1);
  }
}

/** Features as an owned vector (training keeps one per row); serving uses featurize with its own reused buffer. */
export function extractFeatures(view: RequestView, findings: readonly Finding[], buf: FeatureBuffer = createFeatureBuffer()): FeatureVector {
  featurize(view, findings, buf);
  const total = view.tokens.length;
  const n = Math.min(total, HEAD_TOKENS + TAIL_TOKENS);
  const tokens: string[] = [];
  for (let i = 0; i < n; i++) tokens.push(view.tokens[tokenIndex(total, i)] ?? '');
  return { rule: buf.rule.slice(), hashed: buf.hashed.slice(0, buf.count), origin: buf.origin.slice(0, buf.count), tokens };
}

/** Human-readable name of a hashed feature, from its origin code. */
export function featureName(tokens: readonly string[], origin: number): string {
  if (origin < 0) return '';
  const pos = origin >> 1;
  const token = tokens[pos] ?? '';
  if ((origin & 1) === 0) return token;
  return pos === 0 ? `^${token}` : `${tokens[pos - 1] ?? ''} ${token}`;
}
