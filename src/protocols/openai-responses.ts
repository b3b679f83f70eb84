/**
 * OpenAI Responses (`POST /v1/responses`).
 *
 * Mapping to the conversation:
 * - `instructions` -> `system`, followed by the text of any `system`/`developer` input messages;
 * - `input` as a string -> one user turn; as an array of items: messages (role user|assistant,
 *   content a string or parts input_text/output_text/input_image/input_file/input_audio),
 *   `function_call` / `custom_tool_call` items -> `toolCalls` of the preceding assistant turn (or a
 *   new one), `function_call_output` / `custom_tool_call_output` -> `tool` turns. Other item types
 *   (reasoning, item_reference, built-in tool calls) carry nothing the detector reads and are skipped.
 * - `tools`: function and custom tools by name; built-in tools (web_search, file_search...) named by type.
 * - `previous_response_id` / `conversation` -> `priorContext` (earlier turns the request does not carry).
 */
import type { Conversation, Part, PriorContext, ToolDefinition, Turn } from '../conversation.js';
import type { ClarionError } from '../errors.js';
import { renderOpenAIError, renderResponsesStreamError } from './error-shapes.js';
import { openaiResponsesResponses } from './openai-responses-response.js';
import {
  constraintsOf,
  forcedToolConstraint,
  eventFrame,
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
  requireModel,
  schemaConstraint,
  sseBody,
  streamFlag,
  textPartOf,
  textParts,
  toolDefinition,
  unixSeconds,
  userIdOf,
  withInstructionText,
  withKey,
  withModel,
} from './shared.js';
import type { InstructionPlacement, JsonObject, ProtocolAdapter, RenderedBody, SyntheticReply } from './types.js';

/** One content part (input_text/output_text/text, input_image, input_file, input_audio); other types carry nothing the detector reads. */
function partOf(part: JsonObject, where: string, index: number): Part | undefined {
  switch (part.type) {
    case 'input_text':
    case 'output_text':
    case 'text':
      return textPartOf(part, where, index);
    case 'input_image':
      return { type: 'image' };
    case 'input_file':
      return typeof part.filename === 'string' ? { type: 'file', name: part.filename } : { type: 'file' };
    case 'input_audio':
      return { type: 'audio' };
    default:
      return undefined;
  }
}

function contentParts(content: unknown, where: string): Part[] {
  if (typeof content === 'string') return textParts(content);
  if (content === null || content === undefined) return [];
  if (!Array.isArray(content)) invalid(`"${where}" must be a string or an array of content parts`);
  return mapObjects(content, where, partOf);
}

function toolsOf(body: JsonObject): ToolDefinition[] {
  const list = optionalArray(body, 'tools');
  const tools: ToolDefinition[] = [];
  for (let i = 0; i < list.length; i++) {
    const tool: unknown = list[i];
    if (!isObject(tool) || typeof tool.type !== 'string') invalid(`"tools[${i}].type" must be a string`);
    if (tool.type === 'function' || tool.type === 'custom') {
      if (typeof tool.name !== 'string') invalid(`"tools[${i}].name" must be a string`);
      tools.push(toolDefinition(tool.name, tool.description, tool.parameters));
    } else {
      tools.push({ name: tool.type });
    }
  }
  return tools;
}

/** The message roles the Responses API knows; another spelling of one of them is refused. */
const RESPONSES_ROLES: readonly string[] = ['system', 'developer', 'user', 'assistant'];

