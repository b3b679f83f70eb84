/**
 * The `events` section of the config file. Owned by the event log; every field is documented in
 * docs/events.md ("Configuration").
 */
import { z } from 'zod';

export const RedactionModeSchema = z.enum(['none', 'excerpt', 'full']);
export type RedactionMode = z.infer<typeof RedactionModeSchema>;

/** Which decisions become events. Non-pass actions are always recorded. */
export const RecordingRulesSchema = z
  .object({
    /** A `pass` whose score is at or above this floor is recorded. */
    passScoreFloor: z.number().min(0).max(1).default(0.3),
    /** Share of the remaining passes recorded anyway, for base rates (deterministic by request id). */
    passSampleRate: z.number().min(0).max(1).default(0.01),
  })
  .strict();

function isRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

export const RedactionSchema = z
  .object({
    /** none: only a hash of the text; excerpt: redacted and truncated; full: redacted. */
    mode: RedactionModeSchema.default('excerpt'),
    /** Length of the stored excerpt in characters (mode `excerpt`). */
    excerptChars: z.number().int().positive().default(500),
    /** Extra regular expressions (deployment-specific secrets) replaced by [REDACTED:secret]. */
    extraPatterns: z.array(z.string().refine(isRegExp, 'not a valid regular expression')).default([]),
  })
  .strict();

export const RetentionSchema = z
  .object({
    /** Stream trimming: approximate MAXLEN (entries) or MINID (age in days). */
    strategy: z.enum(['maxlen', 'minid']).default('maxlen'),
    /** Approximate number of entries kept in the stream (strategy `maxlen`). */
    maxLen: z.number().int().positive().default(1_000_000),
    /** Days of events kept (strategy `minid` in Redis; the file store deletes older day segments). */
    days: z.number().int().positive().default(30),
    /** Days the per-day rollup hashes are kept (they outlive trimmed events on purpose). */
    rollupDays: z.number().int().positive().default(400),
    /**
     * Distinct `model` and tenant values counted per day and dimension in a rollup; later new
     * values are counted under `other` (client-chosen values cannot grow a rollup without bound).
     */
    rollupMaxValues: z.number().int().positive().default(500),
    /** Days the per-day id index (dedupe for exactly-once replay, `events show`) is kept. */
    indexDays: z.number().int().positive().default(14),
  })
  .strict();

export const WriterSchema = z
  .object({
    /** Bound of the in-memory queue; past it events go straight to the spool file. */
    queueCapacity: z.number().int().positive().default(10_000),
    /** Most events per Redis pipeline / file append. */
    batchSize: z.number().int().positive().default(256),
    /** Wait before a flush to gather a batch; 0 = next event-loop turn. */
    flushIntervalMs: z.number().int().min(0).default(0),
    /** After a failed Redis write, wait this long before replaying the spool. */
    retryMs: z.number().int().positive().default(1_000),
    /** Spool directory (default `<dataDir>/spool`). */
    spoolDir: z.string().optional(),
    /**
     * Redis with replicas: a batch counts as stored only once this many replicas have it (Redis WAIT,
     * capped at the replicas the master has), so a master lost before replicating cannot lose events:
     * unconfirmed batches are spooled and replayed (exactly once, by id). 0 = do not wait.
     */
    waitReplicas: z.number().int().min(0).default(0),
    /** Another instance's spool file untouched this long is adopted and replayed. */
    orphanSpoolAfterMs: z.number().int().positive().default(60_000),
  })
  .strict();

/** POST /v1/clarion/feedback: who may label (the capability key), how often and how much. */
export const FeedbackSchema = z
  .object({
    /** HMAC key of the event-id tokens (also CLARION_FEEDBACK_SECRET); set the same value on every instance. Default: a random key in `<dataDir>/feedback.key`. */
    secret: z.string().min(16).optional(),
    /** Feedback calls per client address per minute (token bucket). */
    ratePerMinute: z.number().int().positive().default(60),
    /** Calls a client may make at once before the rate applies. */
    burst: z.number().int().positive().default(20),
    /** Largest feedback body in bytes. */
    maxBodyBytes: z.number().int().min(256).max(1_048_576).default(4_096),
  })
  .strict();
export type FeedbackConfig = z.infer<typeof FeedbackSchema>;

export const EventsConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Event streams in Redis (each with its own index, rollups and labels, in its own Cluster slot); an event's shard is chosen by its id. */
    shards: z.number().int().min(1).max(256).default(1),
    record: RecordingRulesSchema.prefault({}),
    redaction: RedactionSchema.prefault({}),
    retention: RetentionSchema.prefault({}),
    writer: WriterSchema.prefault({}),
    feedback: FeedbackSchema.prefault({}),
  })
  .strict();
export type EventsConfig = z.infer<typeof EventsConfigSchema>;
