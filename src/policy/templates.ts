/**
 * Instruction and reply templates: text with `{placeholder}`s filled from the assessment and the
 * request. Templates are parsed once per policy (compileTemplate) and rendered per decision by
 * concatenating segments, so no regex runs on the request path.
 *
 * Placeholders: {question} {gaps} {readings} {assumed} {slots} {signals} {categories} {score} {norm} {model} {tenant}.
 * `{{` and `}}` stand for literal braces.
 */
import type { Assessment, Signal } from '../detect/assessment.js';
import { readingsOf, readingsPhrase } from './readings.js';

export const PLACEHOLDERS = ['question', 'gaps', 'readings', 'assumed', 'slots', 'signals', 'categories', 'score', 'norm', 'model', 'tenant'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
const PLACEHOLDER_SET: ReadonlySet<string> = new Set(PLACEHOLDERS);

/** A template split into literal text and placeholders, in order. */
export type CompiledTemplate = ReadonlyArray<string | { readonly key: Placeholder }>;

export type TemplateValues = Record<Placeholder, string>;

const TOKEN = /\{\{|\}\}|\{([^{}]*)\}/g;

/** Problems with a template's placeholders (empty when fine). `isQuestion`: the fallback question may not use {question}. */
export function templateProblems(text: string, isQuestion: boolean): string[] {
  const problems: string[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const name = match[1];
    if (name === undefined) continue;
    if (!PLACEHOLDER_SET.has(name)) problems.push(`unknown placeholder {${name}} (known: ${PLACEHOLDERS.map((p) => `{${p}}`).join(' ')})`);
    else if (isQuestion && name === 'question') problems.push('the fallback question cannot use {question}');
  }
  return problems;
}

export function compileTemplate(text: string): CompiledTemplate {
  const out: Array<string | { key: Placeholder }> = [];
  let literal = '';
  let last = 0;
  for (const match of text.matchAll(TOKEN)) {
    literal += text.slice(last, match.index);
    last = match.index + match[0].length;
    const name = match[1];
    if (name === undefined) {
      literal += match[0] === '{{' ? '{' : '}';
    } else if (PLACEHOLDER_SET.has(name)) {
      if (literal !== '') out.push(literal);
      literal = '';
      out.push({ key: name as Placeholder });
    } else {
      // Rejected by the schema; kept verbatim should a caller skip validation.
      literal += match[0];
    }
  }
  literal += text.slice(last);
  if (literal !== '') out.push(literal);
  return out;
}

export function renderTemplate(template: CompiledTemplate, values: TemplateValues): string {
  let out = '';
  for (const segment of template) out += typeof segment === 'string' ? segment : values[segment.key];
  return out;
}

const MAX_SPAN = 40;
// Evidence is a short reason that quotes the words it is about: `"it" has no antecedent ...`.
const QUOTED_SPAN = /["“«]([^"”»\n]{1,80})["”»]/;
const UNDERSCORES = /_/g;

/** The first quoted span of a signal's evidence, re-quoted and shortened; null when none. */
function quotedSpan(evidence: string): string | null {
  const match = QUOTED_SPAN.exec(evidence);
  const text = match?.[1]?.trim();
  if (text === undefined || text === '') return null;
  return `"${text.length > MAX_SPAN ? `${text.slice(0, MAX_SPAN - 1)}…` : text}"`;
}

/** Phrases for the slots the detector names; others are derived from the slot id. */
const SLOT_PHRASES: Record<string, string> = {
  input: 'the text or material the request refers to, which was not included',
  target_language: 'the target language',
  target_format: 'the target unit or format',
  recipient: 'the recipient',
  date: 'the date',
  time: 'the time',
  place: 'the place',
  party_size: 'the number of people',
  items: 'the items to compare',
  criteria: 'the criteria that matter most',
};

/** `target_language` -> `the target language`; `tool:get_weather.city` -> `the city (for get_weather)`. */
export function slotPhrase(slot: string): string {
  const known = SLOT_PHRASES[slot];
  if (known !== undefined) return known;
  if (slot.startsWith('tool:')) {
    const rest = slot.slice(5);
    const dot = rest.lastIndexOf('.');
    if (dot > 0) return `the ${rest.slice(dot + 1).replace(UNDERSCORES, ' ')} (for ${rest.slice(0, dot)})`;
    return `the arguments for ${rest}`;
  }
  return `the ${slot.replace(UNDERSCORES, ' ')}`;
}

/** A short noun phrase naming the gap a signal found, or null for signals that are not gaps. */
export function gapPhrase(signal: Signal): string | null {
  const span = quotedSpan(signal.evidence);
  switch (signal.id) {
    case 'missing_input':
      return SLOT_PHRASES.input as string;
    case 'missing_slot':
      return signal.slot !== undefined ? slotPhrase(signal.slot) : 'a detail the task needs';
    case 'unresolved_reference':
      return span !== null ? `what ${span} refers to` : 'what the request refers to';
    case 'unanchored_time_place': {
      const what = signal.slot === 'place' ? 'the place' : signal.slot === 'time' ? 'the time' : 'the time or place';
      return span !== null ? `${what} meant (for ${span})` : `${what} meant`;
    }
    case 'polysemy':
      return span !== null ? `which meaning of ${span} is meant` : 'which meaning of an ambiguous word is meant';
    case 'contradiction':
      return 'which of the conflicting requirements takes priority';
    case 'unfamiliar_entity':
      return span !== null ? `what ${span} is` : 'an unfamiliar name or term';
    case 'vague_request':
      return 'what exactly is wanted (the purpose, scope or details that matter)';
    case 'answered_clarification':
    case 'clear_request':
      return null;
    default:
      // A signal added to the detector later: it still shows in {signals}, just not named here.
      return null;
  }
}

/** `a`, `a and b`, `a, b and c`. */
export function joinPhrases(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** The gaps an assessment found, each named once, in signal order, then missing slots no signal named. */
export function gapPhrases(assessment: Assessment): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const add = (phrase: string | null): void => {
    if (phrase === null || seen.has(phrase)) return;
    seen.add(phrase);
    out.push(phrase);
  };
  for (const signal of assessment.signals) add(gapPhrase(signal));
  for (const slot of assessment.missingSlots) add(slotPhrase(slot));
  return out;
}

export const NO_GAPS_PHRASE = 'the details the request leaves open';

export interface TemplateFacts {
  assessment: Assessment;
  norm: string | null;
  model: string;
  tenant: string | null;
  /** What was assumed from precedent (`{assumed}`), when anything was. */
  assumed?: string;
}

/** Values for every placeholder; {question} falls back to the policy's question template. */
export function templateValues(facts: TemplateFacts, fallbackQuestion: CompiledTemplate): TemplateValues {
  const { assessment } = facts;
  const gaps = gapPhrases(assessment);
  const signals: string[] = [];
  for (const signal of assessment.signals) if (!signals.includes(signal.id)) signals.push(signal.id);
  const values: TemplateValues = {
    question: '',
    gaps: gaps.length > 0 ? joinPhrases(gaps) : NO_GAPS_PHRASE,
    readings: readingsPhrase(readingsOf(assessment)),
    assumed: facts.assumed ?? '',
    slots: assessment.missingSlots.join(', '),
    signals: signals.join(', '),
    categories: assessment.categories.join(', '),
    score: assessment.score.toFixed(2),
    norm: facts.norm ?? '',
    model: facts.model,
    tenant: facts.tenant ?? '',
  };
  const suggested = assessment.suggestedQuestion?.trim();
  values.question = suggested !== undefined && suggested !== '' ? suggested : renderTemplate(fallbackQuestion, values);
  return values;
}
