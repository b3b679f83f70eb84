/**
 * The underspecification detector: assess(conversation) -> assessment. Pure and synchronous on
 * the request path; the weights are read once when a detector is created.
 *
 * Every signal's weight is its contribution to the calibrated logit, so
 *   logit(score) = baseline + Σ signal weights (+ wording contributions too small to report)
 * and the assessment explains itself.
 */
import type { Conversation } from '../conversation.js';
import type { Assessment, Category, Signal, SparseFeatures } from './assessment.js';
import type { DetectorConfig } from './config.js';
import { createFeatureBuffer, featurize, HASH_BITS, RULE_INDEX, tokenIndex, type FeatureBuffer } from './features.js';
import { RULE_FEATURES, type Finding, type QuestionRef } from './finding.js';
import { calibrate, modelFromFile, type Model, type WeightsFile } from './model.js';
import { composeQuestion, DEFAULT_QUESTION_TEMPLATES, type Templates } from './question.js';
import { runSignals } from './signals/index.js';
import { STOPWORDS } from './lexicon.js';
import { TokenScratch } from './scan.js';
import { normalizeConversation } from './normalize.js';
import { buildView, type RequestView } from './view.js';
import { SHIPPED_THRESHOLD } from './shipped.js';
import { readWeightsFile } from './weights.js';

export interface Detector {
  assess(conversation: Conversation): Assessment;
  readonly threshold: number;
  readonly version: string;
}

export interface DetectorOptions extends Partial<DetectorConfig> {
  /** Use these weights instead of reading models/detector.json (tests, training). */
  weights?: WeightsFile;
}

/** Wording contributions (calibrated logit units) at least this large become a signal. */
const WORDING_MIN = 0.5;
const CATEGORY_ORDER: readonly Category[] = ['epistemic', 'aleatoric', 'linguistic'];
const ABOUT_TOPIC = /\b(?:about|on|regarding|information on|info on|for)\s+([^.?!\n]{2,60})/i;

/** The strongest EVIDENCE_WORDS wording features of one sign are named in the evidence. */
const EVIDENCE_WORDS = 4;

/** Per-call working memory of one detector, reused (assess is synchronous, so calls never overlap). */
class Scratch {
  readonly tokens = new TokenScratch();
  readonly features: FeatureBuffer = createFeatureBuffer();
  readonly rulePart = new Float64Array(RULE_FEATURES.length);
  readonly perFeature = new Int32Array(RULE_FEATURES.length);
  /** The weight of each hashed feature of this call (looked up once: the evidence reads them again). */
  readonly hashedWeights = new Float64Array(this.features.hashed.length);
  readonly topWeight = new Float64Array(EVIDENCE_WORDS);
  readonly topOrigin = new Int32Array(EVIDENCE_WORDS);
}

function wordingEvidence(scratch: Scratch, view: RequestView, positive: boolean): string {
  const buf = scratch.features;
  const weights = scratch.hashedWeights;
  const TOP_W = scratch.topWeight;
  const TOP_ORIGIN = scratch.topOrigin;
  // The first four of a stable sort by |weight| descending (ties keep first-seen order), without sorting them all.
  let k = 0;
  for (let i = 0; i < buf.count; i++) {
    const w = weights[i] ?? 0;
    const o = buf.origin[i] ?? -1;
    if (o < 0 || (positive ? w <= 0 : w >= 0)) continue;
    const a = Math.abs(w);
    if (k === EVIDENCE_WORDS && a <= (TOP_W[EVIDENCE_WORDS - 1] ?? 0)) continue;
    let j = k < EVIDENCE_WORDS ? k++ : EVIDENCE_WORDS - 1;
    while (j > 0 && (TOP_W[j - 1] ?? 0) < a) {
      TOP_W[j] = TOP_W[j - 1] ?? 0;
      TOP_ORIGIN[j] = TOP_ORIGIN[j - 1] ?? 0;
      j--;
    }
    TOP_W[j] = a;
    TOP_ORIGIN[j] = o;
  }
  let out = '';
  const names: string[] = [];
  for (let i = 0; i < k; i++) {
    const name = featureNameAt(view, TOP_ORIGIN[i] ?? 0);
    if (name === '' || names.includes(name)) continue;
    names.push(name);
    out = out === '' ? `"${name}"` : `${out}, "${name}"`;
  }
  return out;
}

/** featureName over the view's tokens (origin positions count the tokens the features read). */
function featureNameAt(view: RequestView, origin: number): string {
  const pos = origin >> 1;
  const total = view.tokenCount;
  const token = view.tokenAt(tokenIndex(total, pos));
  if ((origin & 1) === 0) return token;
  return pos === 0 ? `^${token}` : `${view.tokenAt(tokenIndex(total, pos - 1))} ${token}`;
}

function topicOf(view: RequestView): string {
  const m = ABOUT_TOPIC.exec(view.instruction);
  if (m !== null) return (m[1] ?? '').trim();
  // A bare topic ("figs", "rock art"): the whole request is the topic.
  const content = view.tokens.filter((t) => !STOPWORDS.has(t));
  return content.length > 0 && content.length === view.tokens.length && content.length <= 3 ? content.join(' ') : '';
}

class LinearDetector implements Detector {
  readonly threshold: number;
  readonly version: string;
  private readonly model: Model;
  private readonly templates: Templates;
  private readonly scratch = new Scratch();

  constructor(model: Model, threshold: number, templates: Templates) {
    this.model = model;
    this.threshold = threshold;
    this.version = model.version;
    this.templates = { ...DEFAULT_QUESTION_TEMPLATES, ...templates };
  }

