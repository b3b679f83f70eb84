/**
 * missing_slot (actions): a requested action whose essential parameters are absent from the
 * request and from the recent conversation: translate -> target language; book / reserve /
 * schedule -> date, time, place, party size; send / email -> recipient; convert -> target unit
 * or format; compare -> the items; "best X" / recommend -> criteria.
 */
import { keywords } from '../cues.js';
import { STOPWORDS } from '../lexicon.js';
import { snippet, tokenize } from '../text.js';
import type { RequestView } from '../view.js';
import type { FindingSink, Rule } from './rule.js';
import { mappedTool } from './tool-slots.js';
import { DATE, EMAIL_ADDRESS, hasPlace, hasTargetLanguage, PARTY_SIZE, TIME } from './patterns.js';

// A request frame in front of the verb: sentence start, "please", "can you", "I want to", "help me".
const FRAME = String.raw`(?:^|[.!?\n]\s*|\bplease\s+|\b(?:can|could|would|will)\s+you\s+(?:please\s+)?|\bi\s+(?:want|need|would like|'d like|wanna)\s+(?:you\s+)?to\s+|\bhelp\s+me\s+(?:to\s+)?|\blet'?s\s+|\bgo ahead and\s+)`;

const TRANSLATE_WORD = keywords('translate');
const WRITE_WORDS = keywords('write|draft|compose|prepare');
const MESSAGE_WORDS = keywords('e-?mail|emails|message|letter|note|text|memo|invitation|invite|reply|dm');
const WHICH_WORD = keywords('which');
const DIFFERENCE_WORDS = keywords('difference|differences|comparison|pros|side-by-side|differ');
const BOOK_WORDS = keywords('book|reserv|schedul|set up|arrang|plan', { prefix: true });
const SEND_WORDS = keywords('send|e-?mail|mail|text|message|forward|dm|ping');
const CONVERT_WORDS = keywords('convert|transform|export');
const COMPARE_WORD = keywords('compare');
const BEST_WORDS = keywords('recommend|suggest|best|top|greatest|ideal');
/** Every action below, as prefixes: one scan for all of them (most requests have none and stop there). */
const ANY_ACTION_WORDS = keywords(
  'translat|book|reserv|schedul|set up|arrang|plan|send|e-?mail|mail|text|message|forward|dm|ping|convert|transform|export|compar|recommend|suggest|best|top|greatest|ideal',
  {
    prefix: true,
  },
);

