/**
 * missing_slot (task details): an agent task whose result depends on details the user did not
 * give — "plan a trip", "find me a good laptop", "organise a party", "write a script to process
 * the data". The task verb opens a task whose object is a bare kind of thing (one to three
 * content words) and nothing says which one, for whom, how much, where, when or in what: no
 * number, no name, no place, no "for / with / under / that / in X" constraint, no material.
 * Everything the task needs then has to be guessed (destination and dates, budget and use,
 * language and input format), so this is the IN3 kind of gap. Lower-case text is read as typed.
 */
import { snippet, tokenize } from '../text.js';
import { STOPWORDS } from '../lexicon.js';
import type { RequestView } from '../view.js';
import type { FindingSink, PriorFindings, Rule } from './rule.js';

// A request frame, then a task verb, then its object (captured).
const TASK =
  /^\s*(?:(?:hey|hi|ok|okay|so),?\s+)?(?:please\s+)?(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?(?:help\s+me\s+)?|i\s+(?:want|need|would like|'d like|wanna)\s+(?:you\s+)?to\s+|help\s+me\s+(?:to\s+)?|assist\s+me\s+in\s+|let'?s\s+|i'?m\s+(?:looking|trying)\s+to\s+)?(plan|planning|organi[sz]e|organi[sz]ing|arrange|find|finding|recommend|suggest|choose|pick|buy|get|book|research|look for|search for|create|make|build|write|design|draft|set up|prepare|put together|come up with|develop|code|automate|select|compile|gather|collect|generate|download|identify|locate)\s+(?:me\s+|us\s+)?(.+?)\s*[.?!]*\s*$/i;
// Constraints that make the object specific enough to act on.
const CONSTRAINED =
  /\d|[$€£"“':]|\b(?:for|with|without|under|below|over|above|between|within|that|which|who|where|when|near|from|to|in|on|at|by|using|including|about|based|like|as|of|than|only|except|per|each)\b/i;
// A capitalised word after the first: a name, a place, a language ("Python", "Paris").
const NAMED = /\s[A-Z][\p{L}'’-]+/u;
// What the open object is, for the question: a thing to choose, an event to plan, a program to write.
const PROGRAM = /\b(?:script|program|function|app|application|tool|bot|code|website|site|macro|query|pipeline)\b/i;
const EVENT =
  /\b(?:trip|vacation|holiday|party|wedding|event|birthday|meal|menu|diet|workout|itinerary|budget|schedule|routine|weekend|day|trip|move|celebration|dinner|meeting|course|curriculum|plan)\b/i;
// What a program works on, when it is only a kind of thing ("to process the data", "that cleans up my files").
const GENERIC_WORK =
  /^(?:to|that|which|for)\s+(?:\w+\s+){0,2}?(?:the |my |our |some |all |these |those )?(?:data|dataset|datasets|files?|stuff|things|information|info|records|logs|input|output|tasks|work|numbers|results|it|them|this|everything|emails|documents|reports|spreadsheets?)\s*[.?!]*$/i;
/** Verbs that ask for a choice among many (writing verbs make something about a stated topic instead). */
const CHOICE_VERB =
  /^(?:find|finding|recommend|suggest|choose|pick|buy|get|book|research|look for|search for|select|locate|download|compile|gather|collect|identify)$/;
const LANGUAGE =
  /\b(?:python|javascript|typescript|java|bash|shell|sql|rust|go|ruby|php|excel|regex|c\+\+|c#|csv|json|xml|html|css|pdf|powershell|kotlin|swift|r)\b/i;
// Objects that are already a definite piece of work ("the report", "my essay"): missing_input's business.
const DEFINITE = /^(?:the|this|that|these|those|my|our|it|them)\b/i;
// "get started", "make sure", "find out": verb phrases, not tasks on an object.
const IDIOM = /^(?:started|ready|sure|out|up|going|better|rid|back|away|lost|along|used|sense|fun|money|time|help)\b/i;

// Kinds of thing of which there are many good answers, so the right one depends on the user's
// preferences: "find some hiking trails", "suggest a recipe", "recommend a laptop".
const OPEN_KIND =
  /\b(?:ideas?|ways?|tips|resources?|guides?|tutorials?|courses?|classes|recipes?|deals?|options?|places?|spots?|trails?|apps?|tools?|books?|novels?|movies?|films?|songs?|music|playlists?|podcasts?|games?|shows?|restaurants?|hotels?|flights?|products?|gifts?|presents?|laptops?|computers?|phones?|cameras?|headphones?|cars?|bikes?|charities|companies|itinerar(?:y|ies)|checklist|article|essay|story|poem|speech|workouts?|routines?|exercises?|diet|meal plan|menu|names?|activities|destinations?|strategies|techniques|methods|platforms|websites?|sites|events?|jobs?|schools?|universities|neighbou?rhoods?|apartments?|houses?|furniture|outfits?|clothes|shoes|accessories|supplies|equipment|gadgets?|software|services?|providers?|plans?|programs?|projects?|hobbies|toys)\b/i;

// An action on one of the user's own things in an app (an order, a booking, a plan, an address):
// "Cancel my order.", "Move my appointment.", "Update my phone number." The app needs to know
// which one, or the new value, and nothing in the words says it.
const ACCOUNT_ACTION =
  /^\s*(?:(?:hi|hey|ok|okay|so),?\s+)?(?:please\s+)?(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?|i\s+(?:want|need|would like|'d like)\s+(?:you\s+)?to\s+|help\s+me\s+)?(set|change|update|edit|move|reschedule|rebook|switch|swap|extend|increase|decrease|raise|lower|cancel|return|refund|resend|pause|renew|upgrade|downgrade|reactivate|close|delete|remove|transfer)\s+((?:my|our|the|some)\s+[\p{L}' -]+?)(?:\s+please)?\s*[.?!]*\s*$/iu;
/** Verbs whose missing piece is the new value (else: which of the user's things). */
const CHANGE_VERB = /^(?:set|change|update|edit|move|reschedule|rebook|switch|swap|extend|increase|decrease|raise|lower|transfer)$/;
/** A value or a name already given: a number, a quotation, a capitalised name, a target or time clause. */
const ACCOUNT_VALUE = /\d|["“”:@]|\s[A-Z][\p{L}'’-]+|\b(?:to|into|from|by|until|for|on|at|with|in|before|after|instead)\s+\S/u;

function accountAction(view: RequestView, out: FindingSink): boolean {
  const text = view.instruction;
  if (text.length > 90) return false;
  const m = ACCOUNT_ACTION.exec(text);
  if (m === null) return false;
  const object = m[2] ?? '';
  // The user's own thing ("my order", "the date of my booking"): not "the favour", not "the name of the variable".
  if (!/\b(?:my|our)\b/i.test(object)) return false;
  if (ACCOUNT_VALUE.test(` ${object.replace(/^\s*(?:my|our|the|some)\s+/i, '')}`) || /\d/.test(text)) return false;
  const words = object.split(/\s+/).filter((w) => w !== '' && !STOPWORDS.has(w.toLowerCase()));
  if (words.length === 0 || words.length > 4) return false;
  const verb = (m[1] ?? '').toLowerCase();
  const change = CHANGE_VERB.test(verb);
  const thing = object.replace(/^(?:my|our|the|some)\s+/i, '');
  out.push({
    feature: 'open_task',
    id: 'missing_slot',
    category: 'aleatoric',
    evidence: `"${snippet(text, m.index, m[0].length)}" does not say ${change ? 'what it should become' : `which ${thing} or what about it`}`,
    slot: 'task_details',
    question: { template: change ? 'task.change' : 'task.which', vars: { task: thing } },
  });
  return true;
}

function run(view: RequestView, out: FindingSink, prior: PriorFindings): void {
  if (view.empty || prior.anyGap() || view.material.length > 0 || view.hasEarlierTurns || view.tools.length > 0 || view.instruction.length > 200) return;
  if (accountAction(view, out)) return;
  const text = view.instruction;
  const m = TASK.exec(text);
  if (m === null) return;
  const verb = (m[1] ?? '').toLowerCase();
  const object = m[2] ?? '';
  // A count, a quotation or a relative clause ("games that can be played by a group") already says which.
  if (IDIOM.test(object) || /\d|["“”:]/.test(object) || /\b(?:two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|that|which|who)\b/i.test(object))
    return;
  // A definite object is a piece of work already chosen ("the report", "my essay"), unless it is a superlative choice ("the best laptop").
  if (DEFINITE.test(object) && !/^the\s+(?:best|top|cheapest|most|greatest|ideal|right|perfect)\b/i.test(object)) return;
  const program = PROGRAM.test(object) && /^(?:write|create|make|build|develop|code|automate|design|draft|set up)$/.test(verb);
  let content = 0;
  for (const t of tokenize(object.toLowerCase())) if (!STOPWORDS.has(t)) content++;
  if (content === 0 || content > 8) return;
  let what: 'program' | 'plan' | 'choice';
  if (program) {
    // "a script", or "a script to process the data": the program's work is unnamed or generic, and no language is named.
    const clause = /\b(?:to|that|which|for)\b/i.exec(object);
    if (clause !== null && !GENERIC_WORK.test(object.slice(clause.index))) return;
    if (LANGUAGE.test(object) || CONSTRAINED.test(clause === null ? object : object.slice(0, clause.index))) return;
    what = 'program';
  } else if (/^(?:plan|planning|organi[sz]e|organi[sz]ing|arrange|prepare|put together)$/.test(verb) && EVENT.test(object)) {
    what = 'plan';
  } else if (
    CHOICE_VERB.test(verb) &&
    OPEN_KIND.test(object.split(/\s+/).slice(0, 7).join(' ')) &&
    !NAMED.test(` ${object}`.replace(/\s(?:I|I'm|I've)\b/g, ''))
  ) {
    what = 'choice';
  } else return;
  out.push({
    feature: 'open_task',
    id: 'missing_slot',
    category: 'aleatoric',
    evidence: `"${snippet(text, m.index, m[0].length)}" leaves the ${what === 'program' ? 'language, input and expected output' : what === 'plan' ? 'where, when, for whom and budget' : 'budget, purpose and preferences'} open`,
    slot: 'task_details',
    question: { template: `task.${what}`, vars: { task: object.replace(/[.?!]+$/, '').replace(/^(?:(?:a|an|the|some|me|us|good|nice|great)\s+)+/i, '') } },
  });
}

/** Reads every gap-finding rule before it: a task another rule explains needs no second finding. */
export const openTask: Rule = {
  name: 'open_task',
  reads: ['missing_input', 'unresolved_reference', 'missing_slot', 'tool_slots', 'unanchored', 'polysemy', 'contradiction'],
  run,
};
