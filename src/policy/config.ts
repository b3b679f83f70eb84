/** The `policy` section of the config file (where the policy lives, how it is reloaded, conversation memory). */
import { z } from 'zod';

export const PolicyConfigSchema = z
  .object({
    /** Path of the policy YAML file, relative to the config file. */
    file: z.string().default('policy.yaml'),
    /** Watch the file and reload on change (SIGHUP always reloads). */
    watch: z.boolean().default(true),
    /** A reload whose text changed but whose version did not: reject it (default), or accept it as a derived version `<version>+<hash8>`. */
    versionUnchanged: z.enum(['reject', 'derive']).default('reject'),
    /** How long a conversation's clarification count is remembered after its last clarification. */
    conversationTtlSeconds: z.number().int().positive().default(86_400),
    /** Longest wait for conversation memory (Redis) on the request path; on timeout the budget counts as spent. */
    memoryTimeoutMs: z.number().int().positive().default(50),
    /** Conversations remembered in process when no Redis is configured (least recently used dropped first). */
    memoryMaxEntries: z.number().int().positive().default(100_000),
  })
  .strict();
export type PolicyConfig = z.infer<typeof PolicyConfigSchema>;
