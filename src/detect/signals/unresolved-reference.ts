/**
 * unresolved_reference: "as above", "that one", "the file", or a pronoun ("make it shorter",
 * "is he right?") that has nothing to point at: no earlier turn, no attached material and no
 * noun before it in the request itself. Also the CLAMBER co-reference case: a he/she with two
 * candidate antecedents of the same gender in one sentence ("William told Joshua that he...").
 */
import {
  FEMALE_PERSON_FLAG,
  FEMALE_PRONOUN_FLAG,
  FRAME_VERB_FLAG,
  MALE_PERSON_FLAG,
  MALE_PRONOUN_FLAG,
  NEUTRAL_PERSON_FLAG,
  PRONOUN_FLAG,
  STOPWORD_FLAG,
} from '../lexicon.js';
import { snippet } from '../text.js';
import type { RequestView } from '../view.js';
import type { FindingSink, PriorFindings, Rule } from './rule.js';

const DEICTIC =
  /\b(?:as (?:mentioned |shown |discussed |described |stated |noted |said )?(?:above|before|earlier|previously)|the (?:above|aforementioned|former|latter)\b|the (?:previous|prior|same|other|last|earlier) (?:one|ones|file|document|code|version|answer|message|email|point|example|step|option|text|link|image|list|table)|that one|this one|the other one|those ones|the ones? (?:i|we) (?:mentioned|sent|shared|discussed|talked about|uploaded)|the (?:file|document|attachment|attached|link|screenshot|code|error|script|spreadsheet|pdf|snippet|transcript|draft)\b)/i;

