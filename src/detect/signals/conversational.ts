/**
 * Conversational turn (reported as clear_request): a greeting, thanks, an acknowledgement or a
 * "continue" — the whole turn is such words ("hi", "thanks!", "ok", "sounds good", "go on").
 * Nothing is asked, so nothing is missing: such turns must never be flagged.
 */
import type { RequestView } from '../view.js';
import type { FindingSink, Rule } from './rule.js';

/** Words a conversational turn is made of (greetings, thanks, acknowledgements, continuations, farewells, fillers). */
const SMALLTALK: ReadonlySet<string> = new Set(
  `hi hello hey hiya heya yo howdy greetings morning afternoon evening good night gm
  thanks thank thx ty tysm cheers appreciate appreciated it that this helps helped helpful much so very lot a you all
  ok okay k kk okey alright fine cool great perfect nice awesome excellent wonderful amazing brilliant lovely sweet neat
  got understood noted makes sense sounds right true exactly indeed agreed
  yes yeah yep yup sure certainly absolutely no nope nah now there everyone guys folks friend
  continue go on keep going more please proceed next carry
  bye goodbye later see have day take care
  lol haha hahaha wow oh ah hmm`.split(/\s+/),
);
/** At most this many words: longer turns say something. */
const MAX_WORDS = 8;

function run(view: RequestView, out: FindingSink): void {
  const n = view.tokenCount;
  if (view.empty || n === 0 || n > MAX_WORDS || view.fullLength > 80) return;
  for (let i = 0; i < n; i++) if (!SMALLTALK.has(view.tokenAt(i))) return;
  out.push({
    feature: 'conversational_turn',
    id: 'clear_request',
    category: null,
    evidence: 'a conversational turn (greeting, thanks, acknowledgement or "continue"): nothing is asked, nothing is missing',
  });
}

export const conversational: Rule = { name: 'conversational', reads: [], run };
