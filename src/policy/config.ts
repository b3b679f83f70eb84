/** The `policy` section of the config file (where the policy lives and how it is reloaded). */
import { z } from 'zod';

export const PolicyConfigSchema = z
  .object({
    /** Path of the policy YAML file, relative to the config file. */
    file: z.string().default('policy.yaml'),
    /** Watch the file and reload on change (SIGHUP always reloads). */
    watch: z.boolean().default(true),
  })
  .strict();
export type PolicyConfig = z.infer<typeof PolicyConfigSchema>;