// After "this"/"that", these make it a pronoun rather than a determiner.
const PRONOUN_FOLLOWERS = new Set([
  'is',
  "'s",
  'was',
  'means',
  'mean',
  'does',
  'do',
  'right',
  'correct',
  'ok',
  'okay',
  'good',
  'true',
  'work',
  'works',
  'for',
  'into',
  'to',
  'in',
  'better',
  'again',
  'please',
  'shorter',
  'longer',
  'and',
  'or',
  'about',
  'one',
]);
// Idioms where "it" points at nothing: "what time is it", "is it safe to...", "it rains".
const EXPLETIVE_AFTER = new Set(['to', 'that', 'rain', 'rains', 'raining', 'snow', 'snowing', 'take', 'takes', 'cost', 'costs', 'possible', 'true', 'like']);
const TIME_IT = /\bwhat (?:time|day|date|year|month) is it\b/i;
/** "will it be warm", "is it cold", "it gets dark": weather and daylight "it" points at nothing. */
const WEATHER_IT_VERBS = new Set(['be', 'is', 'was', 'gets', 'get', 'getting', 'feel', 'feels']);
const WEATHER_WORDS = new Set(
  'warm cold hot sunny rainy windy cloudy freezing chilly humid snowy stormy foggy dry wet mild dark light late early going'.split(' '),
);
/** A quotation right after the deictic phrase gives its content ("the error "file not found""). */
const QUOTE_AFTER = /^(?:\s+[a-z-]+){0,2}\s*[:\u2013\u2014-]?\s*["“«]/i;

/** Not a function word, frame verb or pronoun (lexicon PRONOUNS), and longer than one letter. */
function isContent(token: string, flags: number): boolean {
  return (flags & (STOPWORD_FLAG | FRAME_VERB_FLAG | PRONOUN_FLAG)) === 0 && token.length > 1;
}

/** "to" among tokens[from..from+4). */
function toWithin(tokens: readonly string[], from: number): boolean {
  const end = Math.min(tokens.length, from + 4);
  for (let j = from; j < end; j++) if (tokens[j] === 'to') return true;
  return false;
}

function run(view: RequestView, out: FindingSink, prior: PriorFindings): void {
  if (view.empty || prior.has('conversational_turn')) return;
  const answered = view.hasEarlierTurns || view.material.length > 0;
  const flags = view.tokenFlags;

  if (!answered) {
    const d = DEICTIC.exec(view.head);
    if (d !== null && !QUOTE_AFTER.test(view.head.slice(d.index + d[0].length, d.index + d[0].length + 40))) {
      out.push({
        feature: 'reference_deictic',
        id: 'unresolved_reference',
        category: 'linguistic',
        evidence: `"${snippet(view.head, d.index, d[0].length)}" refers to something not in the conversation`,
        question: { template: 'unresolved_reference', vars: { reference: d[0].trim() } },
      });
      return;
    }
    if (!TIME_IT.test(view.head) && !prior.has('missing_input')) {
      // A pronoun early in the request with no content word (potential antecedent) before it.
      const tokens = view.tokens;
      const limit = Math.min(tokens.length, 12);
      for (let i = 0; i < limit; i++) {
        const t = tokens[i] ?? '';
        const f = flags[i] ?? 0;
        if (isContent(t, f)) break;
        if ((f & PRONOUN_FLAG) === 0) continue;
        const next = tokens[i + 1];
        if ((t === 'this' || t === 'that' || t === 'these' || t === 'those') && next !== undefined && !PRONOUN_FOLLOWERS.has(next)) continue;
        if (t === 'it' && next !== undefined && (EXPLETIVE_AFTER.has(next) || toWithin(tokens, i + 1))) continue;
        if (t === 'it' && next !== undefined && WEATHER_IT_VERBS.has(next) && WEATHER_WORDS.has(tokens[i + 2] ?? '')) continue;
        if ((t === 'they' || t === 'them') && i > 3) continue;
        out.push({
          feature: 'reference_pronoun',
          id: 'unresolved_reference',
          category: 'linguistic',
          evidence: `"${t}" has no antecedent in the conversation`,
          question: { template: 'unresolved_reference', vars: { reference: t } },
        });
        return;
      }
    }
  }

  // Same-gender candidates before a third-person pronoun within the request.
  let males: string[] | undefined;
  let females: string[] | undefined;
  let neutrals: string[] | undefined;
  // Within the first sentences only: that is where a request's own antecedents are.
  const limit = Math.min(view.tokenCount, 80);
  for (let i = 0; i < limit; i++) {
    const f = flags[i] ?? 0;
    if ((f & (MALE_PRONOUN_FLAG | FEMALE_PRONOUN_FLAG | MALE_PERSON_FLAG | FEMALE_PERSON_FLAG | NEUTRAL_PERSON_FLAG)) === 0) continue;
    const t = view.tokenAt(i);
    if ((f & (MALE_PRONOUN_FLAG | FEMALE_PRONOUN_FLAG)) !== 0) {
      const pool = (f & MALE_PRONOUN_FLAG) !== 0 ? males : females;
      const candidates = [...new Set([...(pool ?? []), ...(neutrals ?? [])])];
      if (candidates.length >= 2) {
        out.push({
          feature: 'reference_ambiguous_antecedent',
          id: 'unresolved_reference',
          category: 'linguistic',
          evidence: `"${t}" could refer to ${candidates.slice(0, 3).join(' or ')}`,
          question: { template: 'ambiguous_antecedent', vars: { reference: t, candidates: candidates.slice(0, 3).join(' or ') } },
        });
        return;
      }
      continue;
    }
    if ((f & MALE_PERSON_FLAG) !== 0) (males ??= []).push(t);
    else if ((f & FEMALE_PERSON_FLAG) !== 0) (females ??= []).push(t);
    else if ((f & NEUTRAL_PERSON_FLAG) !== 0) (neutrals ??= []).push(t);
  }
}

/** Reads missing_input (a missing-input request's pronoun, "summarize it", is that rule's finding) and conversational ("thanks, that helps"). */
export const unresolvedReference: Rule = { name: 'unresolved_reference', reads: ['conversational', 'missing_input'], run };
