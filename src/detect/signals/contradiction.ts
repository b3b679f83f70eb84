/**
 * contradiction: mutually exclusive constraints — a length cap against a length floor ("one
 * sentence, at least 500 words"), a format banned and required ("no bullet points ... as a
 * bulleted list"), or a register both formal and casual.
 */
import type { Finding } from '../finding.js';
import { CUE } from '../cues.js';
import { snippet } from '../text.js';
import type { RequestView } from '../view.js';

const WORD_NUMBERS: Record<string, number> = { one: 1, a: 1, single: 1, two: 2, three: 3, four: 4, five: 5 };
const SHORT_UNITS =
  /\b(?:(one|a single|single|two|three|\d{1,2})[ -](sentence|line|word|paragraph)s?|(?:no more than|at most|under|max(?:imum)?(?: of)?|fewer than|less than|within)\s+(\d{1,4})\s+(words|characters|sentences|lines))\b/i;
const SHORT_WORDS = /\b(?:brief|briefly|short|concise|concisely|tl;?dr|tweet|haiku|in a nutshell)\b/i;
const LONG_COUNT =
  /\b(?:at least|minimum(?: of)?|over|more than|no less than|no fewer than)\s+(\d{2,5})\s+(words|sentences|paragraphs|pages|lines)\b|\b(\d{3,5})[ -]words?\b/i;
const LONG_WORDS = /\b(?:detailed|in[ -]depth|comprehensive|exhaustive|thorough|lengthy|elaborate|essay)\b/i;
const BANNED_FORMAT = /\b(?:no|without|don't use|do not use|avoid|never use)\s+(bullet(?:ed)?(?: points?)?|bullets|lists?|headings|tables?|emojis?|code)\b/i;
const WANTED_FORMAT = /\b(?:use|using|as|in|with|include|including|formatted as|format as|make it)\s+(?:a\s+|an\s+)?(bullet|list|heading|table|emoji|code)/gi;
const FORMAL = /\bformal\b/i;
const CASUAL = /\b(?:casual|informal|slang|chatty)\b/i;
/** Prefilters: a conflict needs a cap and a floor, a ban and a format, or two registers. */
const CAP_CUE = /sentence|line|word|paragraph|brief|short|concise|tweet|haiku|nutshell|tl;?dr|under|at most|max|fewer|less than|within/;
const FLOOR_CUE =
  /\b(?:least|minimum|over|more than|no less|no fewer|\d{3,}|detailed|in-depth|depth|comprehensive|exhaustive|thorough|lengthy|elaborate|essay)\b/;
const BAN_CUE = /\b(?:no|without|don't|do not|avoid|never)\b/;
const REGISTER_CUE = /formal/;
const NEGATION = /\b(?:not|no|never|without|instead of|rather than|avoid|less|more)\b/i;

/** Words a short-unit constraint allows, roughly (a sentence ~ 25 words, a paragraph ~ 150). */
function shortLimitWords(m: RegExpExecArray): number {
  if (m[3] !== undefined) {
    const n = Number(m[3]);
    const unit = (m[4] ?? '').toLowerCase();
    return unit.startsWith('word') ? n : unit.startsWith('char') ? n / 5 : unit.startsWith('sentence') || unit.startsWith('line') ? n * 25 : n;
  }
  const count = (m[1] ?? '').toLowerCase();
  const n = WORD_NUMBERS[count] ?? (Number(count) || 1);
  const unit = (m[2] ?? '').toLowerCase();
  return unit === 'word' ? n : unit === 'paragraph' ? n * 150 : n * 25;
}

function push(out: Finding[], text: string, a: RegExpExecArray, b: RegExpExecArray): void {
  const first = snippet(text, a.index, a[0].length, 40);
  const second = snippet(text, b.index, b[0].length, 40);
  out.push({
    feature: 'contradiction',
    id: 'contradiction',
    category: 'epistemic',
    evidence: `"${first}" conflicts with "${second}"`,
    question: { template: 'contradiction', vars: { a: first, b: second } },
  });
}

export function contradiction(view: RequestView, out: Finding[]): void {
  // Constraints are stated with the instruction (view.head), not inside a pasted body.
  const text = view.head;
  // Every conflict below needs words from two groups; without them no regex here can fire.
  const c = view.cues;
  const countCue = (c & CUE.longCountUnit) !== 0 && (c & CUE.digits2to5) !== 0;
  const possible =
    ((c & CUE.shortUnit) !== 0 && (countCue || (c & CUE.longWord) !== 0)) ||
    (countCue && (c & CUE.shortWord) !== 0) ||
    ((c & CUE.ban) !== 0 && (c & CUE.bannedFormat) !== 0) ||
    ((c & CUE.formal) !== 0 && (c & CUE.casual) !== 0);
  if (!possible) return;
  const l = view.headLower;
  if (view.empty || !((CAP_CUE.test(l) && FLOOR_CUE.test(l)) || BAN_CUE.test(l) || REGISTER_CUE.test(l))) return;
  const short = SHORT_UNITS.exec(text);
  const longCount = LONG_COUNT.exec(text);
  if (short !== null && longCount !== null) {
    const floor = Number(longCount[1] ?? longCount[3] ?? '0');
    const unit = (longCount[2] ?? 'words').toLowerCase();
    const floorWords = unit.startsWith('word') ? floor : unit.startsWith('paragraph') || unit.startsWith('page') ? floor * 150 : floor * 25;
    if (floorWords > shortLimitWords(short) * 1.5) return push(out, text, short, longCount);
  }
  if (short !== null) {
    const long = LONG_WORDS.exec(text);
    if (long !== null && shortLimitWords(short) <= 25 && /sentence|word|line/i.test(short[0])) return push(out, text, short, long);
  }
  if (longCount !== null && Number(longCount[1] ?? longCount[3] ?? '0') >= 300) {
    const brief = SHORT_WORDS.exec(text);
    if (brief !== null && /tweet|haiku|tl;?dr/i.test(brief[0])) return push(out, text, brief, longCount);
  }
  const banned = BANNED_FORMAT.exec(text);
  if (banned !== null) {
    const family = (banned[1] ?? '').toLowerCase().slice(0, 4);
    WANTED_FORMAT.lastIndex = 0;
    for (let w = WANTED_FORMAT.exec(text); w !== null; w = WANTED_FORMAT.exec(text)) {
      const inBanned = w.index >= banned.index && w.index < banned.index + banned[0].length;
      if (!inBanned && (w[1] ?? '').toLowerCase().slice(0, 4) === family) return push(out, text, banned, w);
    }
  }
  const formal = FORMAL.exec(text);
  const casual = CASUAL.exec(text);
  if (formal !== null && casual !== null && !NEGATION.test(text)) {
    push(out, text, formal, casual);
  }
}
