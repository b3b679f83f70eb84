/**
 * The `limits` section of the config file: what one client may cost the proxy before Clarion
 * refuses it. Every limit has a default that is safe on the open internet; docs/security.md lists
 * them with the attack each one stops.
 */
import { z } from 'zod';

/** Node's timers overflow above 2^31-1 ms (they fire after 1 ms instead). */
export const MAX_TIMER_MS = 2_147_483_647;

const timerMs = z.number().int().min(0).max(MAX_TIMER_MS);

export const LimitsSchema = z
  .object({
    /** Deepest accepted nesting of a JSON body, checked in one linear pass before parsing. */
    maxJsonDepth: z.number().int().min(8).max(4096).default(128),
    /** Longest accepted client identifier (`model`, tenant, conversation id, request id). */
    maxIdentifierLength: z.number().int().min(16).max(4096).default(256),
    /** Time a client has to send the complete request headers (slowloris). 0 = no limit. */
    headersTimeoutMs: timerMs.default(10_000),
    /** Time a client has to send the whole request, headers and body. 0 = no limit. */
    requestTimeoutMs: timerMs.default(60_000),
    /** How long an idle keep-alive connection stays open between requests. */
    keepAliveTimeoutMs: timerMs.default(5_000),
    /** Open client connections; further connections are closed at once. 0 = no limit. */
    maxConnections: z.number().int().min(0).default(1_024),
    /** Body bytes held in memory across all requests still being received; beyond it new bodies get 503. */
    maxInflightBodyBytes: z
      .number()
      .int()
      .positive()
      .default(256 * 1024 * 1024),
  })
  .strict();
export type Limits = z.infer<typeof LimitsSchema>;
