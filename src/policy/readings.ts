/**
 * The readings of an ambiguous request that the detector can name, for clarify's interpret mode:
 * the senses of a polysemous term ("mercury": the planet, the element or the god), the works a
 * bare title could name (the book or the film), the candidate antecedents of a pronoun ("he":
 * john or peter). They are read from the signals' evidence, whose wording the detector fixes
 * (src/detect/signals/polysemy.ts, unresolved-reference.ts; test/policy/readings.test.ts runs the
 * real detector so a change of wording fails there). Places, periods and editions the detector
 * does not name: the model names those itself.
 *
 * Pure; runs only when an interpret decision is rendered.
 */
import type { Assessment, Signal } from '../detect/assessment.js';

/** One ambiguous span and the two or three most plausible things it could mean. */
export interface Reading {
  /** The span, quoted: `"mercury"`. */
  about: string;
  /** What it could mean, most plausible first: `the planet`, `the element`, `the god`. */
  options: string[];
}

/** At most this many options per span: the instruction asks for two or three readings. */
export const MAX_OPTIONS = 3;

const SENSES = /^"([^"]{1,60})" has several common senses \(([^)]{1,200})\)/;
const TITLE = /^"([^"]{1,60})" could name a book, a film/;
const ANTECEDENTS = /^"([^"]{1,20})" could refer to (.{1,200})$/;
const LIST_SEPARATOR = /,\s*|\s+or\s+/;

function options(list: string): string[] {
  const out: string[] = [];
  for (const item of list.split(LIST_SEPARATOR)) {
    const option = item.trim();
    if (option !== '' && !out.includes(option)) out.push(option);
    if (out.length === MAX_OPTIONS) break;
  }
  return out;
}

/** The reading a signal names, or null when it names none. */
export function readingOf(signal: Signal): Reading | null {
  if (signal.id === 'polysemy') {
    const senses = SENSES.exec(signal.evidence);
    if (senses !== null) return { about: `"${senses[1]}"`, options: options(senses[2] ?? '') };
    const title = TITLE.exec(signal.evidence);
    if (title !== null) return { about: `"${title[1]}"`, options: ['the book', 'the film'] };
    return null;
  }
  if (signal.id === 'unresolved_reference') {
    const candidates = ANTECEDENTS.exec(signal.evidence);
    if (candidates !== null) return { about: `"${candidates[1]}"`, options: options(candidates[2] ?? '') };
  }
  return null;
}

/** Every reading the assessment names, one per span, each with at least two options. */
export function readingsOf(assessment: Assessment): Reading[] {
  const out: Reading[] = [];
  for (const signal of assessment.signals) {
    const reading = readingOf(signal);
    if (reading === null || reading.options.length < 2 || out.some((r) => r.about === reading.about)) continue;
    out.push(reading);
  }
  return out;
}

/** `{readings}` when none is named: the model chooses them. */
export const UNNAMED_READINGS = 'the ones you judge most plausible from the request';

/** `a`, `a or b`, `a, b or c`. */
function joinOr(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** `"mercury" as the planet, the element or the god; "he" as john or peter`. */
export function readingsPhrase(readings: readonly Reading[]): string {
  if (readings.length === 0) return UNNAMED_READINGS;
  return readings.map((r) => `${r.about} as ${joinOr(r.options)}`).join('; ');
}
