/**
 * missing_slot (tools): when the app passes tools, find the tool the request maps to (its name
 * words or description words in the request) and check each JSON-schema `required` parameter
 * for something in the conversation that could fill it (by the parameter's name, type, enum and
 * format). A required parameter with nothing to fill it is a missing slot `tool:<name>.<param>`.
 * Lenient on purpose: free-text parameters count as fillable when the request has any content.
 */
import type { ToolDefinition } from '../../conversation.js';
import { PLACES, STOPWORDS } from '../lexicon.js';
import { tokenize } from '../text.js';
import type { RequestView } from '../view.js';
import type { FindingSink, Rule } from './rule.js';
import { DATE, EMAIL_ADDRESS, hasLanguage, NUMBER, TIME, URL } from './patterns.js';

const GENERIC_NAME_WORDS = new Set([
  'get',
  'set',
  'list',
  'create',
  'update',
  'delete',
  'fetch',
  'do',
  'run',
  'make',
  'the',
  'a',
  'an',
  'to',
  'for',
  'of',
  'by',
  'tool',
  'api',
  'info',
  'data',
  'new',
  'current',
  'user',
  'users',
  'connected',
  'workspace',
  'given',
  'one',
]);
const SPLIT_NAME = /[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])/;

function stem(word: string): string {
  return word.length > 6 ? word.slice(0, 6) : word;
}

/**
 * What a tool is about, by meaning rather than by its exact name words: users say "is it going to
 * rain?" to a `get_forecast` tool and "get me in to see a dentist" to `book_doctor`. Each group
 * is one domain's everyday words (stemmed to six letters like the request's words); a tool gets
 * a domain from its name and description words, a request from its own words, and a shared domain
 * counts like a shared name word. Groups are general vocabulary of the domain, not any test's words.
 */
const DOMAINS: readonly string[] = [
  'weather forecast rain raining rainy umbrella sunny snow snowing temperature hot cold warm chilly windy wind storm humid jacket coat shorts climate',
  'flight flights fly flying plane airline airport airfare layover nonstop ticket tickets',
  'train trains rail railway station ticket tickets',
  'hotel hotels room rooms stay accommodation lodging hostel motel airbnb nights checkin',
  'restaurant restaurants table dinner lunch brunch breakfast eat eating dine dining reservation cuisine sushi pizza food cafe',
  'email emails mail inbox e-mail send notify inform',
  'calendar event events meeting meetings appointment appointments schedule agenda offsite call calls',
  'remind reminder reminders alarm',
  'currency currencies convert conversion exchange dollars euros pounds yen francs fx usd eur gbp jpy chf cad',
  'order orders package parcel parcels shipment shipped shipping ship delivery deliver delivered tracking track arrive arriving courier',
  'music song songs tracks album artist playlist listen radio spotify',
  'car cars vehicle rental rent suv van',
  'doctor dentist physio clinic medical checkup gp dermatologist physician vet veterinary',
  'prescription refill meds medication medicine pharmacy rx pills',
  'movie movies film films cinema seats screening showtime ticket tickets',
  'light lights lamp lamps dim brighten bulb',
  'balance account accounts bank savings checking',
  'gym class classes fitness workout yoga spin pilates hiit',
  'recipe recipes servings cook cooking portions',
  'taxi cab cabs ride rides uber lyft driver dropoff',
  'bill bills pay payment biller utility electricity settle transfer payee wire venmo send',
  'translate translation translated language',
  'library libraries borrow borrowing loan isbn',
  'stock stocks share shares trading market nasdaq',
  'thermostat heating heat warmer cooler degrees celsius fahrenheit upstairs downstairs',
];

/** The bit of the currency domain. */
const CURRENCY_DOMAIN = 1 << DOMAINS.findIndex((d) => d.startsWith('currency '));

/** Stem -> bit set of the DOMAINS it belongs to ("ticket": flights, trains, films). */
const DOMAIN_OF: ReadonlyMap<string, number> = (() => {
  const m = new Map<string, number>();
  DOMAINS.forEach((words, i) => {
    for (const w of words.split(' ')) m.set(stem(w), (m.get(stem(w)) ?? 0) | (1 << i));
  });
  return m;
})();

