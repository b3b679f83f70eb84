/**
 * Small helpers the three protocol adapters share: shape checks that throw Clarion's
 * invalid-request error, id and token estimates for synthetic replies, and SSE framing.
 * Nothing here knows a particular wire format.
 */
import { randomBytes } from 'node:crypto';
import type { Part, ToolDefinition } from '../conversation.js';
import { ClarionError } from '../errors.js';
import type { InstructionPlacement, JsonObject, RenderedBody, SyntheticReply } from './types.js';

export const JSON_CONTENT_TYPE = 'application/json';
export const SSE_CONTENT_TYPE = 'text/event-stream';

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Throws CLARION_INVALID_REQUEST with a message that says what is wrong (e.g. `"messages" must be
 * an array`); the field the message names first (`messages`) is the error's `param`.
 */
export function invalid(detail: string): never {
  const param = paramOf(detail);
  throw new ClarionError('CLARION_INVALID_REQUEST', detail, param === undefined ? undefined : { param });
}

/** The quoted field at the start of a detail (`"messages[0].role" must be...` -> `messages[0].role`). */
function paramOf(detail: string): string | undefined {
  if (!detail.startsWith('"')) return undefined;
  const end = detail.indexOf('"', 1);
  return end > 1 ? detail.slice(1, end) : undefined;
}

/**
 * A role that is a known one in another case or with spaces (`User`, ` user`): the APIs refuse
 * these, so Clarion does too rather than skip the message and assess a different conversation.
 * A role unknown in every spelling is left to the caller (skipped: the upstream judges it).
 */
export function rejectRoleVariant(role: string, known: readonly string[], where: string): void {
  const folded = role.trim().toLowerCase();
  if (folded !== role && known.includes(folded)) invalid(`"${where}.role" must be one of ${known.join(', ')} (got "${role.slice(0, 32)}")`);
}

/** `stream`, which must be a boolean when present (null reads as absent). */
export function streamFlag(body: JsonObject): boolean {
  const stream = body.stream;
  if (stream === undefined || stream === null) return false;
  if (typeof stream !== 'boolean') invalid('"stream" must be a boolean');
  return stream;
}

/** The body's `model`, which every protocol requires to be a string. */
export function requireModel(body: JsonObject): string {
  const model = body.model;
  if (typeof model !== 'string') invalid('"model" must be a string');
  return model;
}

/** The body's `key`, which must be an array (CLARION_INVALID_REQUEST otherwise). */
export function requireArray(body: JsonObject, key: string): unknown[] {
  const value = body[key];
  if (!Array.isArray(value)) invalid(`"${key}" must be an array`);
  return value;
}

/** The body's `key` as an array: empty when absent or null, CLARION_INVALID_REQUEST when anything else. */
export function optionalArray(body: JsonObject, key: string): readonly unknown[] {
  const value = body[key];
  if (value === undefined || value === null) return NO_ITEMS;
  if (!Array.isArray(value)) invalid(`"${key}" must be an array`);
  return value;
}

const NO_ITEMS: readonly unknown[] = Object.freeze([]);

/** Maps one object of a wire array (a content part, a tool) to Clarion's form; undefined to skip it. */
export type ObjectMapper<T> = (item: JsonObject, where: string, index: number) => T | undefined;

/**
 * Maps an array whose items must be objects (`"<where>[i]" must be an object` otherwise), dropping
 * what the mapper skips. The mapper gets `where` and the index so it can name a field in its own errors.
 */
export function mapObjects<T>(items: readonly unknown[], where: string, map: ObjectMapper<T>): T[] {
  const mapped: T[] = [];
  for (let i = 0; i < items.length; i++) {
    const item: unknown = items[i];
    if (!isObject(item)) invalid(`"${where}[${i}]" must be an object`);
    const result = map(item, where, i);
    if (result !== undefined) mapped.push(result);
  }
  return mapped;
}

/** The text part for a text-typed content part `where[index]`, whose `text` must be a string. */
export function textPartOf(part: JsonObject, where: string, index: number): Part {
  if (typeof part.text !== 'string') invalid(`"${where}[${index}].text" must be a string`);
  return { type: 'text', text: part.text };
}

/** String content as parts: one text part, or none for the empty string. */
export function textParts(text: string): Part[] {
  return text.length === 0 ? [] : [{ type: 'text', text }];
}

/** The text parts of `parts` joined by newlines (how a multi-part system message reads as one text). */
export function joinTextParts(parts: readonly Part[]): string {
  let text = '';
  for (const part of parts) {
    if (part.type === 'text') text = text.length === 0 ? part.text : `${text}\n${part.text}`;
  }
  return text;
}

