/**
 * unanchored_time_place: a factual question whose answer depends on a place ("who is the prime
 * minister", "what's the minimum wage") or on a time ("who won the world series") that nobody
 * stated: not the user, not the system prompt, not an earlier turn.
 */
import { snippet, tokenize } from '../text.js';
import { isTrimmed, type RequestView } from '../view.js';
import { DATE, hasPlace, YEAR } from './patterns.js';
import type { FindingSink, Rule } from './rule.js';

const PLACE_DEPENDENT =
  /\b(prime minister|president|chancellor|governor|mayor|head of state|head of government|minimum wage|sales tax|income tax|property tax|tax rate|tax bracket|vat rate|voting age|drinking age|legal age|age of consent|driving age|retirement age|speed limit|emergency number|national anthem|currency|inflation rate|unemployment rate|interest rate|population|weather|forecast|time zone|local time|public holidays?|bank holidays?|elections?|gas prices?|side of the road|(?:number|call) for (?:an )?(?:ambulance|police|the police|the fire brigade)|time is it there|average rent|rent prices?|petrol prices?|cost of living|average (?:salary|rent|income)|legal limit|tipping)\b/i;
// "president of X", "the weather in X": the noun itself is followed by its anchor.
const ANCHORED_AFTER = /^\s+(?:of|in|for|at)\s+\S/i;
const WINNER =
  /\b(?:who (?:won|wins|is winning|will win|was the winner|is the winner|is the champion|are the champions)|winners? of|champions? of|who (?:has|holds) the record|who (?:is|was) (?:the )?(?:mvp|top scorer))\b/i;
const TIME_ANCHOR =
  /\b(?:ever|all[ -]time|in history|first|last|latest|most recent|current|currently|now|today|this (?:year|season|week|month)|next|upcoming|season \d+|\d{2,4}(?:-\d{2,4})?)\b/i;
// A question about the concept itself ("the difference between weather and climate", "what does
// inflation rate mean") is not a question about one place's value.
const CONCEPTUAL =
  /\b(?:differences? between|distinction between|versus|vs\.?|definition of|define|what (?:does|do) (?:the )?(?:term |word )?[\w -]{1,40} mean)\b/i;
// A fact of one work, edition, season or event ("who wrote the sequel?", "how many episodes are in season 3?",
// "what's new in the latest version?"): it needs the work's name.
const WORK_DEPENDENT =
  /\b(?:sequel|prequel|author|writer|director|directed|composer|cast|main character|protagonist|villain|narrator|episodes?|chapter \d+|ending|soundtrack|remake|edition|(?:latest|newest|new|next|last|previous|current) (?:version|release|update|book|film|movie|season|episode|album|game|installment|volume)|the (?:book|film|movie|show|series|album|song|game|novel|play|season|league|tournament|final|race|ceremony|conference|championship|match|game) (?:end|start|begin|come out|released|premiere|air)|(?:the )?season (?:start|begin|end|premiere|finale))/i;
// A named anchor: a capitalised name after the first word, a quoted title, a year.
const NAMED = /(?:^|[^.!?]\s)[A-Z][\p{L}'’-]+|["“«][^"”»\n]{2,}["”»]|\b(?:1[0-9]{3}|20[0-9]{2})\b/u;

// The work named right after its noun: "the sequel to the hobbit", "season 3 of breaking bad", "the author of dune".
const WORK_AFTER =
  /\b(?:of|to|in|for|from|on)\s+(?:the\s+)?(?!(?:it|this|that|them|a|an|my|your|his|her|their|our|season|episode|chapter|series|part|volume|total|general|order|time|english|there|here|end|first|last|next|latest|new|book|film|movie|show|game|album|song|novel|play)\b)\p{L}{3,}/iu;

const QUESTION = /\?\s*$|^\s*(?:who|what|what's|whats|when|where|which|how|is|are|does|do|can|tell me|give me)\b/i;

/**
 * A necessary condition for QUESTION: a "?" somewhere, or a first non-space character (\s is the
 * trim set) that starts one of its question words (ASCII only under /i without u). Most requests
 * fail it, so the regex does not run.
 */
function mayBeQuestion(text: string): boolean {
  if (text.includes('?')) return true;
  let i = 0;
  while (i < text.length && isTrimmed(text.charCodeAt(i))) i++;
  const c = text.charCodeAt(i) | 32;
  // who what when where which how is are does do can tell give
  return c === 119 || c === 104 || c === 105 || c === 97 || c === 100 || c === 99 || c === 116 || c === 103;
}

function run(view: RequestView, out: FindingSink): void {
  if (view.empty || !mayBeQuestion(view.head) || !QUESTION.test(view.head)) return;
  const text = view.head;
  const place = PLACE_DEPENDENT.exec(text);
  if (place !== null && !CONCEPTUAL.test(text)) {
    const after = text.slice(place.index + place[0].length, place.index + place[0].length + 40);
    const anchored =
      ANCHORED_AFTER.test(after) || hasPlace(text, view.tokens) || (view.contextCased.length > 0 && hasPlace(view.contextCased, tokenize(view.contextLower)));
    if (!anchored) {
      out.push({
        feature: 'unanchored_place',
        id: 'unanchored_time_place',
        category: 'aleatoric',
        evidence: `"${snippet(text, place.index, place[0].length)}" depends on a country or place, and none is given`,
        slot: 'place',
        question: { template: 'unanchored.place', vars: { topic: place[0].toLowerCase() } },
      });
    }
  }
  const work = view.hasEarlierTurns ? null : WORK_DEPENDENT.exec(text);
  // "who wrote the sequel to the hobbit": typed in lower case, the work follows its noun.
  const workAfter = work === null ? '' : text.slice(work.index + work[0].length, work.index + work[0].length + 60);
  if (work !== null && !NAMED.test(text.slice(1)) && !WORK_AFTER.test(workAfter) && !CONCEPTUAL.test(text)) {
    out.push({
      feature: 'unanchored_work',
      id: 'unanchored_time_place',
      category: 'aleatoric',
      evidence: `"${snippet(text, work.index, work[0].length)}" depends on which work, edition or event, and none is named`,
      slot: 'work',
      question: { template: 'unanchored.work', vars: { topic: work[0].toLowerCase() } },
    });
  }
  const win = WINNER.exec(text);
  if (win !== null) {
    const anchored = YEAR.test(text) || DATE.test(text) || TIME_ANCHOR.test(text) || YEAR.test(view.contextCased) || TIME_ANCHOR.test(view.contextLower);
    if (!anchored) {
      out.push({
        feature: 'unanchored_time',
        id: 'unanchored_time_place',
        category: 'aleatoric',
        evidence: `"${snippet(text, win.index, win[0].length + 30)}" depends on a year or season, and none is given`,
        slot: 'time',
        question: { template: 'unanchored.time', vars: {} },
      });
    }
  }
}

export const unanchored: Rule = { name: 'unanchored', reads: [], run };