/** A tool's matching vocabulary, computed once per distinct (name, description). */
interface ToolWords {
  readonly name: ReadonlySet<string>;
  readonly description: ReadonlySet<string>;
  /** Bit set of DOMAINS. */
  readonly domains: number;
  /** Has required parameters (a tool without any has no gap to claim). */
  readonly requires: boolean;
}

const toolWordCache = new Map<string, ToolWords>();

function wordsOf(tool: ToolDefinition): ToolWords {
  const required = asRecord(tool.parameters)?.required;
  const requires = Array.isArray(required) && required.length > 0;
  const key = `${tool.name}\u0000${tool.description ?? ''}\u0000${requires ? 1 : 0}`;
  const cached = toolWordCache.get(key);
  if (cached !== undefined) return cached;
  const name = new Set<string>();
  let domains = 0;
  for (const w of tool.name.split(SPLIT_NAME)) {
    const lw = w.toLowerCase();
    if (lw.length > 2 && !GENERIC_NAME_WORDS.has(lw)) name.add(stem(lw));
    domains |= DOMAIN_OF.get(stem(lw)) ?? 0;
  }
  const description = new Set<string>();
  // The values a parameter takes are what users say ("my monitor flickers" -> a ticket tool whose device enum has "monitor").
  for (const v of enumWordsOf(asRecord(tool.parameters))) if (v.length > 2 && !STOPWORDS.has(v) && !name.has(stem(v))) description.add(stem(v));
  if (tool.description !== undefined)
    for (const w of tokenize(tool.description.slice(0, 300).toLowerCase())) {
      if (w.length > 3 && !STOPWORDS.has(w) && !GENERIC_NAME_WORDS.has(w) && !name.has(stem(w))) description.add(stem(w));
      domains |= DOMAIN_OF.get(stem(w)) ?? 0;
    }
  const words: ToolWords = { name, description, domains, requires };
  // Bounded: tool sets are few per app, but a client could send a new one every time.
  if (toolWordCache.size >= 1024) toolWordCache.clear();
  toolWordCache.set(key, words);
  return words;
}

