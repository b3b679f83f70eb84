/**
 * unanchored_time_place: a factual question whose answer depends on a place ("who is the prime
 * minister", "what's the minimum wage") or on a time ("who won the world series") that nobody
 * stated: not the user, not the system prompt, not an earlier turn.
 */
import { findName, ORGANISATION, PEOPLE, PLACE } from '../gazetteer.js';
import { STOPWORDS } from '../lexicon.js';
import { fnv, snippet, tokenize } from '../text.js';
import { isTrimmed, type RequestView } from '../view.js';
import { DATE, hasPlace, YEAR } from './patterns.js';
import type { FindingSink, Rule } from './rule.js';

const PLACE_DEPENDENT =
  /\b(prime minister|president|chancellor|governor|mayor|head of state|head of government|(?:finance|foreign|defen[cs]e|health|education|interior|justice|home|energy|culture|transport|environment) (?:minister|secretary)|secretary of state|the (?:current )?(?:king|queen|monarch)|ruling party|party (?:is )?in power|governing party|parliament|the senate|congress|supreme court|highest court|chief justice|constitution|national (?:anthem|dish|animal|bird|flower|sport|holiday|day|flag|motto)|official languages?|legal age|age limit|maternity leave|paternity leave|parental leave|sick leave|annual leave|dialing code|dialling code|calling code|country code|area code|postage|house prices?|property prices?|(?:snow|rain|sunny|humid) (?:today|tomorrow|tonight|this week)|(?:going to|gonna|will it) (?:snow|rain)|sunrise|sunset|minimum wage|sales tax|income tax|property tax|tax rate|tax bracket|vat rate|voting age|drinking age|legal age|age of consent|driving age|retirement age|speed limit|emergency number|national anthem|currency|inflation rate|unemployment rate|interest rate|population|weather|forecast|time zone|local time|public holidays?|bank holidays?|elections?|gas prices?|side of the road|(?:number|call) for (?:an )?(?:ambulance|police|the police|the fire brigade)|time is it there|average rent|rent prices?|petrol prices?|cost of living|average (?:salary|rent|income)|legal limit|tipping)\b/i;
// "president lincoln", "queen Elizabeth": an office used as a person's title names the person.
const TITLE_OF_PERSON =
  /^\s+(?!(?:is|was|are|were|of|in|for|at|on|to|and|or|the|a|an|has|had|have|do|does|did|will|would|can|could|now|today|right|currently|called|named|who|that|this|there|here|elected|appointed|born|since|before|after|when|then|by|from|with|about|salary|term|age|speech|like|been|be)\b)[\p{L}'’-]{3,}(?:\s+[\p{L}'’-]+)?\s*[?.!]?\s*$/iu;