/** A tool definition; description and parameters are kept only when they have the right type. */
export function toolDefinition(name: string, description: unknown, parameters: unknown): ToolDefinition {
  const tool: ToolDefinition = { name };
  if (typeof description === 'string') tool.description = description;
  if (isObject(parameters)) tool.parameters = parameters;
  return tool;
}

/**
 * A system text with `instruction` added at the end (append) or the start (prepend), a blank line
 * between; just the instruction when there is no text yet (absent, empty or not a string).
 */
export function withInstructionText(current: unknown, instruction: string, placement: InstructionPlacement): string {
  if (typeof current !== 'string' || current.length === 0) return instruction;
  return placement === 'prepend' ? `${instruction}\n\n${current}` : `${current}\n\n${instruction}`;
}

/** Appends `text` to `joined` with a blank line in between (how system texts are combined). */
export function joinBlock(joined: string, text: string): string {
  if (text.length === 0) return joined;
  return joined.length === 0 ? text : `${joined}\n\n${text}`;
}

/** A random id suffix; synthetic replies are rare, so a crypto call per reply is fine. */
export function randomId(bytes = 12): string {
  return randomBytes(bytes).toString('hex');
}

/**
 * How a reply Clarion writes itself must be shaped when the request asks for structured output:
 * `json_object` (any JSON object will do) or `json_schema` (only the app's schema will do, which a
 * clarifying question cannot satisfy: the reply then goes out as the model's refusal, the one
 * non-conforming answer structured-output clients expect and surface).
 */
export type ReplyFormat = 'text' | 'json_object' | 'json_schema';

/** The reply format named by a `{ type }` format object (Chat `response_format`, Responses `text.format`). */
export function replyFormatOf(format: unknown): ReplyFormat {
  if (!isObject(format)) return 'text';
  return format.type === 'json_object' ? 'json_object' : format.type === 'json_schema' ? 'json_schema' : 'text';
}

/** The text of a Clarion reply as a JSON object, for json_object output. */
export function replyAsJson(reply: SyntheticReply): string {
  return JSON.stringify(reply.kind === 'notice' ? { message: reply.text } : { question: reply.text });
}

export function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** A `data:`-only SSE frame (OpenAI Chat Completions style). */
export function dataFrame(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

/** A named SSE frame (`event:` + `data:`), as OpenAI Responses and Anthropic Messages send them. */
export function eventFrame(event: string, payload: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
}

export function jsonBody(status: number, payload: unknown): RenderedBody {
  return { status, contentType: JSON_CONTENT_TYPE, chunks: [JSON.stringify(payload)] };
}

export function sseBody(frames: string[]): RenderedBody {
  return { status: 200, contentType: SSE_CONTENT_TYPE, chunks: frames };
}

/** A shallow copy of `body` with one key replaced; the input is never mutated. */
export function withKey(body: JsonObject, key: string, value: unknown): JsonObject {
  return { ...body, [key]: value };
}

/** `withModel` for every protocol: all three carry the model in a top-level `model`. */
export function withModel(body: JsonObject, model: string): JsonObject {
  return withKey(body, 'model', model);
}

/** `isStream` for every protocol: all three ask for SSE with a top-level `stream: true`. */
export function isStream(body: JsonObject): boolean {
  return body.stream === true;
}

/**
 * `tool_choice` as a reply constraint: `required` / `any`, or a named tool, force a tool call (a
 * question in text would be dropped or break the app); `auto`, `none` and absent do not.
 */
export function forcedToolConstraint(choice: unknown): string | null {
  if (choice === 'required' || choice === 'any') return `tool_choice: ${choice}`;
  if (!isObject(choice)) return null;
  const type = choice.type;
  if (type === 'any' || type === 'required') return `tool_choice: ${type}`;
  const fn = isObject(choice.function) ? choice.function : choice;
  if ((type === 'function' || type === 'tool' || type === 'custom') && typeof fn.name === 'string') return `tool_choice: ${fn.name}`;
  const allowed = isObject(choice.allowed_tools) ? choice.allowed_tools : choice;
  if (type === 'allowed_tools' && allowed.mode === 'required') return 'tool_choice: allowed_tools required';
  return null;
}

/** A `{ type: "json_schema" }` format object (`response_format`, `text.format`, `output_format`) as a constraint. */
export function schemaConstraint(field: string, format: unknown): string | null {
  return isObject(format) && format.type === 'json_schema' ? `${field}: json_schema` : null;
}

/** The first of `fields` of `from` that holds a non-empty string (an end-user id), or undefined. */
export function userIdOf(from: unknown, ...fields: string[]): string | undefined {
  if (!isObject(from)) return undefined;
  for (const field of fields) {
    const value = from[field];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

/** The constraints found, or undefined when there are none (the conversation then carries no field). */
export function constraintsOf(...found: Array<string | null>): string[] | undefined {
  let out: string[] | undefined;
  for (const item of found) if (item !== null) (out ??= []).push(item);
  return out;
}