const TRANSLATE = new RegExp(`${FRAME}(${TRANSLATE_WORD.source})\\b`, 'i');
const BOOK = new RegExp(
  `${FRAME}(book|reserve|schedule|make a reservation|set up|arrange|plan)\\b\\s*(?:a|an|the|me|us|my|our)?\\s*(?:[a-z]+\\s+){0,2}?(table|restaurant|dinner|lunch|breakfast|brunch|reservation|flight|ticket|tickets|train|bus|hotel|room|stay|meeting|call|appointment|session|demo|interview|haircut|massage|class|lesson|tour|trip)?\\b`,
  'i',
);
const SEND = new RegExp(`${FRAME}(${SEND_WORDS.source})\\b`, 'i');
const CONVERT = new RegExp(`${FRAME}(${CONVERT_WORDS.source})\\b`, 'i');
const COMPARE = new RegExp(`${FRAME}(${COMPARE_WORD.source})\\b`, 'i');
const BEST =
  /\b(?:(recommend|suggest)\b(?:\s+(?:me|us|some|a|an|the|good|great|nice))*\s+([a-z-]+)|(?:what|which)(?:'s| is| are| would be)\s+the\s+(best|top|greatest|ideal)\s+([a-z-]+)|^(?:the\s+)?(best)\s+([a-z-]+))/i;

const HAS_BOOK = new RegExp(`\\b(?:${BOOK_WORDS.source})`);
const HAS_SEND = new RegExp(`\\b(?:${SEND_WORDS.source})\\b`);
const HAS_CONVERT = new RegExp(`\\b(?:${CONVERT_WORDS.source})\\b`);
const HAS_BEST = new RegExp(`\\b(?:${BEST_WORDS.source})\\b`);
const RECIPIENT =
  /\b(?:to|for|cc)\s+(?:my|our|the|his|her|their|all|everyone|everybody|team|him|her|them|[A-Z][\p{L}'’-]+)|\b(?:[Ee]-?mail|[Tt]ext|[Mm]essage|[Pp]ing|[Dd][Mm]|[Mm]ail)\s+(?:my|our|the|[A-Z][\p{L}'’-]+)\b/u;
const CONVERT_TARGET = /\b(?:to|into|in|as)\s+(?:a\s+|an\s+)?[\p{L}\d°]/u;
const COMPARE_ITEMS = /\bcompare\b\s+(?:the\s+)?[\p{L}\d][^.?!\n]{0,200}?\b(?:and|with|to|vs\.?|versus|against|or)\b\s+\S/iu;
const COMPARE_LIST = /\bcompare\b[^.?!\n]{0,200}?[:,]\s*\S/iu;
const CRITERIA =
  /\b(?:for (?:a |an |my |our |the )?[\p{L}-]+|under|below|less than|budget|cheap|cheapest|affordable|expensive|premium|price|\$|€|£|\d|that|which|who|with|without|like|similar to|near|in [A-Z]|beginner|beginners|advanced|kids|children|family|vegan|vegetarian|gluten|quiet|fast|lightweight|portable|waterproof|since|because|based on|according to)\b/u;

function pushSlot(out: FindingSink, slot: string, evidence: string, vars: Record<string, string>): void {
  out.push({
    feature: 'slot_action',
    id: 'missing_slot',
    category: 'aleatoric',
    evidence,
    slot,
    question: { template: `slot.${slot}`, vars },
  });
}

// "Write an email saying I'll be late": a message to be written for someone not named.
const WRITE_MESSAGE = new RegExp(
  `\\b(?:${WRITE_WORDS.source})\\s+(?:me\\s+)?(?:a|an|the|my|our|some)?\\s*(?:[a-z-]+\\s+){0,2}?(${MESSAGE_WORDS.source})\\b`,
  'i',
);
// A cover letter goes with an application, not to a person the request must name.
const COVER_LETTER = /\bcover (?:letter|note)\b/i;
// A named addressee: "to my manager", "to Sarah", "to hr@acme.com", "for the landlord"; or an address anywhere.
const ADDRESSEE = /\b(?:to|for|cc|addressed to)\s+(?:my|our|the|his|her|their|all|everyone|everybody|team|him|them|[A-Z][\p{L}'’-]+|[\w.+-]+@)/u;
// "Which one is better?", "Which is cheaper?", "Which should I pick?": a choice among items never named.
const WHICH_CHOICE = /^\s*which\s+(?:one|ones|of (?:them|these|those|the two|the three|both)|is|are|should|would|do|does|to)\b([^.!\n]{0,80})$/i;
const CHOICE_WORDS = /\b(?:better|worse|best|worst|more|less|prefer|pick|choose|recommend|go with|buy|get|\w{3,}er)\b/i;
const ITEMS_NAMED = /\b(?:or|vs\.?|versus|between|than)\b|,\s*\S/i;
// "What is the difference?", "Give me a side-by-side comparison.", "a pros and cons table of both".
const DIFFERENCE = /\b(?:differences?|comparison|pros and cons|side-by-side|differ)\b/i;
const DIFFERENCE_ITEMS =
  /\b(?:between|of|in|for|on)\s+(?!(?:them|these|those|both|the two|it|this|that)\b)[\p{L}\d][^.?!\n]{0,120}?\b(?:and|vs\.?|versus|or|to|with|from)\b\s+\S|\b(?:vs\.?|versus)\b|,\s*\S[^.?!\n]*\b(?:and|or)\b|\s(?:and|or)\s+(?!(?:them|these|those|it|this|that)\b)[\p{L}\d][^.?!\n]{0,80}?\s(?:differ|compare)\b/iu;

const ANY_ACTION = new RegExp(`\\b(?:${ANY_ACTION_WORDS.source})`);
const SLOT_CUES =
  WRITE_WORDS.bit |
  WHICH_WORD.bit |
  DIFFERENCE_WORDS.bit |
  TRANSLATE_WORD.bit |
  BOOK_WORDS.bit |
  SEND_WORDS.bit |
  CONVERT_WORDS.bit |
  COMPARE_WORD.bit |
  BEST_WORDS.bit;

/** The request head followed by the recent context (slot values may come from either). */
function casedOf(view: RequestView): string {
  return view.contextCased.length > 0 ? `${view.head}\n${view.contextCased}` : view.head;
}

function allTokensOf(view: RequestView): readonly string[] {
  return view.contextCased.length > 0 ? [...view.tokens, ...tokenize(view.contextLower)] : view.tokens;
}

/** Content words (3+ letters, not function words) in `text`. */
function contentWordCount(view: RequestView, text: string): number {
  let n = 0;
  for (const t of tokenize(text.toLowerCase())) if (t.length > 2 && !STOPWORDS.has(t)) n++;
  return n;
}

/** The items of a choice or a comparison: named in the request, or given by earlier turns or attached material. */
function itemsGap(view: RequestView, out: FindingSink): void {
  if (view.hasEarlierTurns || view.material.length > 0 || view.instruction.length > 200) return;
  const text = view.head;
  const which = (view.cues & WHICH_WORD.bit) !== 0 ? WHICH_CHOICE.exec(text) : null;
  if (which !== null) {
    const rest = which[1] ?? '';
    // "Which is the largest planet?" names its set (a noun); "which is faster?" does not.
    if (CHOICE_WORDS.test(rest) && !ITEMS_NAMED.test(rest) && contentWordCount(view, rest.replace(CHOICE_WORDS, ' ')) <= 1) {
      pushSlot(out, 'items', `"${snippet(text, which.index, which[0].length)}" does not say which options to choose between`, {});
      return;
    }
  }
  const diff = (view.cues & DIFFERENCE_WORDS.bit) !== 0 ? DIFFERENCE.exec(text) : null;
  if (diff !== null && !DIFFERENCE_ITEMS.test(text) && contentWordCount(view, text.slice(diff.index + diff[0].length)) <= 1) {
    pushSlot(out, 'items', `"${snippet(text, diff.index, diff[0].length + 30)}" does not say what to compare`, {});
  }
}

/** A message to write whose addressee is named nowhere (not in the request, the system text or earlier turns). */
function recipientGap(view: RequestView, out: FindingSink): void {
  if ((view.cues & WRITE_WORDS.bit) === 0 || (view.cues & MESSAGE_WORDS.bit) === 0 || view.hasEarlierTurns) return;
  const text = view.head;
  const write = WRITE_MESSAGE.exec(text);
  if (write === null || COVER_LETTER.test(text) || SEND.test(text) || ADDRESSEE.test(text.slice(write.index)) || EMAIL_ADDRESS.test(casedOf(view))) return;
  pushSlot(out, 'recipient', `"${snippet(text, write.index, write[0].length + 30)}" does not say who it is for`, {
    what: (write[1] ?? 'message').toLowerCase(),
  });
}

function run(view: RequestView, out: FindingSink): void {
  if (!view.empty) {
    itemsGap(view, out);
    if (mappedTool(view) === undefined) recipientGap(view, out);
  }
  // A request that maps to one of the app's tools is judged by that tool's schema (tool_slots), not by the action's usual slots.
  // Each check below needs its cue (a word it matches whole, or its prefix); without any of them nothing can fire.
  if (
    view.empty ||
    mappedTool(view) !== undefined ||
    (view.cues & ANY_ACTION_WORDS.bit) === 0 ||
    (view.cues & SLOT_CUES) === 0 ||
    !ANY_ACTION.test(view.headLower)
  )
    return;
  const text = view.head;
  // Slot values may come from the request or from the recent conversation (an earlier answer, the system prompt).
  // Both are built only when a rule below needs them.
  let cased: string | undefined;
  let contextTokens: readonly string[] | undefined;

  // Cheap keyword checks first: the framed regexes only run when their verb occurs at all.
  const lower = view.headLower;
  const tr = (view.cues & TRANSLATE_WORD.bit) !== 0 && lower.includes('translat') ? TRANSLATE.exec(text) : null;
  if (tr !== null && !hasTargetLanguage((contextTokens ??= allTokensOf(view)))) {
    pushSlot(out, 'target_language', `"${snippet(text, tr.index, tr[0].length + 20)}" names no target language`, {});
  }

  const book = (view.cues & BOOK_WORDS.bit) !== 0 && HAS_BOOK.test(lower) ? BOOK.exec(text) : null;
  if (book !== null) {
    const verb = (book[1] ?? '').toLowerCase();
    const object = (book[2] ?? '').toLowerCase();
    const dining = /table|restaurant|dinner|lunch|breakfast|brunch|reservation/.test(object);
    const travel = /flight|ticket|train|bus|hotel|room|stay|trip|tour/.test(object);
    // "plan" / "set up" / "arrange" without a bookable object are too broad to have slots.
    if (object !== '' || verb === 'book' || verb === 'reserve' || verb === 'schedule') {
      const what = object === '' ? verb : object;
      const missing: string[] = [];
      cased ??= casedOf(view);
      if (!DATE.test(cased)) missing.push('date');
      if (!travel && !TIME.test(cased)) missing.push('time');
      if ((dining || travel) && !hasPlace(cased, contextTokens ?? allTokensOf(view))) missing.push('place');
      if (dining && !PARTY_SIZE.test(cased)) missing.push('party_size');
      for (const slot of missing) {
        pushSlot(out, slot, `"${snippet(text, book.index, book[0].length)}" without a ${slot.replace('_', ' ')}`, { what });
      }
    }
  }

  const send = (view.cues & SEND_WORDS.bit) !== 0 && HAS_SEND.test(lower) ? SEND.exec(text) : null;
  if (send !== null) {
    const rest = text.slice(send.index);
    if (!RECIPIENT.test(rest) && !EMAIL_ADDRESS.test(cased ?? casedOf(view))) {
      pushSlot(out, 'recipient', `"${snippet(text, send.index, send[0].length + 30)}" names no recipient`, { what: (send[1] ?? 'it').toLowerCase() });
    }
  }

  const conv = (view.cues & CONVERT_WORDS.bit) !== 0 && HAS_CONVERT.test(lower) ? CONVERT.exec(text) : null;
  if (conv !== null && !CONVERT_TARGET.test(text.slice(conv.index + conv[0].length))) {
    pushSlot(out, 'target_format', `"${snippet(text, conv.index, conv[0].length + 30)}" names no target unit or format`, {});
  }

  const cmp = (view.cues & COMPARE_WORD.bit) !== 0 && lower.includes('compare') ? COMPARE.exec(text) : null;
  if (cmp !== null) {
    const rest = text.slice(cmp.index);
    if (!COMPARE_ITEMS.test(rest) && !COMPARE_LIST.test(rest) && view.material.length === 0 && !view.hasEarlierTurns) {
      pushSlot(out, 'items', `"${snippet(text, cmp.index, cmp[0].length + 30)}" does not say what to compare`, {});
    }
  }

  const best = (view.cues & BEST_WORDS.bit) !== 0 && HAS_BEST.test(lower) ? BEST.exec(text) : null;
  if (best !== null) {
    const thing = (best[2] ?? best[4] ?? best[6] ?? 'option').toLowerCase();
    const rest = text.slice(best.index + best[0].length);
    if (!CRITERIA.test(rest) && !view.hasEarlierTurns) {
      out.push({
        feature: 'slot_criteria',
        id: 'missing_slot',
        category: 'aleatoric',
        evidence: `"${snippet(text, best.index, best[0].length)}" gives no criteria (budget, purpose, taste)`,
        slot: 'criteria',
        question: { template: 'slot.criteria', vars: { what: thing } },
      });
    }
  }
}

export const missingSlot: Rule = { name: 'missing_slot', reads: [], run };
