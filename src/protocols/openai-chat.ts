/**
 * OpenAI Chat Completions (`POST /v1/chat/completions`).
 *
 * Mapping to the conversation:
 * - `system` and `developer` messages -> `system` (joined by blank lines, in order);
 * - `user` / `assistant` messages -> turns; content is a string, an array of parts
 *   (text, image_url, input_audio, file, refusal) or null; `tool_calls` and the legacy
 *   `function_call` -> `toolCalls`;
 * - `tool` and legacy `function` messages -> `tool` turns;
 * - `tools[].function` (and `custom` tools) and legacy `functions[]` -> tools.
 * Messages with a role this adapter does not know are skipped (the upstream judges them), so a new
 * role added by OpenAI does not break apps; a known role spelled otherwise (`User`) is refused, as
 * the API refuses it.
 */
import type { Conversation, Part, ToolCall, ToolDefinition, Turn } from '../conversation.js';
import { renderOpenAIChatStreamError, renderOpenAIError } from './error-shapes.js';
import { openaiChatResponses } from './openai-chat-response.js';
import {
  constraintsOf,
  dataFrame,
  forcedToolConstraint,
  invalid,
  isObject,
  isStream,
  joinBlock,
  joinTextParts,
  jsonBody,
  mapObjects,
  optionalArray,
  randomId,
  rejectRoleVariant,
  replyAsJson,
  replyFormatOf,
  type ReplyFormat,
  requireArray,
  requireModel,
  schemaConstraint,
  sseBody,
  streamFlag,
  textPartOf,
  textParts,
  toolDefinition,
  unixSeconds,
  userIdOf,
  withKey,
  withModel,
} from './shared.js';
import type { InstructionPlacement, JsonObject, ProtocolAdapter, RenderedBody, SyntheticReply } from './types.js';

/** One content part (text, image_url, input_audio, file); refusal and future types carry nothing the detector reads. */
function partOf(part: JsonObject, where: string, index: number): Part | undefined {
  switch (part.type) {
    case 'text':
      return textPartOf(part, where, index);
    case 'image_url':
      return { type: 'image' };
    case 'input_audio':
      return { type: 'audio' };
    case 'file': {
      const file = part.file;
      const name = isObject(file) && typeof file.filename === 'string' ? file.filename : undefined;
      return name === undefined ? { type: 'file' } : { type: 'file', name };
    }
    default:
      return undefined;
  }
}

/** Parts of a message's content; `where` names the message for error messages. */
function contentParts(content: unknown, where: string): Part[] {
  if (typeof content === 'string') return textParts(content);
  if (content === null || content === undefined) return [];
  if (!Array.isArray(content)) invalid(`"${where}.content" must be a string, an array of parts or null`);
  return mapObjects(content, `${where}.content`, partOf);
}

/** System/developer content as one text (parts joined by newlines). */
function systemText(content: unknown, where: string): string {
  if (typeof content === 'string') return content;
  return joinTextParts(contentParts(content, where));
}

function toolCallsOf(message: JsonObject, where: string): ToolCall[] | undefined {
  let calls: ToolCall[] | undefined;
  const toolCalls = message.tool_calls;
  if (toolCalls !== undefined && toolCalls !== null) {
    if (!Array.isArray(toolCalls)) invalid(`"${where}.tool_calls" must be an array`);
    calls = [];
    for (let i = 0; i < toolCalls.length; i++) {
      const call: unknown = toolCalls[i];
      if (!isObject(call)) invalid(`"${where}.tool_calls[${i}]" must be an object`);
      const fn = isObject(call.function) ? call.function : isObject(call.custom) ? call.custom : undefined;
      if (fn === undefined || typeof fn.name !== 'string') invalid(`"${where}.tool_calls[${i}].function.name" must be a string`);
      const args = typeof fn.arguments === 'string' ? fn.arguments : typeof fn.input === 'string' ? fn.input : '';
      calls.push({ name: fn.name, arguments: args });
    }
  }
  const legacy = message.function_call;
  if (isObject(legacy) && typeof legacy.name === 'string') {
    (calls ??= []).push({ name: legacy.name, arguments: typeof legacy.arguments === 'string' ? legacy.arguments : '' });
  }
  return calls;
}

