/**
 * What the detector reads is what the model will read. Text a person cannot see, or that a
 * person reads as ordinary Latin letters, must not change the assessment: zero-width and bidi
 * controls are removed, compatibility forms folded (NFKC: fullwidth `Ｗｒｉｔｅ`, mathematical
 * `𝐖𝐫𝐢𝐭𝐞`, ligatures), and Cyrillic / Greek look-alikes inside Latin text folded to the Latin
 * letters they imitate (`Wrіte а роem`). A trailing user message with no letter or digit in it
 * (`.`, `?!`, whitespace, only zero-width characters) after an earlier user message is not a new
 * request: the request before it is assessed.
 *
 * Pure, and free for plain text: a text is rewritten only when one compiled, linear-time test finds
 * a character of these kinds in it, and only the last user turn is read.
 */
import type { Conversation, Part, Turn } from '../conversation.js';

/**
 * Characters that can hide or disguise text: format controls (soft hyphen, combining grapheme
 * joiner, Arabic letter mark, Mongolian vowel separator, zero-width space / joiners / marks, bidi
 * embeddings, overrides and isolates, word joiner and invisible operators, BOM), variation
 * selectors, fullwidth and ideographic-space forms, Greek and Cyrillic letters, and surrogates
 * (mathematical alphanumerics live outside the BMP).
 */
const SUSPECT =
  /[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\u3000\uff01-\uff5e\u0370-\u03ff\u0400-\u04ff\u0500-\u052f\ud800-\udfff]|\u034f|[\ufe00-\ufe0f]/;

/** The invisible controls removed outright. */
// (Combining marks, U+034F and the variation selectors, sit outside the class: they would combine with their neighbours.)
const INVISIBLE = /[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]|\u034f|[\ufe00-\ufe0f]/g;

/** A letter or a digit, in any script. */
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** A run of letters (a word, for deciding whether its look-alikes are disguised Latin). */
const WORD = /\p{L}+/gu;

const ASCII_LETTER = /[A-Za-z]/;

/** Cyrillic and Greek letters that render like a Latin letter, and that letter. */
const CONFUSABLES: ReadonlyMap<string, string> = new Map(
  Object.entries({
    // Cyrillic
    а: 'a',
    в: 'b',
    е: 'e',
    о: 'o',
    р: 'p',
    с: 'c',
    у: 'y',
    х: 'x',
    і: 'i',
    ј: 'j',
    ѕ: 's',
    ԁ: 'd',
    ԛ: 'q',
    ԝ: 'w',
    һ: 'h',
    ӏ: 'l',
    ь: 'b',
    А: 'A',
    В: 'B',
    Е: 'E',
    К: 'K',
    М: 'M',
    Н: 'H',
    О: 'O',
    Р: 'P',
    С: 'C',
    Т: 'T',
    Х: 'X',
    І: 'I',
    Ј: 'J',
    Ѕ: 'S',
    У: 'Y',
    Ԛ: 'Q',
    Ԝ: 'W',
    // Greek
    α: 'a',
    ο: 'o',
    ν: 'v',
    ρ: 'p',
    ι: 'i',
    κ: 'k',
    υ: 'u',
    ς: 's',
    Α: 'A',
    Β: 'B',
    Ε: 'E',
    Ζ: 'Z',
    Η: 'H',
    Ι: 'I',
    Κ: 'K',
    Μ: 'M',
    Ν: 'N',
    Ο: 'O',
    Ρ: 'P',
    Τ: 'T',
    Υ: 'Y',
    Χ: 'X',
  }),
);

function isLatinOrConfusable(ch: string): boolean {
  return ASCII_LETTER.test(ch) || CONFUSABLES.has(ch) || ch.charCodeAt(0) < 0x0370;
}

function foldWord(word: string): string {
  let out = '';
  for (const ch of word) out += CONFUSABLES.get(ch) ?? ch;
  return out;
}

/**
 * Look-alikes folded to Latin where they disguise Latin text: everywhere when every letter of the
 * text is Latin or a look-alike (the text is Latin in disguise), else only inside words that mix
 * Latin letters with look-alikes (a genuinely Cyrillic or Greek word stays as it is).
 */
