/**
 * Evidence that lowers the score: explicit constraints in the request (numbers, formats,
 * audience, quoted text, named things), earlier turns that give the request its context, and
 * text that is not English (the rules are English; other languages are never flagged for it).
 */
import { keywords, SHAPE } from '../cues.js';
import { STOPWORD_FLAG } from '../lexicon.js';
import type { RequestView } from '../view.js';
import type { FindingSink, PriorFindings, Rule } from './rule.js';

// Keyword groups (cues.ts): each constraint pattern is built from one, and needs one of its words.
const LENGTH_UNIT = keywords('sentences?|paragraphs?|words|lines|bullet points?|items|steps|examples|pages');
const FORMAT = keywords(
  'bulleted points?|bullet points?|bullets|markdown table|json|csv|yaml|markdown|numbered list|haiku|sonnet|limerick|outline|step[- ]by[- ]step',
);
const TABLE = keywords('table');
const FOR = keywords('for');
const TONE = keywords('formal|informal|casual|friendly|professional|humorous|funny|polite|persuasive|neutral');

/** Each constraint with the cue bits (cues.ts) its regex needs; one label may have several patterns. */
const CONSTRAINTS: ReadonlyArray<readonly [string, RegExp, number]> = [
  ['a number', /\b\d+(?:[.,]\d+)?\b/, SHAPE.digits],
  ['a length', new RegExp(`\\b(?:one|two|three|four|five|ten|a single|a few|\\d+)[ -](?:${LENGTH_UNIT.source})\\b`, 'i'), LENGTH_UNIT.bit],
  ['a format', new RegExp(`\\b(?:${FORMAT.source})\\b`, 'i'), FORMAT.bit],
  ['a format', new RegExp(`\\b(?:as|in) a (?:${TABLE.source})\\b`, 'i'), TABLE.bit],
  [
    'an audience',
    new RegExp(
      `\\b(?:${FOR.source}) (?:a |an |my |our )?(?:\\d+[- ]year[- ]olds?|kids|children|beginners|experts|students|teenagers|executives|engineers|developers|non-technical|a general audience)\\b`,
      'i',
    ),
    FOR.bit,
  ],
  ['a tone', new RegExp(`\\b(?:${TONE.source})\\b`, 'i'), TONE.bit],
  ['quoted text', /["“«][^"”»\n]{3,}["”»]/, SHAPE.quote],
];
const NON_LATIN_LETTER = /[^\P{L}\p{Script=Latin}]/u;

/** Any non-ASCII character in the first `limit` characters (a non-Latin letter needs one). */
function hasNonAscii(text: string, limit: number): boolean {
  const n = Math.min(text.length, limit);
  for (let i = 0; i < n; i++) if (text.charCodeAt(i) >= 128) return true;
  return false;
}

function run(view: RequestView, out: FindingSink, prior: PriorFindings): void {
  if (view.empty) return;
  // Constraints are stated with the instruction (view.head), not inside a pasted body.
  const head = view.head.length > 640 ? view.head.slice(0, 640) : view.head;
  const found: string[] = [];
  for (let i = 0; i < CONSTRAINTS.length; i++) {
    const constraint = CONSTRAINTS[i] as (typeof CONSTRAINTS)[number];
    if ((view.cues & constraint[2]) !== 0 && !found.includes(constraint[0]) && constraint[1].test(head)) found.push(constraint[0]);
  }
  // Constraints that contradict each other are the problem, not a clarification.
  if (found.length > 0 && !prior.has('contradiction')) {
    out.push({
      feature: 'clear_constraints',
      id: 'clear_request',
      category: null,
      evidence: `explicit constraints: ${found.join(', ')}`,
      value: Math.min(found.length, 3),
    });
  }
  // Many distinct content words: a specific request ("boiling point of water at sea level in Celsius").
  let content = 0;
  const flags = view.tokenFlags;
  const limit = Math.min(view.tokenCount, 80);
  for (let i = 0; i < limit; i++) {
    if (view.tokenLength(i) > 2 && ((flags[i] ?? 0) & STOPWORD_FLAG) === 0) content++;
  }
  if (content >= 4) {
    out.push({
      feature: 'specific_content',
      id: 'clear_request',
      category: null,
      evidence: `specific: ${content} content words`,
      value: Math.min(content, 12) / 4,
    });
  }
  // Earlier turns or attached material (not text inside the request itself) give the request its context.
  // Attached kinds: every material kind but the request's own inline text.
  let attached = '';
  for (const m of view.material) if (m !== 'inline text') attached = attached === '' ? m : `${attached}, ${m}`;
  if (view.hasEarlierTurns || attached !== '') {
    const material = attached === '' ? '' : `attached material (${attached})`;
    const turns = view.contextUnknown ? 'earlier turns (held elsewhere, not in the request)' : 'earlier turns';
    const what = view.hasEarlierTurns ? (material === '' ? turns : `${turns} and ${material}`) : material;
    out.push({ feature: 'clear_context', id: 'clear_request', category: null, evidence: `${what} give the request its context` });
  }
  // Not English: enough words and almost none of them English function words, or mostly non-Latin letters.
  const n = Math.min(view.tokenCount, 60);
  let english = 0;
  for (let i = 0; i < n; i++) if (((flags[i] ?? 0) & STOPWORD_FLAG) !== 0) english++;
  const ratio = n === 0 ? 0 : english / n;
  const nonLatin = hasNonAscii(view.instruction, 200) && NON_LATIN_LETTER.test(view.instruction.slice(0, 200));
  if ((n >= 4 && ratio < 0.1) || (nonLatin && ratio < 0.3)) {
    out.push({
      feature: 'non_english',
      id: 'clear_request',
      category: null,
      evidence: 'not English: the English rules do not apply, and the language alone is no reason to ask',
    });
  }
}

/** Reads contradiction: contradictory constraints are the problem, not a clarification. */
export const clarity: Rule = { name: 'clarity', reads: ['contradiction'], run };
