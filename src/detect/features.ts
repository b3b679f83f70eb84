/**
 * The one feature code path, shared by training (scripts/train.ts) and serving (assess): rule
 * features from the signal findings, plus hashed lexical features of the request turn — word
 * unigrams and bigrams (numbers folded to shapes) and a few structural markers (length bucket,
 * question mark, first word, proper-noun count).
 */
import { RULE_FEATURES, type Finding, type RuleFeature } from './finding.js';
import { STOPWORDS } from './lexicon.js';
import { fnv1a, mixHash } from './text.js';
import type { RequestView } from './view.js';

export const HASH_BITS = 18;
const HASH_MASK = (1 << HASH_BITS) - 1;
/** Lexical features read at most this many tokens: the first 150 and the last 50 (the instruction sits at the start or the end). */
const HEAD_TOKENS = 150;
const TAIL_TOKENS = 50;

export const RULE_INDEX: ReadonlyMap<RuleFeature, number> = new Map(RULE_FEATURES.map((f, i) => [f, i]));

const STAMP = new Uint32Array(1 << HASH_BITS);
let generation = 0;

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

const YEAR_TOKEN = /^(?:1[0-9]{3}|20[0-9]{2})s?$/;
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

/** FNV-1a of the token, or the shape hash for tokens with digits (years vs other numbers). */
function tokenHash(token: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c >= 48 && c <= 57) return YEAR_TOKEN.test(token) ? YEAR_HASH : NUM_HASH;
    h ^= c;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function lengthBucket(n: number): number {
  return n <= 3 ? 0 : n <= 7 ? 1 : n <= 15 ? 2 : n <= 30 ? 3 : 4;
}

/** Capitalised words that are not the first word (rough proper-noun count): one pass over the characters. */
function innerCapitals(text: string): number {
  let n = 0;
  let words = 0;
  let prevWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const upper = c >= 65 && c <= 90;
    const word = upper || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 39 || c === 45 || c >= 128;
    if (word && !prevWord) {
      // A capital starting any word but the first, except the pronoun "I".
      const next = text.charCodeAt(i + 1);
      const isI = c === 73 && !((next >= 97 && next <= 122) || (next >= 65 && next <= 90));
      if (upper && words > 0 && !isI) n++;
      words++;
    }
    prevWord = word;
  }
  return n;
}

export function extractFeatures(view: RequestView, findings: readonly Finding[]): FeatureVector {
  const rule = new Float64Array(RULE_FEATURES.length);
  for (const f of findings) {
    const i = RULE_INDEX.get(f.feature);
    if (i === undefined) continue;
    const v = f.value ?? 1;
    if (v > (rule[i] ?? 0)) rule[i] = v;
  }

  // Distinct indices via a generation-stamped table reused across calls (no per-call hashing of a Map).
  generation = generation === 0xffffffff ? 1 : generation + 1;
  if (generation === 1) STAMP.fill(0);
  const gen = generation;
  const idxs: number[] = [];
  const origins: number[] = [];
  const add = (hash: number, origin: number): void => {
    const idx = hash & HASH_MASK;
    if (STAMP[idx] === gen) return;
    STAMP[idx] = gen;
    idxs.push(idx);
    origins.push(origin);
  };
  const all = view.tokens;
  const tokens = all.length > HEAD_TOKENS + TAIL_TOKENS ? [...all.slice(0, HEAD_TOKENS), ...all.slice(all.length - TAIL_TOKENS)] : all;
  if (!view.empty) {
    // Function-word-only n-grams ("the", "is the") carry a dataset's style more than meaning: skipped.
    let prev = BOS;
    let prevStop = true;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i] ?? '';
      const stop = STOPWORDS.has(t);
      const h = tokenHash(t);
      if (!stop) add(h, i * 2);
      if (!(stop && prevStop) || i === 0) add(mixHash(prev, h), i * 2 + 1);
      prev = h;
      prevStop = stop;
    }
    add(mixHash(prev, EOS), -1);
    const text = view.instruction;
    add(MARKERS.len[lengthBucket(view.tokens.length)] ?? 0, -1);
    const caps = innerCapitals(text.length > 600 ? text.slice(0, 600) : text);
    add(MARKERS.caps[Math.min(caps, 3)] ?? 0, -1);
    if (text.includes('?')) add(MARKERS.question, -1);
    if (text.includes(':')) add(MARKERS.colon, -1);
    if (text.trim().includes('\n')) add(MARKERS.multiline, -1);
    if (QUOTE.test(text)) add(MARKERS.quote, -1);
    for (const t of tokens) {
      if (YEAR_TOKEN.test(t)) {
        add(MARKERS.year, -1);
        break;
      }
    }
  }
  return { rule, hashed: Uint32Array.from(idxs), origin: Int32Array.from(origins), tokens };
}

/** Human-readable name of a hashed feature, from its origin code. */
export function featureName(tokens: readonly string[], origin: number): string {
  if (origin < 0) return '';
  const pos = origin >> 1;
  const token = tokens[pos] ?? '';
  if ((origin & 1) === 0) return token;
  return pos === 0 ? `^${token}` : `${tokens[pos - 1] ?? ''} ${token}`;
}