/** Lower-cased string enum values of a tool's top-level and one-level nested parameters (at most 64). */
function enumWordsOf(params: Record<string, unknown> | undefined, depth = 0, out: string[] = []): string[] {
  const properties = asRecord(params?.properties);
  if (properties === undefined) return out;
  for (const raw of Object.values(properties).slice(0, 32)) {
    const p = asRecord(raw);
    if (p === undefined) continue;
    if (Array.isArray(p.enum)) for (const v of p.enum.slice(0, 32)) if (typeof v === 'string' && out.length < 64) out.push(v.toLowerCase());
    if (depth < 1) enumWordsOf(p, depth + 1, out);
  }
  return out;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The action sits at the start of a request: its first content word counts two more, the next two one more. */
function bonus(position: number): number {
  return position === 0 ? 2 : position < 3 ? 1 : 0;
}

/**
 * The tool the request most plausibly maps to, or undefined. Each content word of the request
 * scores once for a tool: as one of its name words (2), else one of its description words (1),
 * else as a word of one of its domains (2, each domain once); a word among the first three
 * content words (where the action is: "Email sam that the invoice is paid") counts more (bonus).
 * A tie is no match (guessing the wrong tool would claim a wrong gap), unless only one of the
 * tied tools has required parameters.
 */
function matchTool(view: RequestView, stems: ReadonlyMap<string, number>): ToolDefinition | undefined {
  let best: ToolDefinition | undefined;
  let bestScore = 0;
  let tie = false;
  for (const tool of view.tools.slice(0, 128)) {
    const words = wordsOf(tool);
    let score = 0;
    let seenDomains = 0;
    for (const [st, at] of stems) {
      if (words.name.has(st)) score += 2 + bonus(at);
      else if (words.description.has(st)) score += 1 + bonus(at);
      else {
        const shared = (DOMAIN_OF.get(st) ?? 0) & words.domains & ~seenDomains;
        if (shared !== 0) {
          seenDomains |= shared;
          score += 2 + bonus(at);
        }
      }
    }
    if (score > bestScore) {
      bestScore = score;
      best = tool;
      tie = false;
    } else if (score === bestScore && score > 0 && best !== undefined) {
      const bestRequires = wordsOf(best).requires;
      if (words.requires && !bestRequires) best = tool;
      else if (words.requires === bestRequires) tie = true;
    }
  }
  return bestScore >= 2 && !tie ? best : undefined;
}

interface Evidence {
  readonly cased: string;
  readonly lower: string;
  /** Words of the request and its context (tokenised on first use: only place and language parameters read them). */
  readonly tokens: () => readonly string[];
  /** Content words of the request that are not the tool's own name words. */
  readonly freeContent: number;
  /** The user typed without capitals (then names are lower case too). */
  readonly lowercase: boolean;
  /** Enum values of the tool's parameters, lower-cased: a word that is one of them ("Riverside" branch) names that parameter, not a thing. */
  readonly enumWords: ReadonlySet<string>;
  /** The tool is about currencies (its codes are currency codes). */
  readonly currencyTool: boolean;
}

/** One parameter's schema with `anyOf` / `oneOf` alternatives and `type` arrays folded: its types, nullability, enum, format and description. */
interface Param {
  readonly types: ReadonlySet<string>;
  readonly nullable: boolean;
  readonly hasDefault: boolean;
  readonly enumValues: readonly unknown[] | undefined;
  readonly format: string;
  /** Name and description words, lower-cased: what the parameter is for. */
  readonly about: string;
  readonly schema: Record<string, unknown>;
}

function paramOf(name: string, raw: Record<string, unknown>): Param {
  const types = new Set<string>();
  let nullable = false;
  let enumValues: unknown[] | undefined;
  let format = '';
  let description = '';
  let itemsAbout = '';
  const visit = (s: Record<string, unknown>, depth: number): void => {
    const t = s.type;
    for (const v of Array.isArray(t) ? t : [t]) {
      if (v === 'null') nullable = true;
      else if (typeof v === 'string') types.add(v);
    }
    if (Array.isArray(s.enum)) enumValues = [...(enumValues ?? []), ...(s.enum as unknown[])];
    if (typeof s.format === 'string' && format === '') format = s.format;
    if (typeof s.description === 'string') description += ` ${s.description.slice(0, 200)}`;
    const items = asRecord(s.items);
    if (items !== undefined) {
      if (typeof items.format === 'string' && format === '') format = items.format;
      if (typeof items.description === 'string') itemsAbout += ` ${items.description.slice(0, 100)}`;
    }
    if (depth > 2) return;
    for (const key of ['anyOf', 'oneOf']) {
      const alternatives = s[key];
      if (Array.isArray(alternatives))
        for (const a of alternatives.slice(0, 8)) {
          const r = asRecord(a);
          if (r !== undefined) visit(r, depth + 1);
        }
    }
  };
  visit(raw, 0);
  const about = `${name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_.-]+/g, ' ')} ${description}${itemsAbout}`.toLowerCase();
  return { types, nullable, hasDefault: 'default' in raw, enumValues, format, about, schema: raw };
}

const CURRENCY =
  /(?:\b(?:usd|eur|gbp|jpy|chf|cad|aud|cny|inr|dollars?|euros?|pounds?|yen|francs?|pesos?|rupees?|yuan|won|krona|kronor|real|reais|bucks|quid)\b|[$€£¥])/i;
// An identifier with a digit (A-10293, #55120, 1Z999AA1...).
const DIGIT_IDENTIFIER = /(?:^|[^\p{L}\d])(?=[\p{L}#-]*\d)[\p{L}\d#][\p{L}\d-]{2,}/u;
// A ticker: an all-capitals word.
const TICKER = /\b[A-Z]{2,5}\b/;
/** A time of day for a date-time parameter ("dinner" says when only for a table, not for a reminder). */
const CLOCK = /\b(?:\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.|h|uhr)|\d{1,2}:\d{2}|noon|midday|midnight|morning|afternoon|evening|tonight|at \d{1,2})\b/i;
/** A phone number: 7+ digits with the usual separators. */
const PHONE = /(?:\+|\b)\d[\d\s().-]{5,}\d\b/;
/** "Text Marta that…", "tell Sam", "ping the team": a messaging verb and its addressee. */
const ADDRESSEE = new RegExp(
  `\\b(?:${'text message tell ping call email e-mail sms dm notify remind ask inform let'
    .split(' ')
    .map((v) => `[${v[0]}${(v[0] ?? '').toUpperCase()}]${v.slice(1)}`)
    .join('|')})\\s+(?:my\\s+|our\\s+|the\\s+)?[A-Z][\\p{L}'’-]+`,
  'u',
);
const TEMPERATURE = /\b\d+(?:[.,]\d+)?\s*(?:°|degrees?|c\b|f\b)/i;

/** "in Canadian dollars", "to euros": the currency converted into, not from. */
const TARGET_CURRENCY = new RegExp(`\\b(?:to|into|in)\\s+(?:[\\p{L}]+\\s+)?${CURRENCY.source}`, 'giu');

/** A parameter that is the origin / the destination of something: its value follows its own prepositions. */
const FROM_ROLE = /^(?:from|origin|source|base)\b|\b(?:origin|departure|departing|pickup|pick up|leaving|source currency)\b/;
const TO_ROLE =
  /^(?:to|target|destination|into|dropoff|drop off|quote)\b|\b(?:destination|arrival|arriving|target currency|to currency|dropoff|drop off|where to go)\b/;
const FROM_PREPS = /\b(?:from|out of|leaving|departing|departure)\s+/giu;
const PICKUP_PREPS = /\b(?:from|at|in|out of)\s+/giu;
const TO_PREPS = /\b(?:to|into|in|for|arriving in|arriving at)\s+/giu;
const ANY_PLACE_PREPS = /\b(?:in|at|to|near|around|from|out of|into)\s+/giu;
/** Words after a preposition that are not a value (times, quantities, pronouns...). */
const NOT_A_VALUE = new Set(
  'me us you him her them it this that my our your the a an some any here there home work now today tonight tomorrow yesterday morning afternoon evening night noon midnight week weekend month year next last one two three four five six seven eight nine ten dinner lunch breakfast brunch book get see go be do make have travel fly stay find buy know take come pay set put add create send check show tell give let remind'.split(
    ' ',
  ),
);
/** "I want to travel", "going to see": a verb after "to", not a place. */
const VERB_BEFORE_TO = /\b(?:want|wants|need|needs|like|going|have|has|had|able|trying|try|planning|plan|hoping|hope|love|way|how|where|what|about)\s+$/i;
/** Count nouns: "for 3 nights", "2 tickets", "a party of four". */
const COUNT_NOUNS =
  /\b(?:nights?|days?|weeks?|servings?|portions?|seats?|tickets?|people|persons?|guests?|passengers?|adults?|rooms?|party|size|attendees|covers|places)\b/;
const COUNTED =
  /\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|a couple of|a few)\s+(?:[\p{L}-]+\s+)?(?:nights?|days?|weeks?|servings?|portions?|seats?|tickets?|people|persons?|guests?|passengers?|adults?|kids|children|rooms?|of us|covers|places)\b|\bfor\s+(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|a week|a night|the week|the weekend|a fortnight|a month|the night)\b|\b(?:party|table|group) of\s+\S|\b(?:overnight|a week|a fortnight|the weekend|just me|the two of us|a couple)\b/iu;
/** Free-text parameters: anything the user says fills them. */
const FREE_TEXT = /^(?:query|q|search|text|message|body|content|prompt|keywords?|question|notes?|what|title|subject|description|topic|instructions?)\b/;
const PERSON = /\b(?:payee|person|contact|assignee|customer|recipient|landlord|owner|user)\b/;
/** Parameters that name one thing (a restaurant, a film, a company): a name, or a word that modifies the thing ("the lasagna recipe"). */
const NAMED_THING =
  /\b(?:name|payee|person|contact|artist|author|restaurant|company|assignee|customer|biller|merchant|store|shop|film|movie|recipe|title|product|book|song|album|venue|hotel|team|player|provider|vendor|brand)\b/;

/** A "to" parameter that is a place, currency or language, not an addressee. */
const PLACE_OR_UNIT = /\b(?:airport|city|place|destination|station|currenc\w*|language|location|country|iata|unit)\b/;
const NAME_WORD = /(?:^|[^.!?])\s([A-Z][\p{L}'’-]+)/gu;

/** A name after the first word that is not a day or month ("for 4 on Saturday"), or for a person "my landlord". */
function hasName(ev: Evidence, person: boolean): boolean {
  if (person && /\b(?:my|our|his|her|their)\s+[a-z]{3,}/.test(ev.cased)) return true;
  NAME_WORD.lastIndex = 0;
  for (let m = NAME_WORD.exec(ev.cased); m !== null; m = NAME_WORD.exec(ev.cased))
    if (!DATE.test(m[1] ?? '') && !ev.enumWords.has((m[1] ?? '').toLowerCase())) return true;
  return false;
}

/** A known place or a multi-word place name anywhere. */
function namedPlace(tokens: readonly string[]): boolean {
  for (const t of tokens) if (PLACES.has(t)) return true;
  return false;
}

/** The text after a match of `preps` starts a value (`lowercase`: users who type in lower case name places in lower case). */
function valueAfter(ev: Evidence, preps: RegExp, accept: (word: string, cased: string) => boolean): boolean {
  preps.lastIndex = 0;
  for (let m = preps.exec(ev.cased); m !== null; m = preps.exec(ev.cased)) {
    const rest = ev.cased.slice(m.index + m[0].length, m.index + m[0].length + 40);
    const w = /^(?:(?:the|a|an)\s+)?(?:\d+\s+)?([\p{L}][\p{L}'’.-]*)/u.exec(rest);
    if (w === null) continue;
    // A sentence's full stop is not part of the word ("for me.").
    const word = (w[1] ?? '').replace(/\.+$/, '');
    const lower = word.toLowerCase();
    if (NOT_A_VALUE.has(lower) || STOPWORDS.has(lower) || DATE.test(word) || TIME.test(word)) continue;
    if (m[0].toLowerCase().startsWith('to') && VERB_BEFORE_TO.test(ev.cased.slice(Math.max(0, m.index - 12), m.index))) continue;
    if (accept(word, rest)) return true;
  }
  return false;
}

function placeWord(ev: Evidence): (word: string) => boolean {
  return (word) => /^[A-Z]/.test(word) || PLACES.has(word.toLowerCase()) || ev.lowercase;
}

/** Could something in the request or its context fill this required parameter? Judged by what the parameter is. */
function fillable(p: Param, ev: Evidence): boolean {
  const about = p.about;
  const enumValues = p.enumValues;
  const role = FROM_ROLE.test(about) ? 'from' : TO_ROLE.test(about) ? 'to' : '';
  // Currencies first: "Canadian dollars" names CAD whatever the enum spells.
  if (
    /\bcurrenc/.test(about) ||
    (ev.currencyTool && /\b(?:iso|code|base|quote|from|to|source|target)\b/.test(about) && !p.types.has('number') && !p.types.has('integer')) ||
    (enumValues !== undefined && enumValues.length > 0 && enumValues.every((v) => typeof v === 'string' && /^[A-Z]{3}$/.test(v) && CURRENCY.test(v)))
  ) {
    if (role === 'to') return valueAfter(ev, TO_PREPS, (_w, rest) => CURRENCY.test(rest.slice(0, 24)));
    if (role === 'from') return CURRENCY.test(ev.cased.replace(TARGET_CURRENCY, ' '));
    return CURRENCY.test(ev.cased);
  }
  if (enumValues !== undefined && enumValues.length > 0) {
    const strings = enumValues.filter((v): v is string => typeof v === 'string' && v.length > 0);
    if (strings.length > 0) {
      // A value as a word or word start ("EUR" in "euros"); for a destination, after its preposition.
      const words = new RegExp(`\\b(?:${strings.map((v) => v.toLowerCase().replace(/[^\p{L}\d ]/gu, '.')).join('|')})`, 'u');
      if (role === 'to') return valueAfter(ev, TO_PREPS, (_w, rest) => words.test(rest.toLowerCase()));
      return words.test(ev.lower);
    }
    // Numeric enums (party sizes, hours): a counted number when the parameter counts something, else any number.
    if (enumValues.every((v) => typeof v === 'number')) return COUNT_NOUNS.test(about) ? COUNTED.test(ev.cased) : NUMBER.test(ev.cased);
    return false;
  }
  const format = p.format;
  if (format === 'email' || /\b(?:e-?mail|recipients?|attendees?|invitees?)\b/.test(about) || (/^to\b/.test(about) && !PLACE_OR_UNIT.test(about)))
    return (
      EMAIL_ADDRESS.test(ev.cased) ||
      (/\bphone\b/.test(about) && PHONE.test(ev.cased)) ||
      /\b(?:to|with)\s+[A-Z]/.test(ev.cased) ||
      ADDRESSEE.test(ev.cased) ||
      (ev.lowercase && /\b(?:to|with)\s+[a-z]{3,}/.test(ev.cased) && !/\b(?:to|with)\s+(?:me|us|you|them|say|tell|let|know|the|a|an)\b/.test(ev.cased))
    );
  if (format === 'uri' || format === 'url' || /\b(?:url|link|uri|website)\b/.test(about)) return URL.test(ev.cased);
  // A date needs a day; a time of day needs a clock time; a moment (date-time, "when") either.
  if (format === 'date' || (format !== 'date-time' && /\b(?:date|day|yyyy|check ?in)\b/.test(about))) return DATE.test(ev.cased);
  if (format !== 'date-time' && /\b(?:time|hh:mm|hour)\b/.test(about) && !/\b(?:when|date)\b/.test(about)) return CLOCK.test(ev.cased);
  if (format === 'date-time' || /\b(?:when|deadline|start|end|showtime|iso 8601)\b/.test(about)) return DATE.test(ev.cased) || CLOCK.test(ev.cased);
  if (/\b(?:city|location|place|address|country|region|destination|origin|where|airport|iata|postcode|zip|neighbou?rhood|station|pickup)\b/.test(about)) {
    if (role === 'from') return valueAfter(ev, /\bpick ?up\b/.test(about) ? PICKUP_PREPS : FROM_PREPS, placeWord(ev));
    if (role === 'to') return valueAfter(ev, TO_PREPS, placeWord(ev));
    return namedPlace(ev.tokens()) || valueAfter(ev, ANY_PLACE_PREPS, placeWord(ev));
  }
  if (/\blang(?:uage)?\b/.test(about)) return hasLanguage(ev.tokens());
  if (/\b(?:temperature|celsius|fahrenheit|degrees)\b/.test(about)) return TEMPERATURE.test(ev.cased) || /\b(?:to|at)\s+\d{1,3}(?:[.,]\d)?\b/.test(ev.cased);
  if (/\b(?:symbol|ticker)\b/.test(about)) return TICKER.test(ev.cased) || DIGIT_IDENTIFIER.test(ev.cased);
  if (/\b(?:id|number|code|sku|reference|rx)\b/.test(about) && !p.types.has('integer') && !p.types.has('number')) return DIGIT_IDENTIFIER.test(ev.cased);
  if (COUNT_NOUNS.test(about)) return COUNTED.test(ev.cased);
  if (p.types.has('integer') || p.types.has('number') || /\b(?:count|amount|quantity|weight|price|kg|minutes|hours|level|percent)\b/.test(about))
    return NUMBER.test(ev.cased) || /\b\d+(?:[.,]\d+)?\s*(?:k|m|bn)\b/i.test(ev.cased);
  if (p.types.has('boolean')) return true;
  // A list of things ("oat milk and bananas"): anything the user names beyond the tool's own words.
  if (p.types.has('array')) return ev.freeContent > 0;
  if (!FREE_TEXT.test(about) && NAMED_THING.test(about)) return hasName(ev, PERSON.test(about)) || modifiedThing(about, ev);
  // Free text (query, message, topic...): fillable when the request says anything beyond the tool's own words.
  return ev.freeContent > 0;
}

/** "the lasagna recipe", "my pancake recipe", "the comcast bill": a determiner, a modifier, then the thing the parameter names. */
function modifiedThing(about: string, ev: Evidence): boolean {
  const nouns = about.split(/[^a-z]+/).filter((w) => w.length >= 4 && w !== 'name');
  const words = ev.lower.split(/[^\p{L}\d'’-]+/u);
  for (let i = 2; i < words.length; i++) {
    const t = words[i] ?? '';
    if (t.length < 4 || !nouns.some((n) => n.slice(0, 4) === t.slice(0, 4))) continue;
    const modifier = words[i - 1] ?? '';
    if (DETERMINERS.has(words[i - 2] ?? '') && modifier.length > 2 && !STOPWORDS.has(modifier) && !NOT_A_VALUE.has(modifier) && !/\d/.test(modifier))
      return true;
  }
  return (
    ev.lowercase &&
    valueAfter(ev, /\b(?:at|for|to|from|with)\s+/giu, (w) => !NUMBER.test(w) && !COUNT_NOUNS.test(w.toLowerCase()) && !ev.enumWords.has(w.toLowerCase()))
  );
}

const DETERMINERS = new Set(['the', 'my', 'our', 'a', 'an', 'this', 'that', 'his', 'her', 'their', 'your']);

/**
 * The required parameters to check, as [path, schema]: a required object parameter stands for its
 * own required properties (one level down); parameters with a default or a nullable type are not
 * gaps (the tool accepts them absent).
 */
function requiredParams(params: Record<string, unknown> | undefined, prefix: string, depth: number, out: Array<[string, Param]>): void {
  if (params === undefined || out.length >= 16) return;
  const required = Array.isArray(params.required) ? params.required.filter((r): r is string => typeof r === 'string') : [];
  const properties = asRecord(params.properties) ?? {};
  for (const name of required.slice(0, 16)) {
    const raw = asRecord(properties[name]) ?? {};
    const p = paramOf(name, raw);
    if (p.hasDefault || p.nullable) continue;
    if (depth < 2 && p.types.has('object') && asRecord(raw.properties) !== undefined && Array.isArray(raw.required) && raw.required.length > 0) {
      requiredParams(raw, `${prefix}${name}.`, depth + 1, out);
      continue;
    }
    out.push([`${prefix}${name}`, p]);
  }
}

/** The tool each view maps to (computed once per view: both slot rules ask). */
const mapped = new WeakMap<RequestView, ToolDefinition | null>();

/**
 * The app tool this request maps to, or undefined (no tools, no match, or a tie). When the request
 * maps to a tool, the tool's schema is the contract for the action: its required parameters are
 * what the action needs (the action-slot rule then stays out: "book the physio for Monday" needs
 * no time when the booking tool does not ask for one).
 */
export function mappedTool(view: RequestView): ToolDefinition | undefined {
  if (view.tools.length === 0 || view.empty) return undefined;
  const known = mapped.get(view);
  if (known !== undefined) return known ?? undefined;
  // Each request content word's stem, with its position among the content words.
  const stems = new Map<string, number>();
  let position = 0;
  for (const t of view.tokens) {
    if (t.length <= 2 || STOPWORDS.has(t)) continue;
    const st = stem(t);
    if (!stems.has(st)) stems.set(st, position);
    position++;
  }
  const tool = matchTool(view, stems);
  mapped.set(view, tool ?? null);
  return tool;
}

function run(view: RequestView, out: FindingSink): void {
  // Earlier turns held elsewhere may have given the arguments.
  if (view.tools.length === 0 || view.empty || view.contextUnknown) return;
  const tool = mappedTool(view);
  if (tool === undefined) return;
  const required: Array<[string, Param]> = [];
  requiredParams(asRecord(tool.parameters), '', 0, required);
  if (required.length === 0) return;

  const words = wordsOf(tool);
  let freeContent = 0;
  for (const t of view.tokens) {
    const st = stem(t);
    if (t.length > 2 && !STOPWORDS.has(t) && !NOT_A_VALUE.has(t) && !words.name.has(st) && !words.description.has(st) && !DATE.test(t) && !TIME.test(t))
      freeContent++;
  }
  const enumWords = new Set<string>();
  for (const [, p] of required) for (const v of p.enumValues ?? []) if (typeof v === 'string') enumWords.add(v.toLowerCase());
  const cased = view.contextCased.length > 0 ? `${view.head}\n${view.contextCased}` : view.head;
  let allTokens: readonly string[] | undefined;
  const tokens = (): readonly string[] => (allTokens ??= view.contextCased.length > 0 ? [...view.tokens, ...tokenize(view.contextLower)] : view.tokens);
  const ev: Evidence = {
    cased,
    lower: view.contextCased.length > 0 ? `${view.headLower}\n${view.contextLower}` : view.headLower,
    tokens,
    freeContent,
    lowercase: !/[A-Z]/.test(view.head),
    enumWords,
    currencyTool: (words.domains & CURRENCY_DOMAIN) !== 0,
  };

  for (const [name, param] of required) {
    if (fillable(param, ev)) continue;
    const schema = param.schema;
    const description = typeof schema.description === 'string' ? schema.description.slice(0, 80) : '';
    out.push({
      feature: 'slot_tool',
      id: 'missing_slot',
      category: 'aleatoric',
      evidence: `request maps to tool "${tool.name}" but nothing fills its required parameter "${name}"${description === '' ? '' : ` (${description})`}`,
      slot: `tool:${tool.name}.${name}`,
      question: { template: 'slot.tool', vars: { tool: tool.name, param: name.replace(/[_.]/g, ' '), description } },
    });
  }
}

export const toolSlots: Rule = { name: 'tool_slots', reads: [], run };
