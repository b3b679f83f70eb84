/**
 * Specific question (reported as clear_request): a short factual or how-to question whose object
 * is concrete, so a model can answer it as it stands — "what is the boiling point of water", "how
 * many ounces are in a pound", "how do I merge two branches in git", "how does a compiler work".
 * The public datasets' clear and ambiguous rows are mostly such questions, so the learned wording
 * alone cannot tell them apart; app traffic is full of them and they must not be flagged. The
 * pattern is shape plus general vocabulary (property and measure nouns), not any dataset's words.
 * Never fires when another rule already found a gap, or when the object is a pronoun ("how much
 * does it cost", "how do I fix this").
 */
import { EVENT, findName, LANDMARK } from '../gazetteer.js';
import { PRONOUN_FLAG, STOPWORD_FLAG } from '../lexicon.js';
import type { RequestView } from '../view.js';
import type { FindingSink, PriorFindings, Rule } from './rule.js';

/** Nouns naming a property, measure or defining part of something (general English). */
const PROPERTY =
  '(?:capital|population|area|size|height|length|width|depth|weight|mass|density|volume|speed|velocity|temperature|boiling point|melting point|freezing point|pressure|distance|diameter|radius|circumference|age|lifespan|life expectancy|duration|frequency|wavelength|formula|symbol|derivative|integral|symptoms?|causes?|effects?|side effects|risks?|benefits?|treatment|meaning|definition|origin|etymology|function|purpose|role|structure|parts|components|ingredients|rules|steps|stages|phases|colou?rs|primary colou?rs|differences?|similarities|advantages|disadvantages|pros and cons|author|inventor|founder|composer|painter|theme|moral|plural|opposite|synonym|antonym|translation|abbreviation|acronym|unit|units|value)';
const ATTRIBUTE_OF = new RegExp(
  `^\\s*(?:what|what's|whats|which|who|explain|describe|list|name|give me)\\b[^?.!]{0,40}?\\b(?:the\\s+|a\\s+|an\\s+)?${PROPERTY}\\s+(?:of|in|for|between|on)\\s+(?:the\\s+|a\\s+|an\\s+)?([\\p{L}\\d][\\p{L}\\d'’-]*)`,
  'iu',
);
const QUANTITY =
  /^\s*how\s+(?:many|much|long|far|old|big|tall|heavy|hot|cold|fast|deep|high|large)\b[^?.!]{0,60}?\b(?:in|of|is|are|was|does|do|should|to|from)\s+(?:the\s+|a\s+|an\s+)?([\p{L}\d][\p{L}\d'’-]*)/iu;
const HOW_TO = /^\s*(?:how\s+(?:do|can|should|would|could)\s+(?:i|you|we|one)|how\s+to)\s+([a-z][\w-]*)\s+([^?!]{3,160})/i;
const HOW_WORKS = /^\s*how\s+(?:does|do|did)\s+(?:a\s+|an\s+|the\s+)?([\p{L}\d][\p{L}\d '’-]{1,40}?)\s+work\s*[?.!]?\s*$/iu;
/** A one-time fact of a named thing: who invented / discovered / founded it, when it was built or born. */
const ONE_TIME =
  /^\s*(?:who|when|where|what year|in what year|which year)\b[^?.!]{0,40}?\b(?:invented|discovered|founded|established|wrote|painted|composed|designed|built|created|sculpted|coined|signed|assassinated|born|died|launched)\b/i;
const OBJECT_PRONOUN = /^(?:it|this|that|these|those|them|him|her|there|one|ones|something|anything|thing|stuff)$/i;

/** Content words (not function words, 3+ letters) in the request's tokens. */
function contentWords(view: RequestView): number {
  let n = 0;
  const limit = Math.min(view.tokenCount, 40);
  for (let i = 0; i < limit; i++) if (view.tokenLength(i) > 2 && ((view.tokenFlags[i] ?? 0) & STOPWORD_FLAG) === 0) n++;
  return n;
}

function hasPronoun(view: RequestView): boolean {
  const limit = Math.min(view.tokenCount, 40);
  // "I" / "you" are not in the pronoun list; "it", "this", "that", "them", "he", "she"... are.
  for (let i = 0; i < limit; i++) if (((view.tokenFlags[i] ?? 0) & PRONOUN_FLAG) !== 0) return true;
  return false;
}

const AUXILIARIES: ReadonlySet<string> = new Set(['is', 'was', 'are', 'were', 'did', 'does', 'do']);

/** "where is the taj mahal", "when did world war 2 end": the question's subject is a unique landmark or named event (gazetteer.ts). */
function namedSubject(view: RequestView): string {
  const tokens = view.tokens;
  let k = 1;
  if (AUXILIARIES.has(tokens[k] ?? '')) k++;
  if (tokens[k] === 'the') k++;
  const m = findName(tokens, k);
  if (m === null || m.start !== k || (m.kind & (LANDMARK | EVENT)) === 0) return '';
  return `asks about a named landmark or event ("${tokens.slice(m.start, m.end).join(' ')}")`;
}

function run(view: RequestView, out: FindingSink, prior: PriorFindings): void {
  if (view.empty || view.hasEarlierTurns || view.instruction.length > 200 || prior.anyGap()) return;
  const first = view.tokenAt(0);
  if (
    first !== 'when' &&
    first !== 'where' &&
    first !== 'what' &&
    first !== "what's" &&
    first !== 'whats' &&
    first !== 'which' &&
    first !== 'who' &&
    first !== 'how' &&
    first !== 'explain' &&
    first !== 'describe' &&
    first !== 'list' &&
    first !== 'name' &&
    first !== 'give'
  )
    return;
  const text = view.instruction;
  let evidence = '';
  const attr = ATTRIBUTE_OF.exec(text);
  if (attr !== null && !OBJECT_PRONOUN.test(attr[1] ?? '')) evidence = `asks for a property of a named thing ("${attr[0].trim()}")`;
  if (evidence === '' && ONE_TIME.test(text) && contentWords(view) >= 2 && !hasPronoun(view))
    evidence = 'asks for a one-time fact of a named thing (who made it, when it began)';
  if (evidence === '' && first !== 'how') evidence = namedSubject(view);
  if (evidence === '' && first === 'how') {
    const q = QUANTITY.exec(text);
    if (q !== null && !OBJECT_PRONOUN.test(q[1] ?? '') && !hasPronoun(view)) evidence = `asks for a quantity of a named thing ("${q[0].trim()}")`;
    const how = evidence === '' ? HOW_TO.exec(text) : null;
    // A how-to whose object has at least two content words ("reverse a list in Python", not "fix it").
    if (how !== null && contentWords(view) >= 3 && !hasPronoun(view)) evidence = `how-to question with a concrete object ("${how[0].trim().slice(0, 60)}")`;
    const works = evidence === '' ? HOW_WORKS.exec(text) : null;
    if (works !== null && !OBJECT_PRONOUN.test((works[1] ?? '').trim())) evidence = `asks how a named thing works ("${(works[1] ?? '').trim()}")`;
  }
  if (evidence === '') return;
  out.push({ feature: 'specific_question', id: 'clear_request', category: null, evidence: `specific question: ${evidence}` });
}

/** Reads every gap rule: a question with a named gap is not a specific question. */
export const specificity: Rule = {
  name: 'specificity',
  reads: [
    'conversational',
    'missing_input',
    'unresolved_reference',
    'missing_slot',
    'tool_slots',
    'unanchored',
    'polysemy',
    'contradiction',
    'unfamiliar_entity',
    'broad_topic',
    'answered_clarification',
  ],
  run,
};
