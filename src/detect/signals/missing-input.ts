/**
 * missing_input: the user asks to work on material ("summarize this", "proofread my essay",
 * "translate the following") and no such material is anywhere in the conversation (no attachment,
 * no tool result, no earlier text, nothing after the instruction). When material is present the
 * same match is evidence of a clear, self-contained task (material_for_action).
 */
import type { ToolDefinition } from '../../conversation.js';
import { keywords } from '../cues.js';
import type { RequestView } from '../view.js';
import type { FindingSink, Rule } from './rule.js';
import { STOPWORDS } from '../lexicon.js';
import { snippet } from '../text.js';

const ACTIONS = keywords(
  'summari[sz]e|sum up|tl;?dr|translate|proofread|proof-read|rewrite|re-write|rephrase|paraphrase|reword|fix|correct|edit|improve|polish|shorten|condense|review|analy[sz]e|critique|debug|refactor|explain|grade|check|format|simplify|reply to|respond to|answer|continue|finish|convert|classify|categori[sz]e|extract|transcribe|describe',
);
const MATERIAL_NOUNS =
  'text|document|doc|essay|article|paper|e-?mail|mail|message|letter|code|snippet|function|script|program|query|file|files|pdf|report|paragraph|passage|sentence|sentences|poem|story|chapter|transcript|notes|resume|résumé|cv|page|post|tweet|contract|draft|error|bug|stack ?trace|logs?|output|table|spreadsheet|data|dataset|csv|json|image|picture|photo|screenshot|diagram|chart|graph|slides?|presentation|lyrics|content|thread|conversation|recording|video|audio|list|words?|question|questions|review|abstract|summary|proposal|speech|bio';

// The action, optional particles, then a deictic object or a possessed/definite material noun.
// Every repetition is bounded, so this stays linear on adversarial input.
const MISSING_INPUT = new RegExp(
  `\\b(${ACTIONS.source})\\b(?:\\s+(?:up|over|out|through|me|for me|please|quickly)){0,2}\\s+(?:(this|these|that|the following|following|below|above|attached|it)\\b(?!\\s+(?:is|are|was|were|means|one)\\b)(?:\\s+([a-z-]+))?|(?:the|my|our|this|that|these|those|his|her|their|attached|following|above|below|enclosed)\\s+(?:[a-z-]+\\s+){0,2}?(${MATERIAL_NOUNS})\\b)`,
  'i',
);
// "translate into French" with nothing to translate.
const TRANSLATE_BARE = /\btranslate\s+(?:(?:it|this|that)\s+)?(?:in)?to\s+[a-z]+\s*[.!?]?\s*$/i;
/** A quotation opening right after the matched material noun (optionally after a colon or dash). */
const QUOTED_NEXT = /^(?:\s+[a-z-]+){0,2}\s*[:\u2013\u2014-]?\s*["“«]/i;
// Tools that can fetch material themselves (read_file, fetch_url, search_docs...).
const FETCHING_TOOL = /(?:read|get|fetch|open|load|search|browse|retrieve|download|lookup|query)/i;

/**
 * NOUN_ONLY = /^(?:MATERIAL_NOUNS)$/i over the word after a deictic, as a set lookup. That word is
 * [a-z-]+ under /i without the u flag, so ASCII letters and hyphens only: the lower-cased word is
 * one of the alternatives' ASCII spellings (optional parts expanded; "stack ?trace" and "résumé"
 * can only match as "stacktrace" / never).
 */
const NOUN_WORDS: ReadonlySet<string> = new Set(
  MATERIAL_NOUNS.replace('e-?mail', 'email|e-mail')
    .replace('stack ?trace', 'stacktrace')
    .replace('logs?', 'log|logs')
    .replace('slides?', 'slide|slides')
    .replace('words?', 'word|words')
    .split('|'),
);

function run(view: RequestView, out: FindingSink): void {
  // Both regexes need an action word (TRANSLATE_BARE: "translate", one of them); the cue says whether one occurs.
  if (view.empty || (view.cues & ACTIONS.bit) === 0) return;
  const text = view.head;
  let match = MISSING_INPUT.exec(text);
  let action = '';
  let noun = '';
  let span = '';
  let index = 0;
  if (match !== null) {
    action = (match[1] ?? '').toLowerCase();
    const deictic = match[2];
    const after = match[3];
    noun = (match[4] ?? (after !== undefined && NOUN_WORDS.has(after.toLowerCase()) ? after : '')).toLowerCase();
    span = match[0];
    index = match.index;
    // "explain this" alone is a missing-input request; "explain this concept of X" is not, unless a material noun follows.
    const afterIsContent = after !== undefined && !STOPWORDS.has(after.toLowerCase());
    if (deictic !== undefined && afterIsContent && noun === '' && deictic.toLowerCase() !== 'the following') {
      match = null;
    }
  }
  if (match === null) {
    const bare = TRANSLATE_BARE.exec(text);
    if (bare === null) return;
    action = 'translate';
    span = bare[0];
    index = bare.index;
  }
  const materialNoun = noun === '' ? 'text' : noun;
  let canFetch = false;
  for (let i = 0; i < view.tools.length && !canFetch; i++) canFetch = FETCHING_TOOL.test((view.tools[i] as ToolDefinition).name);
  // Earlier turns held elsewhere may carry the material: no claim either way.
  if (view.contextUnknown && view.material.length === 0 && !canFetch) return;
  // "translate the sentence "Where is the station?" into Japanese": the material is quoted right after its noun.
  const quoted = QUOTED_NEXT.test(text.slice(index + span.length, index + span.length + 40));
  if (view.material.length > 0 || canFetch || quoted) {
    out.push({
      feature: 'material_for_action',
      id: 'clear_request',
      category: null,
      evidence: `material to ${action} is present (${quoted ? 'quoted in the request' : canFetch && view.material.length === 0 ? 'a tool can fetch it' : view.material.join(', ')})`,
    });
    return;
  }
  out.push({
    feature: 'missing_input',
    id: 'missing_input',
    category: 'aleatoric',
    evidence: `"${snippet(text, index, span.length)}" but no ${materialNoun} is attached or quoted anywhere in the conversation`,
    slot: 'input',
    question: { template: 'missing_input', vars: { material: materialNoun, action } },
  });
}

export const missingInput: Rule = { name: 'missing_input', reads: [], run };
