/**
 * The normalized conversation: the one shape every wire protocol (OpenAI Chat Completions,
 * OpenAI Responses, Anthropic Messages) is mapped to by its adapter in `src/protocols/`.
 * The detector, the policy and the event log only ever see this shape, never a wire format.
 */
import { z } from 'zod';

export const ProtocolIdSchema = z.enum(['openai-chat', 'openai-responses', 'anthropic-messages']);
export type ProtocolId = z.infer<typeof ProtocolIdSchema>;

/** One piece of content inside a turn. Non-text material is only noted as present. */
export const PartSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('image') }),
  z.object({ type: z.literal('file'), name: z.string().optional() }),
  z.object({ type: z.literal('audio') }),
]);
export type Part = z.infer<typeof PartSchema>;

/** A tool call the assistant made in an earlier turn (name and raw JSON arguments). */
export const ToolCallSchema = z.object({
  name: z.string(),
  arguments: z.string(),
});
export type ToolCall = z.infer<typeof ToolCallSchema>;

/**
 * One turn. `tool` turns carry tool results (their text counts as attached material).
 * System/developer messages are not turns: they are joined into `Conversation.system`.
 */
export const TurnSchema = z.object({
  role: z.enum(['user', 'assistant', 'tool']),
  parts: z.array(PartSchema),
  toolCalls: z.array(ToolCallSchema).optional(),
});
export type Turn = z.infer<typeof TurnSchema>;

/** A tool the app offers the model, with its JSON-schema parameters as sent. */
export const ToolDefinitionSchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
});
export type ToolDefinition = z.infer<typeof ToolDefinitionSchema>;

/**
 * Earlier turns exist but are not in this request: the request points at them by reference
 * (Responses `previous_response_id` or `conversation`). The detector then knows it cannot see the
 * context; a caller that remembers those turns can put them back (withRememberedTurns).
 */
export const PriorContextSchema = z.object({
  kind: z.enum(['previous_response_id', 'conversation']),
  id: z.string(),
});
export type PriorContext = z.infer<typeof PriorContextSchema>;

export const ConversationSchema = z.object({
  protocol: ProtocolIdSchema,
  model: z.string(),
  /** All system / developer / `instructions` text, joined with blank lines, in order. */
  system: z.string(),
  turns: z.array(TurnSchema),
  tools: z.array(ToolDefinitionSchema),
  stream: z.boolean(),
  /** Set when earlier turns exist elsewhere (see PriorContextSchema); absent when the request carries its whole conversation. */
  priorContext: PriorContextSchema.optional(),
  /**
   * What the app requires of the reply that a free-text question would break, each as the wire
   * field says it (`response_format: json_schema`, `tool_choice: required`, `n: 3`). Absent when
   * the app takes any text reply.
   */
  replyConstraints: z.array(z.string()).optional(),
  /** The end user's id as the app sent it in the body (`user` / `safety_identifier`, `metadata.user_id`); hashed before use. */
  user: z.string().optional(),
});
export type Conversation = z.infer<typeof ConversationSchema>;

/** Text of a turn's text parts, joined by newlines. */
export function turnText(turn: Turn): string {
  let out = '';
  for (const part of turn.parts) {
    if (part.type !== 'text') continue;
    out = out.length === 0 ? part.text : `${out}\n${part.text}`;
  }
  return out;
}

/** The last user turn, or undefined when the conversation has none. */
export function lastUserTurn(conversation: Conversation): Turn | undefined {
  for (let i = conversation.turns.length - 1; i >= 0; i--) {
    const turn = conversation.turns[i];
    if (turn !== undefined && turn.role === 'user') return turn;
  }
  return undefined;
}

/**
 * The conversation with remembered earlier turns (oldest first) put before its own: its context is
 * then known, so `priorContext` is dropped.
 */
export function withRememberedTurns(conversation: Conversation, remembered: readonly Turn[]): Conversation {
  const { priorContext: _resolved, ...rest } = conversation;
  return { ...rest, turns: [...remembered, ...conversation.turns] };
}

/** Convenience for tests, the CLI and datasets: a single user turn with no system text. */
export function conversationFromText(text: string, model = 'unknown'): Conversation {
  return {
    protocol: 'openai-chat',
    model,
    system: '',
    turns: [{ role: 'user', parts: [{ type: 'text', text }] }],
    tools: [],
    stream: false,
  };
}
