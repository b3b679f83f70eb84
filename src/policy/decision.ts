/**
 * What the policy decides for one request, and the request facts it decides on. Pure data.
 */
import { z } from 'zod';
import { ProtocolIdSchema } from '../conversation.js';

export const ActionSchema = z.enum(['pass', 'annotate', 'clarify', 'defer', 'escalate']);
export type Action = z.infer<typeof ActionSchema>;

/**
 * instruct: the model asks one question; respond: Clarion replies with the question; interpret:
 * the model answers briefly under the most plausible readings and invites the user to pick (or
 * Clarion lists the readings itself, `interpretBy: clarion`).
 */
export const ClarifyModeSchema = z.enum(['instruct', 'respond', 'interpret']);
export type ClarifyMode = z.infer<typeof ClarifyModeSchema>;

/** Facts about the request that norms can match on besides the assessment. No secrets in here. */
/** Headers that carry a credential: never logged, never stored, never in a RequestContext, never matched by a norm. */
export const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'x-api-key',
  'api-key',
  'cookie',
  'set-cookie',
  'proxy-authorization',
  'x-goog-api-key',
]);

export const RequestContextSchema = z.object({
  protocol: ProtocolIdSchema,
  /** The route path, e.g. `/v1/chat/completions`. */
  route: z.string(),
  model: z.string(),
  /** Tenant label from the configured header, or a hash of the API key (never the key). */
  tenant: z.string().nullable(),
  /** Lower-cased request headers with secrets removed (authorization, x-api-key, cookie...). */
  headers: z.record(z.string(), z.string()),
  /** Request `metadata` object from the body when present (string values only). */
  metadata: z.record(z.string(), z.string()),
  /** Stable id for the conversation (header `x-clarion-conversation-id` or derived from its first turns). */
  conversationId: z.string(),
  /** Clarifications Clarion already initiated in this conversation (from conversation memory). */
  clarificationsSoFar: z.number().int().min(0),
  /** The app asked to opt out (header); honoured only where the policy allows. */
  optOut: z.boolean(),
  /**
   * What the app requires of the reply that a question would break (`response_format: json_schema`,
   * `tool_choice: required`, `n: 2`), from the conversation. Absent or empty: none.
   */
  replyConstraints: z.array(z.string()).optional(),
  /** Hash of the user id (configured header, body `user` / `metadata.user_id`), `user:<hex>`; absent when the request names none. */
  user: z.string().optional(),
  /** Earlier answers to the request's gaps (kind -> answer), read from precedent memory when a norm with `precedent` is about to ask. */
  precedents: z.record(z.string(), z.string()).optional(),
});
export type RequestContext = z.infer<typeof RequestContextSchema>;

export const DecisionSchema = z.object({
  action: ActionSchema,
  /** Set for clarify (instruct|respond|interpret). */
  mode: ClarifyModeSchema.nullable(),
  /** Name of the norm that matched, or null when defaults applied. */
  norm: z.string().nullable(),
  policyVersion: z.string(),
  /** Decided and recorded but not applied: the request is forwarded unchanged. */
  shadow: z.boolean(),
  /** For annotate and clarify/instruct: the instruction to inject. */
  instruction: z.string().nullable(),
  /** Where the instruction goes relative to the app's system text. */
  placement: z.enum(['append', 'prepend']),
  /** For clarify/respond and defer: the assistant reply Clarion sends itself. */
  reply: z.string().nullable(),
  /** For escalate: where to send the request instead. */
  escalateTo: z.object({ upstream: z.string().nullable(), model: z.string().nullable() }).nullable(),
  /** Human-readable why (e.g. `norm "ask-when-vague": score 0.81 >= 0.7`, `clarification budget spent`). */
  reason: z.string(),
  /** Whether policy/assessment failed and the request fails open. */
  failClosed: z.boolean(),
  /** clarify whose norm opted into precedent: whose answers to remember, and for how long. */
  precedent: z.object({ scope: z.enum(['user', 'tenant']), ttlSeconds: z.number().int().positive() }).optional(),
  /** The gap kinds filled from precedent instead of asking (the decision is then annotate). */
  assumed: z.array(z.string()).optional(),
});
export type Decision = z.infer<typeof DecisionSchema>;
