/**
 * The stored ambiguity event, schema v1. Defined once here; docs/events.md documents every field.
 * Both stores (Redis stream, file store), the spool, the CLI and `clarion replay` read this shape.
 */
import { z } from 'zod';
import { ProtocolIdSchema } from '../conversation.js';
import { CategorySchema, SignalIdSchema } from '../detect/assessment.js';
import { ActionSchema, ClarifyModeSchema } from '../policy/decision.js';
import { TokenUsageSchema } from '../protocols/observe.js';
import { RedactionModeSchema } from './config.js';

export const EVENT_SCHEMA_VERSION = 1;

export const VerdictSchema = z.enum(['needed', 'unneeded', 'helpful', 'unhelpful']);
export type Verdict = z.infer<typeof VerdictSchema>;

/** Feedback on one event, from an app (POST /v1/clarion/feedback) or a person (`clarion events label`). */
export const LabelSchema = z.object({
  verdict: VerdictSchema,
  /** Redacted like all stored text. */
  note: z.string().nullable(),
  /** ISO time the label was given. */
  time: z.string(),
  /** `api` (feedback endpoint) or `cli`. */
  source: z.string(),
});
export type Label = z.infer<typeof LabelSchema>;

export const StoredSignalSchema = z.object({
  id: SignalIdSchema,
  category: CategorySchema.nullable(),
  weight: z.number(),
  /** Redacted evidence span or reason. */
  evidence: z.string(),
  slot: z.string().optional(),
});
export type StoredSignal = z.infer<typeof StoredSignalSchema>;

export const StoredRequestSchema = z.object({
  /** The redaction mode the text was stored under. */
  mode: RedactionModeSchema,
  /** Last user turn, redacted (and truncated in `excerpt` mode); null in mode `none` or when there is no user turn. */
  text: z.string().nullable(),
  /** Whether `text` was cut to the excerpt length. */
  truncated: z.boolean(),
  /** sha256 (hex) of the raw last user turn: joins repeated requests without storing them. */
  sha256: z.string(),
  /** Length of the raw last user turn in characters. */
  chars: z.number().int().min(0),
  /** Turns in the conversation (user, assistant and tool). */
  turns: z.number().int().min(0),
  /** User turns in the conversation. */
  userTurns: z.number().int().min(0),
});
export type StoredRequest = z.infer<typeof StoredRequestSchema>;

export const ClarionEventSchema = z.object({
  v: z.literal(EVENT_SCHEMA_VERSION),
  id: z.string(),
  /** ISO 8601 UTC time the request arrived. */
  time: z.string(),
  instance: z.string(),
  requestId: z.string(),
  route: z.string(),
  protocol: ProtocolIdSchema,
  model: z.string(),
  upstream: z.string().nullable(),
  tenant: z.string().nullable(),
  conversationId: z.string(),
  policyVersion: z.string(),
  norm: z.string().nullable(),
  action: ActionSchema,
  mode: ClarifyModeSchema.nullable(),
  shadow: z.boolean(),
  /** Redacted decision reason. */
  reason: z.string(),
  escalateTo: z.object({ upstream: z.string().nullable(), model: z.string().nullable() }).nullable(),
  score: z.number(),
  categories: z.array(CategorySchema),
  signals: z.array(StoredSignalSchema),
  missingSlots: z.array(z.string()),
  /** What the user was asked (clarify/respond reply, or the clarify/instruct instruction), redacted. */
  question: z.string().nullable(),
  detectorVersion: z.string(),
  detectorMicros: z.number(),
  upstreamStatus: z.number().int().nullable(),
  upstreamMs: z.number().nullable(),
  errorCode: z.string().nullable(),
  request: StoredRequestSchema,
  /** Feedback labels, oldest first. Empty when written; stores merge stored labels in on read. */
  labels: z.array(LabelSchema),
  /**
   * Tokens the upstream reported for this request (zeros when Clarion answered itself, null when the
   * upstream reported none). Absent in events written before usage accounting.
   */
  usage: TokenUsageSchema.nullable().optional(),
  /** Whether the detector saw the request's earlier turns (`unknown`: pointed at but not remembered). Absent in older events. */
  context: z.enum(['known', 'unknown']).optional(),
  /**
   * The inline second opinion asked for this request (detector.secondOpinion, mode inline): how it
   * ended and, with a verdict, whether the judge found the request underspecified. Background
   * verdicts arrive later as a label with source `second-opinion`. Absent when none was asked.
   */
  secondOpinion: z
    .object({
      outcome: z.enum(['verdict', 'cached', 'timeout', 'error', 'garbage', 'refused', 'busy']),
      underspecified: z.boolean().nullable(),
      ms: z.number(),
    })
    .optional(),
  /** The upstream response's id (`chatcmpl-…`, `resp_…`, `msg_…`), or null. Absent in older events. */
  responseId: z.string().nullable().optional(),
});
export type ClarionEvent = z.infer<typeof ClarionEventSchema>;
