/**
 * What a signal rule reports before the model weighs it: which model feature it drives, the
 * public signal id and category, its evidence, and the question template that would resolve it.
 */
import type { Category, SignalId } from './assessment.js';

/**
 * Named model features driven by rules. The learned weight of each is pulled towards its prior
 * (see PRIOR_WEIGHTS): features the public datasets never exercise (attached material, earlier
 * turns, tools) keep the prior that reflects what they mean.
 */
export const RULE_FEATURES = [
  'missing_input',
  'material_for_action',
  'reference_deictic',
  'reference_pronoun',
  'reference_ambiguous_antecedent',
  'slot_action',
  'slot_criteria',
  'slot_tool',
  'unanchored_place',
  'unanchored_time',
  'polysemy_term',
  'polysemy_title',
  'contradiction',
  'unfamiliar_entity',
  'answered_clarification',
  'clear_constraints',
  'clear_context',
  'non_english',
  'specific_content',
  'broad_topic',
  'specific_question',
  'conversational_turn',
  'unanchored_work',
  'deferred_answer',
  'open_task',
  'unlabelled_examples',
] as const;
export type RuleFeature = (typeof RULE_FEATURES)[number];

/** Priors (logit units, before calibration) for rule features; the regulariser pulls towards these. */
export const PRIOR_WEIGHTS: Record<RuleFeature, number> = {
  missing_input: 3.0,
  material_for_action: -1.5,
  reference_deictic: 2.5,
  reference_pronoun: 2.0,
  reference_ambiguous_antecedent: 0.5,
  slot_action: 2.5,
  slot_criteria: 1.0,
  slot_tool: 3.0,
  unanchored_place: 1.5,
  unanchored_time: 1.0,
  polysemy_term: 1.5,
  polysemy_title: 1.0,
  contradiction: 3.0,
  unfamiliar_entity: 1.0,
  answered_clarification: -4.0,
  clear_constraints: -0.4,
  clear_context: -1.0,
  non_english: -2.0,
  specific_content: -0.3,
  broad_topic: 0.5,
  specific_question: -1.0,
  conversational_turn: -4.0,
  unanchored_work: 1.5,
  deferred_answer: 2.0,
  open_task: 1.5,
  unlabelled_examples: 3.0,
};

export interface QuestionRef {
  /** Template id (see question.ts). */
  readonly template: string;
  readonly vars: Readonly<Record<string, string>>;
}

export interface Finding {
  readonly feature: RuleFeature;
  readonly id: SignalId;
  readonly category: Category | null;
  readonly evidence: string;
  readonly slot?: string;
  /** Feature value contributed (default 1); findings of one feature share its contribution. */
  readonly value?: number;
  readonly question?: QuestionRef;
}
