/**
 * The underspecification detector: assess(conversation) -> assessment. Pure and synchronous on
 * the request path; the weights are read once when a detector is created.
 *
 * Every signal's weight is its contribution to the calibrated logit, so
 *   logit(score) = baseline + Σ signal weights (+ wording contributions too small to report)
 * and the assessment explains itself.
 */
import type { Conversation } from '../conversation.js';
import type { Assessment, Category, Signal } from './assessment.js';
import type { DetectorConfig } from './config.js';
import { extractFeatures, featureName, RULE_INDEX, type FeatureVector } from './features.js';
import type { Finding, QuestionRef } from './finding.js';
import { calibrate, modelFromFile, rawScore, type Model, type WeightsFile } from './model.js';
import { composeQuestion, DEFAULT_QUESTION_TEMPLATES, type Templates } from './question.js';
import { runSignals } from './signals/index.js';
import { STOPWORDS } from './lexicon.js';
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

function wordingEvidence(x: FeatureVector, model: Model, positive: boolean): string {
  const top: Array<{ name: string; w: number }> = [];
  for (let i = 0; i < x.hashed.length; i++) {
    const w = model.hashed[x.hashed[i] ?? 0] ?? 0;
    const o = x.origin[i] ?? -1;
    if (o < 0 || (positive ? w <= 0 : w >= 0)) continue;
    top.push({ name: featureName(x.tokens, o), w: Math.abs(w) });
  }
  top.sort((p, q) => q.w - p.w);
  const names = [...new Set(top.slice(0, 4).map((t) => t.name))].filter((n) => n !== '');
  return names.map((n) => `"${n}"`).join(', ');
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

  constructor(model: Model, threshold: number, templates: Templates) {
    this.model = model;
    this.threshold = threshold;
    this.version = model.version;
    this.templates = { ...DEFAULT_QUESTION_TEMPLATES, ...templates };
  }

  assess(conversation: Conversation): Assessment {
    const view = buildView(conversation);
    const findings = runSignals(view);
    const x = extractFeatures(view, findings);
    const { raw, rulePart, hashedPart } = rawScore(this.model, x);
    const score = calibrate(this.model, raw);
    const a = this.model.a;

    // Findings of one feature share its contribution.
    const perFeature = new Map<string, number>();
    for (const f of findings) perFeature.set(f.feature, (perFeature.get(f.feature) ?? 0) + 1);
    const signals: Signal[] = [];
    const refs: Array<{ ref: QuestionRef; weight: number }> = [];
    for (const f of findings) {
      const i = RULE_INDEX.get(f.feature) ?? 0;
      const weight = round((a * (rulePart[i] ?? 0)) / (perFeature.get(f.feature) ?? 1));
      signals.push(toSignal(f, weight));
      if (f.question !== undefined && weight > 0) refs.push({ ref: f.question, weight });
    }
    const wording = a * hashedPart;
    if (wording >= WORDING_MIN) {
      const evidence = wordingEvidence(x, this.model, true);
      signals.push({ id: 'vague_request', category: 'aleatoric', weight: round(wording), evidence: `wording typical of requests that need clarification${evidence === '' ? '' : `: ${evidence}`}` });
      // The generic question only when no rule produced a specific one.
      if (refs.length === 0) {
        const topic = topicOf(view);
        refs.push({ ref: topic === '' ? { template: 'vague_request', vars: {} } : { template: 'vague_request.topic', vars: { topic } }, weight: wording });
      }
    } else if (wording <= -WORDING_MIN) {
      const evidence = wordingEvidence(x, this.model, false);
      signals.push({ id: 'clear_request', category: null, weight: round(wording), evidence: `wording typical of self-contained requests${evidence === '' ? '' : `: ${evidence}`}` });
    }
    signals.sort((p, q) => q.weight - p.weight);

    const categories = new Set<Category>();
    const missingSlots: string[] = [];
    for (const s of signals) {
      if (s.weight > 0 && s.category !== null) categories.add(s.category);
      if (s.id === 'missing_slot' && s.slot !== undefined && s.weight > 0 && !missingSlots.includes(s.slot)) missingSlots.push(s.slot);
    }
    const answered = findings.some((f) => f.feature === 'answered_clarification');
    refs.sort((p, q) => q.weight - p.weight);
    const suggestedQuestion = answered ? null : composeQuestion(refs.map((r) => r.ref), this.templates);
    return {
      score: round(score, 4),
      categories: CATEGORY_ORDER.filter((c) => categories.has(c)),
      signals,
      missingSlots,
      suggestedQuestion,
      detectorVersion: this.version,
    };
  }
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