function foldConfusables(text: string): string {
  let disguisedLatin = ASCII_LETTER.test(text);
  if (disguisedLatin) {
    for (const ch of text) {
      if (LETTER_OR_DIGIT.test(ch) && !isLatinOrConfusable(ch)) {
        disguisedLatin = false;
        break;
      }
    }
  }
  return text.replace(WORD, (word) => {
    let confusable = false;
    let latin = false;
    for (const ch of word) {
      if (CONFUSABLES.has(ch)) confusable = true;
      else if (ASCII_LETTER.test(ch)) latin = true;
      else if (!isLatinOrConfusable(ch)) return word;
    }
    return confusable && (latin || disguisedLatin) ? foldWord(word) : word;
  });
}

function fold(text: string): string {
  return foldConfusables(text.replace(INVISIBLE, '').normalize('NFKC'));
}

/**
 * Normalised text kept at each end of a long text: more than the detector's deep windows
 * (`DEEP_HEAD`, `DEEP_TAIL` in view.ts) read, so the windows see only folded text.
 */
const EDGE = 8_192;

/** `at`, moved back one when it would split a surrogate pair. */
function safeCut(text: string, at: number): number {
  const code = text.charCodeAt(at);
  return at > 0 && at < text.length && code >= 0xdc00 && code <= 0xdfff ? at - 1 : at;
}

/**
 * A long text is folded only at its ends, chunk by chunk until each end holds EDGE folded
 * characters (padding of invisible characters only makes it read on): a megabyte of emoji costs
 * two chunks, not a megabyte of NFKC; the middle, which the detector does not read, stays as it is.
 */
function foldEdges(text: string): string {
  let head = '';
  let start = 0;
  while (start < text.length && head.length < EDGE) {
    const cut = safeCut(text, Math.min(text.length, start + EDGE));
    head += fold(text.slice(start, cut));
    start = cut;
  }
  let tail = '';
  let end = text.length;
  while (end > start && tail.length < EDGE) {
    const cut = Math.max(start, safeCut(text, end - EDGE));
    tail = fold(text.slice(cut, end)) + tail;
    end = cut;
  }
  return head + text.slice(start, end) + tail;
}

/** `text` as the detector should read it; the same string when nothing in it needs folding. */
export function normalizeText(text: string): string {
  if (!SUSPECT.test(text)) return text;
  return text.length <= 2 * EDGE ? fold(text) : foldEdges(text);
}

/** True when a turn says nothing: only text parts (or none) without a letter or digit, no tool calls. */
function saysNothing(turn: Turn): boolean {
  if (turn.toolCalls !== undefined && turn.toolCalls.length > 0) return false;
  for (const part of turn.parts) {
    if (part.type !== 'text') return false;
    if (LETTER_OR_DIGIT.test(normalizeText(part.text))) return false;
  }
  return true;
}

function normalizeParts(parts: readonly Part[]): Part[] | null {
  let out: Part[] | null = null;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as Part;
    if (part.type !== 'text') continue;
    const text = normalizeText(part.text);
    if (text === part.text) continue;
    out ??= parts.slice();
    out[i] = { type: 'text', text };
  }
  return out;
}

/**
 * The conversation as the detector should read it: trailing user turns that say nothing dropped
 * (while an earlier user turn remains), and the last user turn's text normalized. The same object
 * when nothing changes (the common case); the input is never mutated.
 */
export function normalizeConversation(conversation: Conversation): Conversation {
  const turns = conversation.turns;
  let last = -1;
  let dropped = false;
  for (let i = turns.length - 1; i >= 0; i--) {
    if ((turns[i] as Turn).role !== 'user') continue;
    if (last >= 0) {
      if (!saysNothing(turns[last] as Turn)) break;
      // The later user turn says nothing: assess this one instead.
      dropped = true;
    }
    last = i;
  }
  if (last < 0) return conversation;
  // Every user turn after `last` says nothing (checked above).
  const kept = dropped ? turns.filter((turn, i) => i <= last || turn.role !== 'user') : turns;
  const lastTurn = kept[last] as Turn;
  const parts = normalizeParts(lastTurn.parts);
  if (kept === turns && parts === null) return conversation;
  const out = kept === turns ? turns.slice() : kept;
  if (parts !== null) out[last] = { ...lastTurn, parts };
  return { ...conversation, turns: out };
}
