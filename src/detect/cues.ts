/**
 * Keyword groups: each rule declares the words its patterns need once, with `keywords()`, and
 * gets from that one declaration both the pattern source (to build its regex from) and a cue
 * bit. The scanner (scan.ts) sets the bit of every group whose words occur in the request head,
 * so a rule runs its regex only when the words it needs are present. A cue is a necessary
 * condition, never a decision: outputs are exactly those of the regexes alone.
 *
 * Why a cue is a sound necessary condition: a regex alternative (ASCII, /i) can match only where
 * its first run of [a-z0-9] is a maximal run of [A-Za-z0-9] of the text (a whole-word group), or
 * where such a run starts with it (a prefix group: `\bprefix` with no boundary after) — which is
 * what the scanner hashes. Hash collisions only add false positives. Characters whose case
 * mapping crosses into ASCII (İ → i̇, K-sign → k, long s ſ ~ s) could make a lower-cased or /iu
 * match appear where the scan sees none, so their presence opens every cue (scan.ts).
 */
import { fnv } from './text.js';

export interface Keywords {
  /** The group's cue bit. */
  readonly bit: number;
  /** The alternatives as regex source, `a|b|c` (wrap in a group to use). */
  readonly source: string;
}

/** Cue bits of shapes the scanner notes itself (not word groups). */
export const SHAPE = {
  digits: 1 << 0,
  digits2to5: 1 << 1,
  quote: 1 << 2,
  doubleCapital: 1 << 3,
  strayLetter: 1 << 4,
} as const;
const FIRST_GROUP_BIT = 5;
/** Group bits 5..30; past 26 groups, bits are shared (a shared bit only makes a cue looser, never wrong). */
const GROUP_BITS = 26;

/** Every cue bit (the scan opens all cues on characters whose case mapping crosses into ASCII). */
export const ALL_CUES = 0x7fffffff;

/** Open-addressing table: key (30-bit hash + 1, 0 = empty) -> cue bits. Filled by keywords() at module load, read-only after. */
const TABLE_BITS = 9;
const TABLE_SIZE = 1 << TABLE_BITS;
const KEYS = new Int32Array(TABLE_SIZE);
const VALUES = new Int32Array(TABLE_SIZE);
/** Longest prefix probe: every run is probed at this length; shorter prefixes are probed only for runs starting with their first letter. */
export const MAX_PREFIX = 4;
/** For each ASCII lower-case first letter: bit k set when some prefix group has a keyword of length k < MAX_PREFIX starting with it. */
export const SHORT_PROBES = new Uint8Array(128);
let groups = 0;

/** Table key of a run hash: `prefixLength` 0 = a whole run, else a prefix of that many letters. */
export function cueKey(hash: number, prefixLength: number): number {
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

/** Cue bits of a table key (0 when absent). */
export function cueLookup(key: number): number {
  let s = slotOf(key);
  for (;;) {
    const k = KEYS[s];
    if (k === key) return VALUES[s] ?? 0;
    if (k === 0) return 0;
    s = (s + 1) & (TABLE_SIZE - 1);
  }
}

/**
 * Spellings of an alternative's first [a-z0-9] run, and whether the run ends the alternative
 * (only then can it be a prefix). Understands what the declarations use: literal letters and
 * digits, `[xy]` classes, `?` after one character or class, `\s`, and any other character as a
 * run break. Optional parts are expanded (a hyphen made optional yields both run splits).
 */
function firstRuns(alternative: string): Array<{ run: string; last: boolean }> {
  // Tokens: a set of characters (one position) and whether it is optional.
  const tokens: Array<{ chars: string[]; optional: boolean }> = [];
  for (let i = 0; i < alternative.length; i++) {
    const c = alternative.charAt(i);
    let chars: string[];
    if (c === '[') {
      const end = alternative.indexOf(']', i);
      chars = alternative.slice(i + 1, end).split('');
      i = end;
    } else if (c === '\\') {
      chars = [' '];
      i++;
    } else if (c === '(' || c === ')' || c === ':') {
      continue;
    } else chars = [c.toLowerCase()];
    const optional = alternative.charAt(i + 1) === '?';
    if (optional) i++;
    tokens.push({ chars, optional });
  }
  const out: Array<{ run: string; last: boolean }> = [];
  const walk = (t: number, run: string): void => {
    if (t === tokens.length) {
      if (run !== '') out.push({ run, last: true });
      return;
    }
    const token = tokens[t] as (typeof tokens)[number];
    if (token.optional) walk(t + 1, run);
    for (const ch of token.chars) {
      if (/[a-z0-9]/.test(ch)) walk(t + 1, run + ch);
      else if (run !== '') out.push({ run, last: false });
      else walk(t + 1, run);
    }
  };
  walk(0, '');
  return out;
}

/**
 * Declares a keyword group: `alternatives` is regex source (`a|b|c`, each alternative as in
 * firstRuns). `prefix`: the pattern has no word boundary after the keywords (`\bbook` matches
 * "booking"). `plural`: the pattern accepts an `s` after each keyword (`(?:word|line)s?`).
 */
export function keywords(alternatives: string, options: { prefix?: boolean; plural?: boolean } = {}): Keywords {
  const bit = 1 << (FIRST_GROUP_BIT + (groups++ % GROUP_BITS));
  for (const alternative of alternatives.split('|')) {
    for (const { run, last } of firstRuns(alternative)) {
      if (options.prefix === true && last) {
        const n = Math.min(run.length, MAX_PREFIX);
        insert(cueKey(fnv(run, n), n), bit);
        if (n < MAX_PREFIX) SHORT_PROBES[run.charCodeAt(0)] = (SHORT_PROBES[run.charCodeAt(0)] ?? 0) | (1 << n);
      } else {
        insert(cueKey(fnv(run), 0), bit);
        if (options.plural === true && last) insert(cueKey(fnv(`${run}s`), 0), bit);
      }
    }
  }
  return { bit, source: alternatives };
}
