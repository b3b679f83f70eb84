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
    /** Request header naming the end user, for precedent with scope `user` (else the body's `user` / `metadata.user_id`). Never forwarded. */
    userHeader: z
      .string()
      .min(1)
      .regex(/^[a-z0-9-]+$/, 'a lower-case header name')
      .default('x-clarion-user'),
  })
  .strict();
export type PolicyConfig = z.infer<typeof PolicyConfigSchema>;

/** The `policyCard` section: the plain-language policy card served to the people it affects. */
export const PolicyCardConfigSchema = z
  .object({
    /** Serve the card of the policy in force at `GET /v1/clarion/policy-card` (no auth). */
    public: z.boolean().default(false),
  })
  .strict();
