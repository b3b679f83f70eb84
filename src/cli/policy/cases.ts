/**
 * The cases file of `clarion policy test`: example requests (a text, a request body in a wire
 * format, or a normalized conversation), the request context they arrive in, and the decision
 * the policy is expected to make.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { formatIssues } from '../../config/load.js';
import { ConversationSchema, conversationFromText, type Conversation, type ProtocolId, ProtocolIdSchema } from '../../conversation.js';
import { adapterFor } from '../../protocols/index.js';
import { deriveConversationId } from '../../policy/conversation-id.js';
import { ActionSchema, ClarifyModeSchema, type Decision, type RequestContext } from '../../policy/decision.js';

const CaseContextSchema = z
  .object({
    protocol: ProtocolIdSchema.optional(),
    route: z.string().optional(),
    model: z.string().optional(),
    tenant: z.string().nullable().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    metadata: z.record(z.string(), z.string()).optional(),
    conversationId: z.string().optional(),
    clarificationsSoFar: z.number().int().min(0).optional(),
    optOut: z.boolean().optional(),
  })
  .strict();

/** An action name is shorthand for `{action}`. */
const ExpectSchema = z.preprocess(
  (value) => (typeof value === 'string' ? { action: value } : value),
  z
    .object({
      action: ActionSchema,
      mode: ClarifyModeSchema.optional(),
      /** A norm name, or null for "defaults applied". */
      norm: z.string().nullable().optional(),
      shadow: z.boolean().optional(),
    })
    .strict(),
);
export type Expectation = z.infer<typeof ExpectSchema>;

export const PolicyCaseSchema = z
  .object({
    name: z.string().min(1),
    /** A single user message. */
    text: z.string().optional(),
    /** A request body in the wire format of `context.protocol` (default openai-chat). */
    request: z.record(z.string(), z.unknown()).optional(),
    /** An already normalized conversation. */
    conversation: ConversationSchema.optional(),
    context: CaseContextSchema.optional(),
    expect: ExpectSchema,
  })
  .strict()
  .refine((c) => [c.text, c.request, c.conversation].filter((x) => x !== undefined).length === 1, 'give exactly one of text, request, conversation');
export type PolicyCase = z.infer<typeof PolicyCaseSchema>;

/** `{cases: [...]}`, or a bare list of cases. */
const CasesFileSchema = z.preprocess((value) => (Array.isArray(value) ? { cases: value } : value), z.object({ cases: z.array(PolicyCaseSchema) }).strict());

/** A cases file that cannot be used: every problem, one line each, like an invalid policy. */
export class CasesError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`invalid cases file ${file}`);
  }
}

export function loadCases(file: string): PolicyCase[] {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new CasesError(file, ['(file): file not found']);
    const message = error instanceof YAMLParseError ? (error.message.split('\n')[0] ?? error.message) : String(error);
    throw new CasesError(file, [`(root): not valid YAML: ${message}`]);
  }
  const parsed = CasesFileSchema.safeParse(raw);
  if (!parsed.success) throw new CasesError(file, formatIssues(parsed.error.issues));
  return parsed.data.cases;
}

const ROUTES: Record<ProtocolId, string> = {
  'openai-chat': '/v1/chat/completions',
  'openai-responses': '/v1/responses',
  'anthropic-messages': '/v1/messages',
};

/** The case's conversation; request bodies are read by the same protocol adapters the proxy uses. */
export function caseConversation(testCase: PolicyCase): Conversation {
  const protocol = testCase.context?.protocol ?? testCase.conversation?.protocol ?? 'openai-chat';
  if (testCase.conversation !== undefined) return testCase.conversation;
  if (testCase.request !== undefined) return adapterFor(protocol).toConversation(testCase.request);
  const conversation = conversationFromText(testCase.text ?? '', testCase.context?.model ?? 'unknown');
  conversation.protocol = protocol;
  return conversation;
}

export function caseContext(testCase: PolicyCase, conversation: Conversation): RequestContext {
  const given = testCase.context ?? {};
  const protocol = given.protocol ?? conversation.protocol;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(given.headers ?? {})) headers[name.toLowerCase()] = value;
  return {
    protocol,
    route: given.route ?? ROUTES[protocol],
    model: given.model ?? conversation.model,
    tenant: given.tenant ?? null,
    headers,
    metadata: given.metadata ?? {},
    conversationId: given.conversationId ?? deriveConversationId(conversation),
    clarificationsSoFar: given.clarificationsSoFar ?? 0,
    optOut: given.optOut ?? false,
  };
}

/** Where the decision differs from the expectation, as `field: expected X, got Y` lines. */
export function mismatches(expect: Expectation, decision: Decision): string[] {
  const out: string[] = [];
  if (decision.action !== expect.action) out.push(`action: expected ${expect.action}, got ${decision.action}`);
  if (expect.mode !== undefined && decision.mode !== expect.mode) out.push(`mode: expected ${expect.mode}, got ${decision.mode ?? 'none'}`);
  if (expect.norm !== undefined && decision.norm !== expect.norm) {
    out.push(`norm: expected ${expect.norm ?? '(defaults)'}, got ${decision.norm ?? '(defaults)'}`);
  }
  if (expect.shadow !== undefined && decision.shadow !== expect.shadow) out.push(`shadow: expected ${expect.shadow}, got ${decision.shadow}`);
  return out;
}