  assess(conversation: Conversation): Assessment {
    const scratch = this.scratch;
    const view = buildView(normalizeConversation(conversation), scratch.tokens);
    const findings = runSignals(view);
    const buf = scratch.features;
    featurize(view, findings, buf);
    const model = this.model;
    // Same arithmetic, in the same order, as rawScore (model.ts), without its allocations.
    const rule = buf.rule;
    const rulePart = scratch.rulePart;
    let raw = model.bias;
    for (let i = 0; i < rule.length; i++) {
      const v = (rule[i] ?? 0) * (model.rule[i] ?? 0);
      rulePart[i] = v;
      raw += v;
    }
    let hashedPart = 0;
    const weights = scratch.hashedWeights;
    for (let i = 0; i < buf.count; i++) {
      const w = model.hashed.get(buf.hashed[i] ?? 0);
      weights[i] = w;
      hashedPart += w;
    }
    const score = calibrate(model, raw + hashedPart);
    const a = model.a;

    // Findings of one feature share its contribution.
    const perFeature = scratch.perFeature;
    perFeature.fill(0);
    for (const f of findings) {
      const k = RULE_INDEX.get(f.feature) ?? 0;
      perFeature[k] = (perFeature[k] ?? 0) + 1;
    }
    const signals: Signal[] = [];
    const refs: Array<{ ref: QuestionRef; weight: number }> = [];
    for (const f of findings) {
      const i = RULE_INDEX.get(f.feature) ?? 0;
      const weight = round((a * (rulePart[i] ?? 0)) / (perFeature[i] || 1));
      signals.push(toSignal(f, weight));
      if (f.question !== undefined && weight > 0) refs.push({ ref: f.question, weight });
    }
    const wording = a * hashedPart;
    if (wording >= WORDING_MIN) {
      const evidence = wordingEvidence(scratch, view, true);
      signals.push({
        id: 'vague_request',
        category: 'aleatoric',
        weight: round(wording),
        evidence: `wording typical of requests that need clarification${evidence === '' ? '' : `: ${evidence}`}`,
      });
      // The generic question only when no rule produced a specific one.
      if (refs.length === 0) {
        const topic = topicOf(view);
        refs.push({ ref: topic === '' ? { template: 'vague_request', vars: {} } : { template: 'vague_request.topic', vars: { topic } }, weight: wording });
      }
    } else if (wording <= -WORDING_MIN) {
      const evidence = wordingEvidence(scratch, view, false);
      signals.push({
        id: 'clear_request',
        category: null,
        weight: round(wording),
        evidence: `wording typical of self-contained requests${evidence === '' ? '' : `: ${evidence}`}`,
      });
    }
    signals.sort((p, q) => q.weight - p.weight);

    let categoryBits = 0;
    const missingSlots: string[] = [];
    for (const s of signals) {
      if (s.weight > 0 && s.category !== null) categoryBits |= 1 << CATEGORY_ORDER.indexOf(s.category);
      if (s.id === 'missing_slot' && s.slot !== undefined && s.weight > 0 && !missingSlots.includes(s.slot)) missingSlots.push(s.slot);
    }
    // No question after an answered one, nor for a greeting or a thank-you.
    let answered = false;
    for (let i = 0; i < findings.length; i++) {
      const feature = (findings[i] as Finding).feature;
      if (feature === 'answered_clarification' || feature === 'conversational_turn') answered = true;
    }
    let suggestedQuestion: string | null = null;
    if (!answered && refs.length > 0) {
      refs.sort((p, q) => q.weight - p.weight);
      suggestedQuestion = composeQuestion(
        refs.map((r) => r.ref),
        this.templates,
      );
    }
    const categories: Category[] = [];
    for (let i = 0; i < CATEGORY_ORDER.length; i++) if ((categoryBits & (1 << i)) !== 0) categories.push(CATEGORY_ORDER[i] as Category);
    return {
      score: round(score, 4),
      categories,
      signals,
      missingSlots,
      suggestedQuestion,
      context: view.contextUnknown ? 'unknown' : 'known',
      detectorVersion: this.version,
      features: sparseFeatures(buf),
    };
  }
}

/** A copy of the buffer's features in sparse form (the buffer is reused by the next call). */
function sparseFeatures(buf: FeatureBuffer): SparseFeatures {
  const rule: Record<string, number> = {};
  for (let i = 0; i < buf.rule.length; i++) {
    const v = buf.rule[i] ?? 0;
    if (v !== 0) rule[RULE_FEATURES[i] as string] = v;
  }
  return { hashBits: HASH_BITS, rule, hashed: Array.from(buf.hashed.subarray(0, buf.count)) };
}

function toSignal(f: Finding, weight: number): Signal {
  const s: Signal = { id: f.id, category: f.category, weight, evidence: f.evidence };
  if (f.slot !== undefined) s.slot = f.slot;
  return s;
}

function round(v: number, digits = 3): number {
  const p = 10 ** digits;
  return Math.round(v * p) / p;
}

export function createDetector(config?: DetectorOptions): Detector {
  const file = config?.weights ?? readWeightsFile();
  const model = modelFromFile(file);
  return new LinearDetector(model, config?.threshold ?? model.threshold, config?.questionTemplates ?? {});
}

let defaultDetector: Detector | undefined;

/** Assesses with a lazily created default detector (shipped weights and threshold). */
export function assess(conversation: Conversation): Assessment {
  defaultDetector ??= createDetector();
  return defaultDetector.assess(conversation);
}

/** The shipped calibrated threshold (written by `npm run train` together with models/detector.json). */
export const DEFAULT_THRESHOLD: number = SHIPPED_THRESHOLD;
