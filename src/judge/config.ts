/**
 * `detector.secondOpinion`: asking a model about requests whose local score falls in the grey
 * band. Off unless the section is present. Documented in docs/configuration.md and
 * docs/detection.md (Second opinion).
 */
import { z } from 'zod';

export const SecondOpinionConfigSchema = z
  .object({
    /** Name of a configured upstream the judge model is reached through. */
    upstream: z.string().min(1),
    /** Model asked (e.g. a small local model, or a cheap hosted one). */
    model: z.string().min(1),
    /** Local scores in [lo, hi] (inclusive) are asked about; outside it the local score decides alone. */
    band: z
      .tuple([z.number().min(0).max(1), z.number().min(0).max(1)])
      .refine(([lo, hi]) => lo <= hi, { message: 'band must be [lo, hi] with lo <= hi' })
      .default([0.35, 0.65]),
    /** inline: wait at most timeoutMs for the verdict before deciding; background: decide on the local score, label the event with the verdict later. */
    mode: z.enum(['inline', 'background']).default('background'),
    /** Longest a call may take; an inline request then goes on with the local score. */
    timeoutMs: z.number().int().positive().default(1_500),
    /** Calls in flight at most; a request over the cap is decided on the local score alone. */
    maxConcurrent: z.number().int().positive().default(4),
    /** How long a verdict is reused for the same request (by hash); 0 turns the cache off. */
    cacheTtlS: z.number().int().min(0).default(3_600),
  })
  .strict();
export type SecondOpinionConfig = z.infer<typeof SecondOpinionConfigSchema>;