/** A `function` or `custom` tool, named by its function. */
function toolOf(tool: JsonObject, where: string, index: number): ToolDefinition {
  const fn = isObject(tool.function) ? tool.function : isObject(tool.custom) ? tool.custom : undefined;
  if (fn === undefined || typeof fn.name !== 'string') invalid(`"${where}[${index}].function.name" must be a string`);
  return toolDefinition(fn.name, fn.description, fn.parameters);
}

function toolsOf(body: JsonObject): ToolDefinition[] {
  const tools = mapObjects(optionalArray(body, 'tools'), 'tools', toolOf);
  const functions = body.functions;
  if (Array.isArray(functions)) {
    for (let i = 0; i < functions.length; i++) {
      const fn: unknown = functions[i];
      if (!isObject(fn) || typeof fn.name !== 'string') invalid(`"functions[${i}].name" must be a string`);
      tools.push(toolDefinition(fn.name, fn.description, fn.parameters));
    }
  }
  return tools;
}

/** The roles Chat Completions knows; another spelling of one of them is refused, other roles skipped. */
const CHAT_ROLES: readonly string[] = ['system', 'developer', 'user', 'assistant', 'tool', 'function'];

function toConversation(body: JsonObject): Conversation {
  const model = requireModel(body);
  const messages = requireArray(body, 'messages');
  let system = '';
  const turns: Turn[] = [];
  for (let i = 0; i < messages.length; i++) {
    const message: unknown = messages[i];
    if (!isObject(message)) invalid(`"messages[${i}]" must be an object`);
    const role = message.role;
    if (typeof role !== 'string') invalid(`"messages[${i}].role" must be a string`);
    switch (role) {
      case 'system':
      case 'developer':
        system = joinBlock(system, systemText(message.content, `messages[${i}]`));
        break;
      case 'user':
        turns.push({ role: 'user', parts: contentParts(message.content, `messages[${i}]`) });
        break;
      case 'assistant': {
        const turn: Turn = { role: 'assistant', parts: contentParts(message.content, `messages[${i}]`) };
        const calls = toolCallsOf(message, `messages[${i}]`);
        if (calls !== undefined) turn.toolCalls = calls;
        turns.push(turn);
        break;
      }
      case 'tool':
      case 'function':
        turns.push({ role: 'tool', parts: contentParts(message.content, `messages[${i}]`) });
        break;
      default:
        rejectRoleVariant(role, CHAT_ROLES, `messages[${i}]`);
        break;
    }
  }
  const conversation: Conversation = { protocol: 'openai-chat', model, system, turns, tools: toolsOf(body), stream: streamFlag(body) };
  const constraints = replyConstraintsOf(body);
  if (constraints !== undefined) conversation.replyConstraints = constraints;
  const user = userIdOf(body, 'user', 'safety_identifier');
  if (user !== undefined) conversation.user = user;
  return conversation;
}

/** `response_format` json_schema, a forced tool (`tool_choice`, legacy `function_call: {name}`), `n` > 1. */
function replyConstraintsOf(body: JsonObject): string[] | undefined {
  const legacy = body.function_call;
  const n = body.n;
  return constraintsOf(
    schemaConstraint('response_format', body.response_format),
    forcedToolConstraint(body.tool_choice) ?? (isObject(legacy) && typeof legacy.name === 'string' ? `function_call: ${legacy.name}` : null),
    typeof n === 'number' && n > 1 ? `n: ${n}` : null,
  );
}

function isSystemMessage(message: unknown): boolean {
  return isObject(message) && (message.role === 'system' || message.role === 'developer');
}

/**
 * append: a new system message right after the leading system/developer messages, so the app's own
 * prefix stays byte-identical for provider prompt caches. prepend: before the first message.
 * The role is `developer` when the app already uses developer messages (o-series / gpt-5 style).
 */
