/**
 * The contract every wire-protocol adapter fulfils. Only files in `src/protocols/` know what an
 * OpenAI Chat, OpenAI Responses or Anthropic Messages body looks like.
 */
import type { Conversation, ProtocolId } from '../conversation.js';
import type { ClarionError } from '../errors.js';
import type { ResponseReader } from './observe.js';

export type ApiFamily = 'openai' | 'anthropic';

/** A parsed JSON request body (top-level object). */
export type JsonObject = Record<string, unknown>;

/** Where an injected instruction goes relative to the app's own system text. */
export type InstructionPlacement = 'append' | 'prepend';

/** A reply Clarion composes itself (clarify/respond, defer) instead of calling the upstream. */
export interface SyntheticReply {
  text: string;
  /** Echoed from the request. */
  model: string;
  stream: boolean;
  /**
   * What the text is — a clarifying question or a notice (a deferral) — for replies that must be
   * JSON (`response_format` / `text.format` json_object): `{"question": text}` or `{"message": text}`.
   */
  kind?: 'question' | 'notice';
}

export interface RenderedBody {
  status: number;
  contentType: string;
  /** Complete body for JSON; for SSE the frames in order (each a complete `event:`/`data:` block). */
  chunks: string[];
}

export interface ProtocolAdapter {
  readonly id: ProtocolId;
  readonly family: ApiFamily;
  /** Maps a parsed body to the normalized conversation. Throws ClarionError(CLARION_INVALID_REQUEST) on a body of the wrong shape. */
  toConversation(body: JsonObject): Conversation;
  /** Returns a copy of `body` carrying `instruction` where this protocol expects system text. */
  injectInstruction(body: JsonObject, instruction: string, placement: InstructionPlacement): JsonObject;
  /** Returns a copy of `body` asking for another model. */
  withModel(body: JsonObject, model: string): JsonObject;
  /** True when the body asks for a streamed reply. */
  isStream(body: JsonObject): boolean;
  /** Renders an assistant reply Clarion composed itself, exactly as the upstream API would. */
  renderReply(reply: SyntheticReply, body: JsonObject): RenderedBody;
  /** Renders a Clarion error in this protocol's error shape (JSON, never a stack trace). */
  renderError(error: ClarionError): RenderedBody;
  /** One SSE frame carrying `error` in this protocol's streaming error shape, for failures after the stream started. */
  renderStreamError(error: ClarionError): string;
  /** Reads this protocol's responses (JSON and SSE) as they stream through: id, model, text, usage (./observe.ts). */
  readonly responses: ResponseReader;
}
