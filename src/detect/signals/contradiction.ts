/**
 * contradiction: mutually exclusive constraints — a length cap against a length floor ("one
 * sentence, at least 500 words"), a format banned and required ("no bullet points ... as a
 * bulleted list"), or a register both formal and casual.
 */
import { keywords, SHAPE } from '../cues.js';
import { snippet } from '../text.js';
import type { RequestView } from '../view.js';
import type { FindingSink, Rule } from './rule.js';

const WORD_NUMBERS: Record<string, number> = { one: 1, a: 1, single: 1, two: 2, three: 3, four: 4, five: 5 };
// Keyword groups (cues.ts): each pattern below is built from them, and needs one of their words.
const SHORT_UNIT = keywords('sentence|line|word|paragraph', { plural: true });
const CAP_UNIT = keywords('words|characters|sentences|lines');
const BRIEF = keywords('brief|briefly|short|concise|concisely|tl;?dr|tweet|haiku');
const NUTSHELL = keywords('nutshell');
const LONG_UNIT = keywords('words|sentences|paragraphs|pages|lines');
const WORD_UNIT = keywords('words?');
const LONG = keywords('detailed|comprehensive|exhaustive|thorough|lengthy|elaborate|essay');
const DEPTH = keywords('depth');
const BAN = keywords("no|without|don't use|do not use|avoid|never use");
const BANNABLE = keywords('bulleted points?|bulleted|bullet points?|bullet|bullets|lists?|headings|tables?|emojis?|code');
const FORMAL_WORD = keywords('formal');
const CASUAL_WORD = keywords('casual|informal|slang|chatty');

const SHORT_UNITS = new RegExp(
  `\\b(?:(one|a single|single|two|three|\\d{1,2})[ -](${SHORT_UNIT.source})s?|(?:no more than|at most|under|max(?:imum)?(?: of)?|fewer than|less than|within)\\s+(\\d{1,4})\\s+(${CAP_UNIT.source}))\\b`,
  'i',
);
const SHORT_WORDS = new RegExp(`\\b(?:${BRIEF.source}|in a (?:${NUTSHELL.source}))\\b`, 'i');
const LONG_COUNT = new RegExp(
  `\\b(?:at least|minimum(?: of)?|over|more than|no less than|no fewer than)\\s+(\\d{2,5})\\s+(${LONG_UNIT.source})\\b|\\b(\\d{3,5})[ -](?:${WORD_UNIT.source})\\b`,
  'i',
);
const LONG_WORDS = new RegExp(`\\b(?:${LONG.source}|in[ -](?:${DEPTH.source}))\\b`, 'i');
const BANNED_FORMAT = new RegExp(`\\b(?:${BAN.source})\\s+(${BANNABLE.source})\\b`, 'i');
const WANTED_FORMAT = /\b(?:use|using|as|in|with|include|including|formatted as|format as|make it)\s+(?:a\s+|an\s+)?(bullet|list|heading|table|emoji|code)/gi;
const FORMAL = new RegExp(`\\b(?:${FORMAL_WORD.source})\\b`, 'i');
const CASUAL = new RegExp(`\\b(?:${CASUAL_WORD.source})\\b`, 'i');
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

function push(out: FindingSink, text: string, a: RegExpExecArray, b: RegExpExecArray): void {
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

function run(view: RequestView, out: FindingSink): void {
  // Constraints are stated with the instruction (view.head), not inside a pasted body.
  const text = view.head;
  // Every conflict below needs words from two groups; without them no regex here can fire.
  const c = view.cues;
  const countCue = (c & (LONG_UNIT.bit | WORD_UNIT.bit)) !== 0 && (c & SHAPE.digits2to5) !== 0;
  const possible =
    ((c & (SHORT_UNIT.bit | CAP_UNIT.bit)) !== 0 && (countCue || (c & (LONG.bit | DEPTH.bit)) !== 0)) ||
    (countCue && (c & (BRIEF.bit | NUTSHELL.bit)) !== 0) ||
    ((c & BAN.bit) !== 0 && (c & BANNABLE.bit) !== 0) ||
    ((c & FORMAL_WORD.bit) !== 0 && (c & CASUAL_WORD.bit) !== 0);
  if (!possible || view.empty) return;
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

export const contradiction: Rule = { name: 'contradiction', reads: [], run };