function injectInstruction(body: JsonObject, instruction: string, placement: InstructionPlacement): JsonObject {
  const messages = requireArray(body, 'messages');
  let leading = 0;
  while (leading < messages.length && isSystemMessage(messages[leading])) leading++;
  let usesDeveloper = false;
  for (const message of messages) {
    if (isObject(message) && message.role === 'developer') {
      usesDeveloper = true;
      break;
    }
  }
  const injected = { role: usesDeveloper ? 'developer' : 'system', content: instruction };
  const at = placement === 'prepend' ? 0 : leading;
  const copy: unknown[] = new Array(messages.length + 1);
  for (let i = 0; i < at; i++) copy[i] = messages[i];
  copy[at] = injected;
  for (let i = at; i < messages.length; i++) copy[i + 1] = messages[i];
  return withKey(body, 'messages', copy);
}

function includeUsage(body: JsonObject): boolean {
  const options = body.stream_options;
  return isObject(options) && options.include_usage === true;
}

/**
 * Clarion's own replies called no model: every count is zero. (An estimate would be billed
 * nowhere and would only skew an app's own token accounting.)
 */
function zeroUsage(): JsonObject {
  return {
    prompt_tokens: 0,
    completion_tokens: 0,
    total_tokens: 0,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

/** Choices asked for (`n`), 1 to MAX_CHOICES. */
function choiceCount(body: JsonObject): number {
  const n = body.n;
  return typeof n === 'number' && Number.isInteger(n) && n > 1 ? Math.min(n, MAX_CHOICES) : 1;
}

/** The API's own upper bound on `n`. */
const MAX_CHOICES = 128;

/** The assistant message fields carrying the reply: text, a JSON object, or (json_schema) a refusal. */
function replyFields(reply: SyntheticReply, format: ReplyFormat): { content: string | null; refusal: string | null } {
  if (format === 'json_schema') return { content: null, refusal: reply.text };
  return { content: format === 'json_object' ? replyAsJson(reply) : reply.text, refusal: null };
}

function renderReply(reply: SyntheticReply, body: JsonObject): RenderedBody {
  const id = `chatcmpl-clarion-${randomId()}`;
  const created = unixSeconds();
  const model = reply.model;
  const choices = choiceCount(body);
  const fields = replyFields(reply, replyFormatOf(body.response_format));
  if (!reply.stream) {
    const message = { role: 'assistant', ...fields, annotations: [] };
    return jsonBody(200, {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: Array.from({ length: choices }, (_, index) => ({ index, message, logprobs: null, finish_reason: 'stop' })),
      usage: zeroUsage(),
      service_tier: 'default',
      system_fingerprint: null,
    });
  }
  // With include_usage the real API sends `usage: null` on every chunk, then one usage chunk.
  const withUsage = includeUsage(body);
  const head = { id, object: 'chat.completion.chunk', created, model, service_tier: 'default', system_fingerprint: null };
  const chunk = (index: number, delta: JsonObject, finishReason: string | null): string => {
    const payload: JsonObject = { ...head, choices: [{ index, delta, logprobs: null, finish_reason: finishReason }] };
    if (withUsage) payload.usage = null;
    return dataFrame(payload);
  };
  const frames: string[] = [];
  for (let index = 0; index < choices; index++) {
    frames.push(
      chunk(index, { role: 'assistant', content: '', refusal: null }, null),
      chunk(index, fields.refusal !== null ? { refusal: fields.refusal } : { content: fields.content }, null),
      chunk(index, {}, 'stop'),
    );
  }
  if (withUsage) frames.push(dataFrame({ ...head, choices: [], usage: zeroUsage() }));
  frames.push('data: [DONE]\n\n');
  return sseBody(frames);
}

export const openaiChatAdapter: ProtocolAdapter = {
  id: 'openai-chat',
  family: 'openai',
  toConversation,
  injectInstruction,
  withModel,
  isStream,
  renderReply,
  renderError: renderOpenAIError,
  renderStreamError: renderOpenAIChatStreamError,
  responses: openaiChatResponses,
};
