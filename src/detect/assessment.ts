/**
 * The detector's output for one request. Defined once here; the policy, the event log and the
 * CLI all consume this shape.
 */
import { z } from 'zod';

/** CLAMBER's taxonomy: epistemic (unfamiliar entity, contradiction), aleatoric (missing what/when/where/whom), linguistic (polysemy, co-reference). */
export const CategorySchema = z.enum(['epistemic', 'aleatoric', 'linguistic']);
export type Category = z.infer<typeof CategorySchema>;

export const SignalIdSchema = z.enum([
  'missing_input',
  'unresolved_reference',
  'missing_slot',
  'unanchored_time_place',
  'polysemy',
  'contradiction',
  'unfamiliar_entity',
  'answered_clarification',
  'clear_request',
  /** The learned wording model (hashed word n-grams) pushes the score up; evidence names the words. */
  'vague_request',
]);
export type SignalId = z.infer<typeof SignalIdSchema>;

export const SignalSchema = z.object({
  id: SignalIdSchema,
  /** null for signals that lower the score (answered_clarification, clear_request). */
  category: CategorySchema.nullable(),
  /** Contribution to the score's logit; negative weights make the request clearer. */
  weight: z.number(),
  /** The text span that triggered it, or a short reason. */
  evidence: z.string(),
  /** For missing_slot: which slot (e.g. `target_language`, `recipient`, `tool:get_weather.city`). */
  slot: z.string().optional(),
});
export type Signal = z.infer<typeof SignalSchema>;

/**
 * The request's feature vector in sparse form, as the model saw it: the rule features that fired
 * (name -> value) and the hashed lexical feature ids present (each with value 1: presence). Events
 * store it so that a detector can be retrained from events even when no text was kept.
 */
export const SparseFeaturesSchema = z.object({
  /** Bits of the hashed index space the ids live in (a model with other bits cannot use them). */
  hashBits: z.number().int(),
  rule: z.record(z.string(), z.number()),
  hashed: z.array(z.number().int().min(0)),
});
export type SparseFeatures = z.infer<typeof SparseFeaturesSchema>;

export const AssessmentSchema = z.object({
  score: z.number().min(0).max(1),
  categories: z.array(CategorySchema),
  signals: z.array(SignalSchema),
  missingSlots: z.array(z.string()),
  suggestedQuestion: z.string().nullable(),
  /**
   * Whether the detector saw the request's context: `unknown` when earlier turns exist but were not
   * in the request (Responses `previous_response_id` / `conversation` with nothing remembered), so
   * no gap that those turns could fill (a reference, material, a slot) is claimed. Absent in
   * assessments recorded before this field existed: read as `known`.
   */
  context: z.enum(['known', 'unknown']).optional(),
  /** Identifies the weights/rules that produced this assessment, stored with every event. */
  detectorVersion: z.string(),
  /** The feature vector the score was computed from (the linear detector fills it in). */
  features: SparseFeaturesSchema.optional(),
});
export type Assessment = z.infer<typeof AssessmentSchema>;
