/**
 * Precedent per user: the gaps a user (or a tenant) has answered before — the target language,
 * the recipient, the units, the place, the sense of a term — and how an answer is read from the
 * reply to a clarifying question. Pure: the storage is behind ./precedent-store.ts, the timing in
 * ./precedent-memory.ts.
 *
 * Only gaps whose answer carries over from one request to the next are kinds of precedent. A
 * request has a precedent when every gap the detector named is such a kind (anything else — the
 * material is missing, a pronoun has no antecedent — still needs asking).
 */
import { createHash } from 'node:crypto';
import type { Assessment } from '../detect/assessment.js';
import { LANGUAGES, PLACES } from '../detect/lexicon.js';
import { readingOf } from './readings.js';
import { slotPhrase } from './templates.js';

/** One gap that a precedent can fill: its kind (`target_language`, `sense:mercury`) and, for senses, the options offered. */
export interface PrecedentGap {
  kind: string;
  /** For `sense:*`: the senses the user chose from (the detector's), so an answer can be matched to one. */
  options?: string[];
}

/** Missing slots whose answer carries over: the same user usually means the same again. */
const SLOT_KINDS: ReadonlySet<string> = new Set(['target_language', 'recipient', 'target_format', 'place']);
/** Kinds whose answers are read from a closed list (a language, one of the offered senses): never the user's own words. */
const CLOSED_KINDS: ReadonlySet<string> = new Set(['target_language']);

/**
 * The gaps of an assessment a precedent can fill, or null when some named gap cannot be filled
 * from precedent (missing material, a reference, a contradiction, a time, an unnamed slot…).
 * `vague_request` (wording alone) and the clarity signals name no gap and are ignored.
 */
export function precedentGaps(assessment: Assessment): PrecedentGap[] | null {
  const gaps: PrecedentGap[] = [];
  const add = (gap: PrecedentGap): void => {
    if (!gaps.some((g) => g.kind === gap.kind)) gaps.push(gap);
  };
  for (const signal of assessment.signals) {
    switch (signal.id) {
      case 'vague_request':
      case 'clear_request':
      case 'answered_clarification':
        continue;
      case 'missing_slot':
        if (signal.slot === undefined || !SLOT_KINDS.has(signal.slot)) return null;
        add({ kind: signal.slot });
        continue;
      case 'unanchored_time_place':
        if (signal.slot !== 'place') return null;
        add({ kind: 'place' });
        continue;
      case 'polysemy': {
        const reading = readingOf(signal);
        if (reading === null || reading.about.includes(' ')) return null;
        add({ kind: `sense:${reading.about.slice(1, -1).toLowerCase()}`, options: reading.options });
        continue;
      }
      default:
        return null;
    }
  }
  for (const slot of assessment.missingSlots) {
    if (!SLOT_KINDS.has(slot)) return null;
    add({ kind: slot });
  }
  return gaps.length > 0 ? gaps : null;
}

const WORD = /[\p{L}\d]+/gu;
const LEADING_FILLER = /^(?:(?:oh|ok|okay|yes|sure|please|well|it'?s|it is|i mean|i meant|the one|to|into|in|for|at|send it to|use)\b[\s,:-]*)+/i;
const TRAILING_FILLER = /[\s,]*(?:please|thanks|thank you)?[\s.!?]*$/i;
const ORDINALS: ReadonlyArray<readonly [RegExp, number]> = [
  [/\b(?:first|1st|one|1)\b/i, 0],
  [/\b(?:second|2nd|two|2)\b/i, 1],
  [/\b(?:third|3rd|three|3)\b/i, 2],
];
/** Free-text answers longer than this are not a precedent: a sentence is not a recipient. */
const MAX_FREE_ANSWER = 60;
const MAX_FREE_WORDS = 6;

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** The offered sense the answer picks: by its own words ("the element") or by position ("the second one"). */
function senseAnswer(answer: string, options: readonly string[]): string | null {
  const words = new Set((answer.toLowerCase().match(WORD) ?? []).filter((w) => w.length > 2 && w !== 'the' && w !== 'one'));
  const named = options.filter((option) => (option.toLowerCase().match(WORD) ?? []).some((w) => w.length > 2 && w !== 'the' && words.has(w)));
  if (named.length === 1) return named[0] ?? null;
  if (named.length > 1) return null;
  for (const [ordinal, index] of ORDINALS) if (ordinal.test(answer) && options[index] !== undefined) return options[index] ?? null;
  return null;
}

export interface AnswerRules {
  /** Whether the user's own words may be stored (the events' redaction mode keeps text); closed-list answers always may. */
  freeText: boolean;
  /** Applied to a free-text answer before it is stored (the events' redaction). */
  redact: (text: string) => string;
}

/**
 * The answer to one gap in the user's reply to a clarifying question, or null when the reply does
 * not give one Clarion can rely on (or may store).
 */
export function answerFor(gap: PrecedentGap, reply: string, rules: AnswerRules): string | null {
  const text = reply.trim();
  if (text === '') return null;
  if (gap.options !== undefined) return senseAnswer(text, gap.options);
  const words = text.toLowerCase().match(WORD) ?? [];
  if (gap.kind === 'target_language') {
    const language = words.find((w) => LANGUAGES.has(w));
    return language === undefined ? null : capitalise(language);
  }
  if (gap.kind === 'place') {
    const place = words.find((w) => PLACES.has(w));
    if (place !== undefined) return capitalise(place);
  }
  if (CLOSED_KINDS.has(gap.kind) || !rules.freeText) return null;
  const trimmed = text.replace(LEADING_FILLER, '').replace(TRAILING_FILLER, '');
  if (trimmed === '' || trimmed.length > MAX_FREE_ANSWER || (trimmed.match(WORD) ?? []).length > MAX_FREE_WORDS) return null;
  return rules.redact(trimmed);
}

export type PrecedentScope = 'user' | 'tenant';

/** Whose precedent: a hash of the tenant and user id (scope user) or of the tenant (scope tenant); null when the request has none. */
export function precedentKey(scope: PrecedentScope, who: { tenant: string | null; user?: string | null | undefined }): string | null {
  if (scope === 'user') {
    if (who.user === undefined || who.user === null) return null;
    return `user:${digest(`${who.tenant ?? ''}\u0000${who.user}`)}`;
  }
  return who.tenant === null ? null : `tenant:${digest(who.tenant)}`;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/** `the target language: French`, `which meaning of "mercury" is meant: the element`. */
export function assumedPhrase(kind: string, value: string): string {
  if (kind.startsWith('sense:')) return `"${kind.slice(6)}" meaning ${value}`;
  return `${slotPhrase(kind)}: ${value}`;
}