function toConversation(body: JsonObject): Conversation {
  const model = requireModel(body);
  const instructions = body.instructions;
  if (instructions !== undefined && instructions !== null && typeof instructions !== 'string') {
    invalid('"instructions" must be a string');
  }
  let system = typeof instructions === 'string' ? instructions : '';
  const input = body.input;
  const turns: Turn[] = [];
  if (typeof input === 'string') {
    turns.push({ role: 'user', parts: contentParts(input, 'input') });
  } else if (Array.isArray(input)) {
    for (let i = 0; i < input.length; i++) {
      const item: unknown = input[i];
      if (!isObject(item)) invalid(`"input[${i}]" must be an object`);
      const type = item.type;
      if (type === undefined || type === 'message') {
        const role = item.role;
        if (typeof role !== 'string') invalid(`"input[${i}].role" must be a string`);
        const parts = contentParts(item.content, `input[${i}].content`);
        if (role === 'system' || role === 'developer') system = joinBlock(system, joinTextParts(parts));
        else if (role === 'user' || role === 'assistant') turns.push({ role, parts });
        else rejectRoleVariant(role, RESPONSES_ROLES, `input[${i}]`);
        continue;
      }
      if (type === 'function_call' || type === 'custom_tool_call') {
        if (typeof item.name !== 'string') invalid(`"input[${i}].name" must be a string`);
        const raw = type === 'function_call' ? item.arguments : item.input;
        const call = { name: item.name, arguments: typeof raw === 'string' ? raw : '' };
        const last = turns[turns.length - 1];
        if (last !== undefined && last.role === 'assistant') (last.toolCalls ??= []).push(call);
        else turns.push({ role: 'assistant', parts: [], toolCalls: [call] });
        continue;
      }
      if (type === 'function_call_output' || type === 'custom_tool_call_output') {
        turns.push({ role: 'tool', parts: contentParts(item.output, `input[${i}].output`) });
      }
    }
  } else {
    invalid('"input" must be a string or an array of input items');
  }
  const conversation: Conversation = { protocol: 'openai-responses', model, system, turns, tools: toolsOf(body), stream: streamFlag(body) };
  const prior = priorContextOf(body);
  if (prior !== undefined) conversation.priorContext = prior;
  const text = body.text;
  const constraints = constraintsOf(schemaConstraint('text.format', isObject(text) ? text.format : undefined), forcedToolConstraint(body.tool_choice));
  if (constraints !== undefined) conversation.replyConstraints = constraints;
  const user = userIdOf(body, 'user', 'safety_identifier');
  if (user !== undefined) conversation.user = user;
  return conversation;
}

/** Earlier turns held by the API rather than sent: `previous_response_id`, or a `conversation` (its id, or `{ id }`). */
function priorContextOf(body: JsonObject): PriorContext | undefined {
  if (typeof body.previous_response_id === 'string' && body.previous_response_id !== '') return { kind: 'previous_response_id', id: body.previous_response_id };
  const c = body.conversation;
  const id = typeof c === 'string' ? c : isObject(c) && typeof c.id === 'string' ? c.id : '';
  return id === '' ? undefined : { kind: 'conversation', id };
}

/** `instructions` is the Responses API's system text: append or prepend with a blank line. */
function injectInstruction(body: JsonObject, instruction: string, placement: InstructionPlacement): JsonObject {
  return withKey(body, 'instructions', withInstructionText(body.instructions, instruction, placement));
}

/** Clarion's own replies called no model: every count is zero. */
function zeroUsage(): JsonObject {
  return { input_tokens: 0, input_tokens_details: { cached_tokens: 0 }, output_tokens: 0, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 0 };
}

function orNull(value: unknown): unknown {
  return value === undefined ? null : value;
}

