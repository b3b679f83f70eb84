/**
 * polysemy: a head term with several common senses and nothing around it that settles which
 * ("tell me about mercury"), or a bare title that could name several works ("what is the plot
 * of Shopgirl?" — the novel or the film?). Not when the context settles the sense (a sense cue:
 * "reverse a list in Python", "ounces in a pound"), nor for a term inside a multi-word proper
 * name or title ("Apple Music", "Romeo and Juliet"): the name itself says which.
 */
import { FRAME_VERBS, POLYSEMOUS, STOPWORDS, WORK_KINDS } from '../lexicon.js';
import { tokenize } from '../text.js';
import type { RequestView } from '../view.js';
import type { FindingSink, Rule } from './rule.js';

const TITLE_QUESTION =
  /\b(?:plot|genre|author|director|theme|themes|main character|characters|cast|ending|setting|premise|storyline|moral)\s+(?:of|in)\s+(?:the\s+)?["“]?([A-Z][\p{L}\d'’-]*(?:\s+[A-Z][\p{L}\d'’-]*){0,4})/u;
// Words of the question frame that do not settle a sense.
const FRAME = new Set([
  'meaning',
  'mean',
  'means',
  'definition',
  'define',
  'facts',
  'fact',
  'common',
  'features',
  'uses',
  'use',
  'purpose',
  'significance',
  'importance',
  'history',
  'overview',
  'everything',
  'more',
  'learn',
  'interested',
  'looking',
  'search',
  'symptoms',
  'value',
  'process',
  'types',
  'examples',
  'example',
]);

// Words that join the parts of a multi-word name ("Romeo and Juliet", "Bank of England").
const NAME_JOINERS = new Set(['and', 'of', 'the', '&', 'de', 'la', 'von', 'van']);
const WORD_AT_END = /([\p{L}\d&'’-]+)[^\p{L}\d&'’-]*$/u;
const WORD_AT_START = /^[^\p{L}\d&'’-]*([\p{L}\d&'’-]+)/u;
const SENTENCE_END = /[.!?:\n]\s*$/;
const SENTENCE_BREAK = /[.!?:;\n]/;
const WORD_CHAR = /[\p{L}\d]/u;

function capitalised(word: string | undefined): boolean {
  if (word === undefined || word.length === 0) return false;
  const c = word.charCodeAt(0);
  return c >= 65 && c <= 90;
}

/**
 * Is the word at head[start, end) part of a multi-word proper name: capitalised, with a
 * capitalised neighbour (possibly across one joiner like "and" / "of"). A capitalised word at the
 * start of a sentence is not a neighbour (sentence case, not a name).
 */
function inMultiWordName(head: string, start: number, end: number): boolean {
  if (!capitalised(head.slice(start, start + 1))) return false;
  // Forward: "Apple Music", "Bank of England" (no sentence break in between).
  let after = head.slice(end, end + 60);
  for (let hop = 0; hop < 2; hop++) {
    const next = WORD_AT_START.exec(after);
    if (next === null || SENTENCE_BREAK.test(after.slice(0, next.index + next[0].length - (next[1] ?? '').length))) break;
    const word = next[1] ?? '';
    if (hop === 0 && NAME_JOINERS.has(word.toLowerCase())) {
      after = after.slice(next.index + next[0].length);
      continue;
    }
    if (capitalised(word)) return true;
    break;
  }
  // Backward: "Romeo and Juliet", "Monty Python" — but the first word of a sentence is capitalised anyway.
  let before = head.slice(Math.max(0, start - 60), start);
  if (SENTENCE_BREAK.test(before.slice(-3))) return false;
  for (let hop = 0; hop < 2; hop++) {
    const prev = WORD_AT_END.exec(before);
    if (prev === null) return false;
    const word = prev[1] ?? '';
    const rest = before.slice(0, prev.index);
    if (hop === 0 && NAME_JOINERS.has(word.toLowerCase())) {
      before = rest;
      continue;
    }
    return capitalised(word) && rest.trim() !== '' && !SENTENCE_END.test(rest);
  }
  return false;
}

/** Position of `term` as a whole word in the lower-cased head, or -1. */
function wordIndex(headLower: string, term: string): number {
  let i = headLower.indexOf(term);
  while (i >= 0) {
    const before = i === 0 ? '' : headLower.charAt(i - 1);
    const after = headLower.charAt(i + term.length);
    if (!WORD_CHAR.test(before) && !WORD_CHAR.test(after)) return i;
    i = headLower.indexOf(term, i + 1);
  }
  return -1;
}

/** A title of two or more words ("Pride and Prejudice", "The Great Gatsby"): specific enough to name one work. */
const MULTI_WORD_TITLE = /^\s+(?:(?:and|of|the|&)\s+)?["“]?[A-Z]/;

function run(view: RequestView, out: FindingSink): void {
  if (view.empty || view.tokenCount > 40) return;
  const tokens = view.tokens;
  let context: ReadonlySet<string> | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const raw = tokens[i] ?? '';
    const t = POLYSEMOUS.has(raw) ? raw : raw.endsWith('s') && POLYSEMOUS.has(raw.slice(0, -1)) ? raw.slice(0, -1) : '';
    if (t === '') continue;
    const entry = POLYSEMOUS.get(t);
    if (entry === undefined) continue;
    let cued = false;
    let content = 0;
    for (const u of tokens) {
      if (entry.cues.has(u)) cued = true;
      if (u !== raw && !STOPWORDS.has(u) && !FRAME_VERBS.has(u) && !FRAME.has(u) && u.length > 2) content++;
    }
    if (!cued && view.contextCased.length > 0) {
      context ??= new Set(tokenize(view.contextLower));
      for (const cue of entry.cues) if (context.has(cue)) cued = true;
    }
    if (cued || content > 1) continue;
    // "plot of Shopgirl" is the title rule's case (which work), not the word's senses.
    if (t === 'plot' && TITLE_QUESTION.test(view.head)) continue;
    const at = wordIndex(view.headLower, raw);
    if (at >= 0 && inMultiWordName(view.head, at, at + raw.length)) continue;
    out.push({
      feature: 'polysemy_term',
      id: 'polysemy',
      category: 'linguistic',
      evidence: `"${raw}" has several common senses (${entry.senses}) and nothing says which`,
      question: { template: 'polysemy', vars: { term: raw, senses: entry.senses } },
    });
    return;
  }
  const title = TITLE_QUESTION.exec(view.head);
  if (title !== null && !view.hasEarlierTurns) {
    for (const t of tokens) if (WORK_KINDS.has(t)) return;
    const name = title[1] ?? '';
    const afterTitle = view.head.slice(title.index + title[0].length, title.index + title[0].length + 40);
    if (name.includes(' ') || MULTI_WORD_TITLE.test(afterTitle)) return;
    out.push({
      feature: 'polysemy_title',
      id: 'polysemy',
      category: 'linguistic',
      evidence: `"${name}" could name a book, a film or another work, and the request does not say which`,
      question: { template: 'polysemy.title', vars: { term: name } },
    });
  }
}

export const polysemy: Rule = { name: 'polysemy', reads: [], run };
