/**
 * Anthropic Messages (`POST /v1/messages`).
 *
 * Mapping to the conversation:
 * - `system` (a string or an array of text blocks) -> `system`;
 * - messages (role user|assistant, content a string or blocks): text -> text parts, image -> image,
 *   document -> file (named by its title), tool_use -> `toolCalls` (input serialised to a JSON string,
 *   the conversation's argument type);
 * - tool_result blocks become `tool` turns of their own, placed before what remains of the user
 *   message. Anthropic carries tool results inside user messages, but they are attached material,
 *   not the user's words: splitting them keeps "the last user turn" the user's actual request, the
 *   same as for OpenAI, where tool results are separate `tool` messages.
 * - thinking / redacted_thinking / server tool blocks carry nothing the detector reads and are skipped.
 * - `tools`: client tools by name; server tools (web_search...) by name, or type when unnamed.
 */
import type { Conversation, Part, ToolCall, ToolDefinition, Turn } from '../conversation.js';
import { anthropicMessagesResponses } from './anthropic-messages-response.js';
import { renderAnthropicError, renderAnthropicStreamError } from './error-shapes.js';
import {
  constraintsOf,
  forcedToolConstraint,
  eventFrame,
  invalid,
  isObject,
  isStream,
  joinBlock,
  jsonBody,
  mapObjects,
  optionalArray,
  randomId,
  requireArray,
  requireModel,
  schemaConstraint,
  sseBody,
  streamFlag,
  textPartOf,
  textParts,
  toolDefinition,
  userIdOf,
  withInstructionText,
  withKey,
  withModel,
} from './shared.js';
import type { InstructionPlacement, JsonObject, ProtocolAdapter, RenderedBody, SyntheticReply } from './types.js';

function systemOf(body: JsonObject): string {
  const system = body.system;
  if (system === undefined || system === null) return '';
  if (typeof system === 'string') return system;
  if (!Array.isArray(system)) invalid('"system" must be a string or an array of text blocks');
  let text = '';
  for (let i = 0; i < system.length; i++) {
    const block: unknown = system[i];
    if (!isObject(block) || typeof block.text !== 'string') invalid(`"system[${i}].text" must be a string`);
    text = joinBlock(text, block.text);
  }
  return text;
}

/** Parts of a tool_result's content (a string or text/image/document blocks). */
function toolResultParts(content: unknown, where: string): Part[] {
  if (typeof content === 'string') return textParts(content);
  if (!Array.isArray(content)) return [];
  return mapObjects(content, where, blockPart);
}

/** The part for a text/image/document block (the block is `where[index]`); undefined for other block types. */
function blockPart(block: JsonObject, where: string, index: number): Part | undefined {
  switch (block.type) {
    case 'text':
      return textPartOf(block, where, index);
    case 'image':
      return { type: 'image' };
    case 'document':
      return typeof block.title === 'string' ? { type: 'file', name: block.title } : { type: 'file' };
    default:
      return undefined;
  }
}

function pushMessage(turns: Turn[], message: JsonObject, index: number): void {
  const role = message.role;
  if (role !== 'user' && role !== 'assistant') invalid(`"messages[${index}].role" must be "user" or "assistant"`);
  const content = message.content;
  if (typeof content === 'string') {
    turns.push({ role, parts: textParts(content) });
    return;
  }
  if (!Array.isArray(content)) invalid(`"messages[${index}].content" must be a string or an array of blocks`);
  const parts: Part[] = [];
  let toolCalls: ToolCall[] | undefined;
  let onlyToolResults = content.length > 0;
  const where = `messages[${index}].content`;
  for (let i = 0; i < content.length; i++) {
    const block: unknown = content[i];
    if (!isObject(block)) invalid(`"${where}[${i}]" must be an object`);
    if (block.type === 'tool_result') {
      turns.push({ role: 'tool', parts: toolResultParts(block.content, `${where}[${i}].content`) });
      continue;
    }
    onlyToolResults = false;
    const part = blockPart(block, where, i);
    if (part !== undefined) {
      parts.push(part);
      continue;
    }
    if (block.type === 'tool_use') {
      if (typeof block.name !== 'string') invalid(`"${where}[${i}].name" must be a string`);
      (toolCalls ??= []).push({ name: block.name, arguments: JSON.stringify(block.input ?? {}) });
    }
  }
  // A user message that only carried tool results is fully represented by its tool turns.
  if (onlyToolResults) return;
  const turn: Turn = { role, parts };
  if (toolCalls !== undefined) turn.toolCalls = toolCalls;
  turns.push(turn);
}

