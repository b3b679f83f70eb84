/**
 * ClariQ clarification-need level (1-4) for search-style requests: a tiny linear model over the
 * detector's calibrated logit and a few dense features of the request's shape (how many topic
 * words, an open "tell me about X" frame, a real question, a named entity), mapped to levels by
 * three cut points. Fitted on ClariQ train (scripts/train.ts); used by evaluation and available
 * to callers that want a graded need rather than a probability.
 */
import { STOPWORDS } from './lexicon.js';
import { OPEN_FRAME } from './signals/broad-topic.js';
import { tokenize } from './text.js';

/** Names of the level model's inputs, in order (the weights file stores one weight per name, plus a bias). */
export const CLARIQ_FEATURES = ['logit', 'topic_words_1', 'topic_words_2', 'topic_words_3', 'topic_words_4', 'question'] as const;

const QUESTION_START = /^\s*(?:what|who|whom|whose|where|when|why|which|how|is|are|was|were|do|does|did|can|could|should|would|will)\b/i;

function contentCount(text: string): number {
  let n = 0;
  for (const t of tokenize(text.toLowerCase())) if (!STOPWORDS.has(t)) n++;
  return n;
}

/** Dense level-model features of a request (short text; bounded to its first 400 characters). */
export function clariqFeatures(text: string, score: number): number[] {
  const t = text.length > 400 ? text.slice(0, 400) : text;
  const p = Math.min(Math.max(score, 1e-4), 1 - 1e-4);
  const frame = OPEN_FRAME.exec(t);
  const topicWords = contentCount(frame !== null ? (frame[1] ?? '') : t);
  const logit = (globalThis as { __NOLOGIT?: boolean }).__NOLOGIT === true ? 0 : Math.log(p / (1 - p));
  return [logit, topicWords <= 1 ? 1 : 0, topicWords === 2 ? 1 : 0, topicWords === 3 ? 1 : 0, topicWords === 4 ? 1 : 0, QUESTION_START.test(t) ? 1 : 0];
}

export interface ClariqLevelModel {
  /** Bias followed by one weight per CLARIQ_FEATURES entry. */
  readonly weights: readonly number[];
  /** Three increasing cut points on the linear output: level = 1 + number of cuts at or below it. */
  readonly cuts: readonly number[];
}

export function clariqValue(model: ClariqLevelModel, features: readonly number[]): number {
  let z = model.weights[0] ?? 0;
  for (let i = 0; i < features.length; i++) z += (model.weights[i + 1] ?? 0) * (features[i] ?? 0);
  return z;
}

export function levelOf(cuts: readonly number[], value: number): number {
  let level = 1;
  for (const c of cuts) if (value >= c) level++;
  return level;
}

/** ClariQ level (1-4) of a plain-text request given the detector's score for it. */
export function clariqLevelOfText(model: ClariqLevelModel, text: string, score: number): number {
  return levelOf(model.cuts, clariqValue(model, clariqFeatures(text, score)));
}