/** The Response object around `output`, echoing the request's settings as the API does. */
function responseObject(
  id: string,
  createdAt: number,
  model: string,
  body: JsonObject,
  status: 'in_progress' | 'completed',
  output: JsonObject[],
  usage: JsonObject | null,
): JsonObject {
  return {
    id,
    object: 'response',
    created_at: createdAt,
    status,
    background: false,
    completed_at: status === 'completed' ? unixSeconds() : null,
    error: null,
    incomplete_details: null,
    instructions: orNull(body.instructions),
    max_output_tokens: orNull(body.max_output_tokens),
    max_tool_calls: orNull(body.max_tool_calls),
    model,
    output,
    parallel_tool_calls: body.parallel_tool_calls === false ? false : true,
    previous_response_id: orNull(body.previous_response_id),
    prompt_cache_key: orNull(body.prompt_cache_key),
    reasoning: isObject(body.reasoning) ? body.reasoning : { effort: null, summary: null },
    safety_identifier: orNull(body.safety_identifier),
    service_tier: 'default',
    store: body.store === false ? false : true,
    temperature: typeof body.temperature === 'number' ? body.temperature : 1,
    text: isObject(body.text) ? body.text : { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: body.tool_choice ?? 'auto',
    tools: Array.isArray(body.tools) ? body.tools : [],
    top_logprobs: 0,
    top_p: typeof body.top_p === 'number' ? body.top_p : 1,
    truncation: typeof body.truncation === 'string' ? body.truncation : 'disabled',
    usage,
    user: orNull(body.user),
    metadata: isObject(body.metadata) ? body.metadata : {},
  };
}

function outputText(text: string): JsonObject {
  return { type: 'output_text', annotations: [], logprobs: [], text };
}

/** The content part carrying the reply: text, a JSON object (json_object), or a refusal (json_schema: no question fits the app's schema). */
function replyPart(reply: SyntheticReply, body: JsonObject): JsonObject {
  const format = replyFormatOf(isObject(body.text) ? body.text.format : undefined);
  if (format === 'json_schema') return { type: 'refusal', refusal: reply.text };
  return outputText(format === 'json_object' ? replyAsJson(reply) : reply.text);
}

function messageItem(id: string, status: 'in_progress' | 'completed', content: JsonObject[]): JsonObject {
  return { id, type: 'message', status, content, role: 'assistant' };
}

function renderReply(reply: SyntheticReply, body: JsonObject): RenderedBody {
  const id = `resp_clarion${randomId(24)}`;
  const itemId = `msg_clarion${randomId(24)}`;
  const createdAt = unixSeconds();
  const usage = zeroUsage();
  const part = replyPart(reply, body);
  const done = messageItem(itemId, 'completed', [part]);
  if (!reply.stream) {
    return jsonBody(200, responseObject(id, createdAt, reply.model, body, 'completed', [done], usage));
  }
  let sequence = 0;
  const frame = (type: string, fields: JsonObject): string => eventFrame(type, { type, sequence_number: sequence++, ...fields });
  const started = responseObject(id, createdAt, reply.model, body, 'in_progress', [], null);
  const at = { item_id: itemId, output_index: 0, content_index: 0 };
  const refusal = part.type === 'refusal';
  const text = typeof part.text === 'string' ? part.text : reply.text;
  return sseBody([
    frame('response.created', { response: started }),
    frame('response.in_progress', { response: started }),
    frame('response.output_item.added', { output_index: 0, item: messageItem(itemId, 'in_progress', []) }),
    frame('response.content_part.added', { ...at, part: refusal ? { type: 'refusal', refusal: '' } : outputText('') }),
    refusal ? frame('response.refusal.delta', { ...at, delta: reply.text }) : frame('response.output_text.delta', { ...at, delta: text, logprobs: [] }),
    refusal ? frame('response.refusal.done', { ...at, refusal: reply.text }) : frame('response.output_text.done', { ...at, text, logprobs: [] }),
    frame('response.content_part.done', { ...at, part }),
    frame('response.output_item.done', { output_index: 0, item: done }),
    frame('response.completed', {
      response: responseObject(id, createdAt, reply.model, body, 'completed', [done], usage),
    }),
  ]);
}

export const openaiResponsesAdapter: ProtocolAdapter = {
  id: 'openai-responses',
  family: 'openai',
  toConversation,
  injectInstruction,
  withModel,
  isStream,
  renderReply,
  renderError: renderOpenAIError,
  // Clarion cannot know how many events the upstream already sent; see renderResponsesStreamError.
  renderStreamError: (error: ClarionError): string => renderResponsesStreamError(error),
  responses: openaiResponsesResponses,
};