const OFFICE = /(?:president|minister|chancellor|governor|mayor|secretary|king|queen|monarch)$/i;
// "president of X", "the weather in X": the noun itself is followed by its anchor.
const ANCHORED_AFTER = /^\s+(?:of|in|for|at)\s+\S/i;
const WINNER =
  /\b(?:who (?:won|wins|is winning|will win|was the winner|is the winner|is the champion|are the champions)|winners? of|champions? of|who (?:has|holds) the record|who (?:is|was) (?:the )?(?:mvp|top scorer)|(?:who|which (?:country|city|team|nation)) (?:hosted|hosts|will host|is hosting|was awarded|received|got|took home)|where (?:is|are|was|were|will) (?:the )?(?:[\w-]+ ){1,3}(?:be )?(?:held|hosted)|(?:who|which|what) (?:[\w'’-]+ ){0,4}(?:nobel prize|ballon d.or|person of the year|player of the year|rookie of the year|most valuable player|best (?:actor|actress|picture|director|album|song|new artist|film|supporting)|golden (?:globe|boot|ball)|grammy|oscar|emmy|pulitzer|booker prize|eurovision|top-selling|best-selling|best selling|top selling|highest-paid|highest paid|most streamed|number one (?:song|single|album|hit)))\b/i;
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

/**
 * A question about "the war", "the movie", "the election", "the coach" — a thing named only by a
 * generic noun, so several wars, films or teams fit. Anchored by a naming word before the noun
 * ("the korean war", "the golden gate bridge"), a name after it ("the movie inception", "the
 * treaty of versailles"), or any name, year or capitalised word elsewhere in the question.
 */
const GENERIC_NOUNS: ReadonlySet<string> = new Set(
  `war revolution election referendum treaty strike pandemic epidemic outbreak protest protests riot
  riots battle siege invasion coup crisis scandal earthquake hurricane storm flood attack accident crash
  disaster movie film book novel series show sitcom album song band game match final tournament league
  cup race season episode chapter sequel prequel franchise trilogy musical play opera concert tour festival
  ceremony conference summit launch mission bridge cathedral church stadium tower castle palace museum
  temple dam canal airport university team club coach captain manager ceo owner founder singer`.split(/\s+/),
);
/** Words between "the" and its noun that do not name which one ("the last season", "the new film"). */
const GENERIC_MODIFIERS: ReadonlySet<string> = new Set(
  `last latest new newest next first second third fourth fifth final current previous original upcoming
  recent big biggest main famous old big great whole entire same other head lead`.split(/\s+/),
);
/** Words right after the noun that continue the question rather than name the thing ("the war end", "the film released"). */
const CONTINUATIONS: ReadonlySet<string> = new Set(
  `end start begin come out air open close happen take last win lose finish premiere set go get make
  be is are was were will would did does do has have had about called named like say said mean cost
  there here now today ever yet still so built made written held fought won lost begun begins ends starts
  done shot sold run hit fall fell born become became took taken sink sank sunk broke broken left came
  located based filmed released`.split(/\s+/),
);
/** Words after "in" / "of" that do not name anything ("the war in it", "the end of the season"). */
const NON_NAMES: ReadonlySet<string> = new Set(
  'it this that these those them there here a an my your his her their our its the end start beginning first last next world history'.split(' '),
);
const NAME_PREPOSITIONS: ReadonlySet<string> = new Set(['of', 'to', 'in', 'on', 'for', 'from', 'at', 'about', 'called', 'named', 'between', 'against', 'by']);
const ROLE_VERBS: ReadonlySet<string> = new Set(['played', 'plays', 'voiced', 'voices', 'portrayed', 'portrays', 'starred', 'stars']);
/** FNV-1a hashes (as the scanner computes them: view.tokenHashes) of the generic nouns and role verbs: most questions have none, and then no token string is made. */
const TRIGGER_HASHES: ReadonlySet<number> = new Set([...GENERIC_NOUNS, ...ROLE_VERBS].map((w) => fnv(w)));
const CAPITALISED_LATER = /(?:^|[^.!?]\s)[A-Z][\p{L}'’-]+/u;

/** Is a word a naming word (content, not generic): a name right after a noun, or a modifier before it. */
function naming(word: string): boolean {
  return word.length > 1 && !STOPWORDS.has(word) && !GENERIC_MODIFIERS.has(word) && !CONTINUATIONS.has(word) && !word.endsWith('ed') && !word.endsWith('ing');
}

/** Does a word sequence starting at tokens[i] name a thing: a preposition then a non-empty name, or a name in apposition. */
function namedAfter(tokens: readonly string[], i: number): boolean {
  const next = tokens[i];
  if (next === undefined) return false;
  if (NAME_PREPOSITIONS.has(next)) {
    let k = i + 1;
    if (tokens[k] === 'the') k++;
    const w = tokens[k];
    if (w === undefined || NON_NAMES.has(w)) return false;
    // "the singer of the band coldplay": the inner generic noun may be named in turn.
    return !GENERIC_NOUNS.has(w) || namedAfter(tokens, k + 1);
  }
  return naming(next) && !GENERIC_NOUNS.has(next);
}

/** The first generic definite description ("the war") that nothing names, as [token index of its noun], or -1. */
function genericThing(tokens: readonly string[]): number {
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] !== 'the') continue;
    let k = i + 1;
    let named = false;
    while (k < tokens.length && k <= i + 3 && !GENERIC_NOUNS.has(tokens[k] as string)) {
      if (!GENERIC_MODIFIERS.has(tokens[k] as string)) named = true;
      k++;
    }
    if (named || k >= tokens.length || !GENERIC_NOUNS.has(tokens[k] as string)) continue;
    // "the war of 1812", "the movie inception", "the cup final": named after the noun (or a noun compound).
    if (namedAfter(tokens, k + 1) || GENERIC_NOUNS.has(tokens[k + 1] ?? '')) continue;
    return k;
  }
  return -1;
}

/** A work or thing named in lower case: "the movie jaws", "the band coldplay", or a gazetteer name ("the titanic"). */
function namedWork(tokens: readonly string[]): boolean {
  for (let i = 0; i + 1 < tokens.length; i++) if (GENERIC_NOUNS.has(tokens[i] as string) && namedAfter(tokens, i + 1)) return true;
  return findName(tokens) !== null;
}

/** Any word from tokens[from] on that could be part of a title ("in the series how i met your mother"): not an article, pronoun or generic noun. */
function anyNameWord(tokens: readonly string[], from: number): boolean {
  for (let k = from; k < tokens.length; k++) {
    const t = tokens[k] as string;
    if (!NON_NAMES.has(t) && !GENERIC_NOUNS.has(t)) return true;
  }
  return false;
}

/** "who played the joker", "who voiced simba": a role with no work, year or name of the production. */
function roleWithoutWork(tokens: readonly string[]): number {
  if (tokens[0] !== 'who' || tokens.length > 12) return -1;
  const v = tokens[1] === 'has' || tokens[1] === 'have' || tokens[1] === 'else' ? 2 : 1;
  if (!ROLE_VERBS.has(tokens[v] ?? '')) return -1;
  for (let k = v + 1; k < tokens.length; k++) {
    const t = tokens[k] as string;
    if ((t === 'in' || t === 'on' || t === 'from' || t === 'for') && (namedAfter(tokens, k) || anyNameWord(tokens, k + 1))) return -1;
  }
  return v;
}

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
      ANCHORED_AFTER.test(after) ||
      (OFFICE.test(place[0]) && TITLE_OF_PERSON.test(after)) ||
      hasPlace(text, view.tokens) ||
      namesPlace(view.tokens) ||
      (view.contextCased.length > 0 && hasPlace(view.contextCased, tokenize(view.contextLower)));
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
  if (work !== null && !NAMED.test(text.slice(1)) && !WORK_AFTER.test(workAfter) && !CONCEPTUAL.test(text) && !namedWork(view.tokens)) {
    out.push({
      feature: 'unanchored_work',
      id: 'unanchored_time_place',
      category: 'aleatoric',
      evidence: `"${snippet(text, work.index, work[0].length)}" depends on which work, edition or event, and none is named`,
      slot: 'work',
      question: { template: 'unanchored.work', vars: { topic: work[0].toLowerCase() } },
    });
  }
  if (work === null && !view.hasEarlierTurns && view.tokenCount <= 16) genericOrRole(view, text, out);
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

/** A place, people or organisation name from the gazetteer ("in texas", "the british parliament", "the nba"). */
function namesPlace(tokens: readonly string[]): boolean {
  for (let m = findName(tokens); m !== null; m = findName(tokens, m.end)) if ((m.kind & (PLACE | PEOPLE | ORGANISATION)) !== 0) return true;
  return false;
}

/** The generic-thing and role checks: only when the question names nothing at all (no name, year, quotation or capitalised word). */
function genericOrRole(view: RequestView, text: string, out: FindingSink): void {
  let trigger = false;
  for (let i = 0; i < view.tokenCount && !trigger; i++) trigger = TRIGGER_HASHES.has(view.tokenHashes[i] ?? 0);
  if (!trigger) return;
  const tokens = view.tokens;
  // A role's character is itself a name ("Who played Dracula?"): only a production or a year anchors it.
  const role = YEAR.test(text) ? -1 : roleWithoutWork(tokens);
  const thing = role >= 0 ? -1 : genericThing(tokens);
  if (role < 0 && (thing < 0 || CAPITALISED_LATER.test(text.slice(1)) || YEAR.test(text) || findName(tokens) !== null || CONCEPTUAL.test(text))) return;
  if (role >= 0) {
    const who = tokens.slice(role + 1).join(' ');
    out.push({
      feature: 'unanchored_work',
      id: 'unanchored_time_place',
      category: 'aleatoric',
      evidence: `"${tokens[role] ?? ''} ${who}" — several productions fit, and none is named`,
      slot: 'work',
      question: { template: 'unanchored.work', vars: { topic: who } },
    });
    return;
  }
  const noun = tokens[thing] ?? '';
  out.push({
    feature: 'unanchored_work',
    id: 'unanchored_time_place',
    category: 'aleatoric',
    evidence: `"the ${noun}" could be one of several, and none is named`,
    slot: 'work',
    question: { template: 'unanchored.work', vars: { topic: noun } },
  });
}

export const unanchored: Rule = { name: 'unanchored', reads: [], run };