function toolsOf(body: JsonObject): ToolDefinition[] {
  return mapObjects(optionalArray(body, 'tools'), 'tools', toolOf);
}

/** A client tool by name, a server tool (web_search...) by name or, when unnamed, by type. */
function toolOf(tool: JsonObject, where: string, index: number): ToolDefinition {
  const name = typeof tool.name === 'string' ? tool.name : typeof tool.type === 'string' ? tool.type : undefined;
  if (name === undefined) invalid(`"${where}[${index}].name" must be a string`);
  return toolDefinition(name, tool.description, tool.input_schema);
}

function toConversation(body: JsonObject): Conversation {
  const model = requireModel(body);
  const messages = requireArray(body, 'messages');
  const system = systemOf(body);
  const turns: Turn[] = [];
  for (let i = 0; i < messages.length; i++) {
    const message: unknown = messages[i];
    if (!isObject(message)) invalid(`"messages[${i}]" must be an object`);
    pushMessage(turns, message, i);
  }
  const conversation: Conversation = { protocol: 'anthropic-messages', model, system, turns, tools: toolsOf(body), stream: streamFlag(body) };
  // Structured outputs (`output_format` json_schema) and a forced tool (`tool_choice` any / tool).
  const constraints = constraintsOf(schemaConstraint('output_format', body.output_format), forcedToolConstraint(body.tool_choice));
  if (constraints !== undefined) conversation.replyConstraints = constraints;
  const user = userIdOf(body.metadata, 'user_id');
  if (user !== undefined) conversation.user = user;
  return conversation;
}

/**
 * `system` string: joined with a blank line. `system` blocks: a new text block at the end (append)
 * or the start (prepend); existing blocks, and their cache_control breakpoints, are left as they are.
 */
function injectInstruction(body: JsonObject, instruction: string, placement: InstructionPlacement): JsonObject {
  const system = body.system;
  if (Array.isArray(system)) {
    const blocks: unknown[] = system;
    const block = { type: 'text', text: instruction };
    return withKey(body, 'system', placement === 'prepend' ? [block, ...blocks] : [...blocks, block]);
  }
  return withKey(body, 'system', withInstructionText(system, instruction, placement));
}

function renderReply(reply: SyntheticReply): RenderedBody {
  const id = `msg_clarion${randomId()}`;
  // Clarion's own replies called no model: every count is zero.
  const usage = {
    input_tokens: 0,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: 0,
    service_tier: 'standard',
  };
  if (!reply.stream) {
    return jsonBody(200, {
      id,
      type: 'message',
      role: 'assistant',
      model: reply.model,
      content: [{ type: 'text', text: reply.text }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage,
    });
  }
  return sseBody([
    eventFrame('message_start', {
      type: 'message_start',
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model: reply.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage,
      },
    }),
    eventFrame('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
    eventFrame('ping', { type: 'ping' }),
    eventFrame('content_block_delta', {
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text: reply.text },
    }),
    eventFrame('content_block_stop', { type: 'content_block_stop', index: 0 }),
    eventFrame('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 0 },
    }),
    eventFrame('message_stop', { type: 'message_stop' }),
  ]);
}

export const anthropicMessagesAdapter: ProtocolAdapter = {
  id: 'anthropic-messages',
  family: 'anthropic',
  toConversation,
  injectInstruction,
  withModel,
  isStream,
  renderReply,
  renderError: renderAnthropicError,
  renderStreamError: renderAnthropicStreamError,
  responses: anthropicMessagesResponses,
};
