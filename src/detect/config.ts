/** The `detector` section of the config file. Owned by the detector. */
import { z } from 'zod';
import { SecondOpinionConfigSchema } from '../judge/config.js';

export const DetectorConfigSchema = z
  .object({
    /** Score at and above which a request counts as underspecified (the shipped calibrated threshold by default). */
    threshold: z.number().min(0).max(1).optional(),
    /** Overrides for clarifying-question templates, keyed by template id. */
    questionTemplates: z.record(z.string(), z.string()).default({}),
    /** Ask a model about grey-band requests (off unless present; the call is made by src/judge, not here). */
    secondOpinion: SecondOpinionConfigSchema.optional(),
  })
  .strict();
export type DetectorConfig = z.infer<typeof DetectorConfigSchema>;
