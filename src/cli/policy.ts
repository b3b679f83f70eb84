/**
 * `clarion policy check FILE` — validate a policy file (OK with version and norm count, or one
 * line per problem, exit 1).
 * `clarion policy test FILE --cases CASES` — run example requests through the detector and the
 * policy and report each case like a test runner; exit 1 on any mismatch, so a policy change can
 * be reviewed like code.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { ConfigError, defaultConfigPath, formatIssues, loadConfig } from '../config/load.js';
import { ConversationSchema, conversationFromText, type Conversation, type ProtocolId, ProtocolIdSchema } from '../conversation.js';
import { createDetector, type Detector } from '../detect/index.js';
import { adapterFor } from '../protocols/index.js';
import { deriveConversationId } from '../policy/conversation-id.js';
import { decide } from '../policy/decide.js';
import { ActionSchema, ClarifyModeSchema, type Decision, type RequestContext } from '../policy/decision.js';
import { loadPolicyFile, PolicyError } from '../policy/load.js';
import type { Policy } from '../policy/schema.js';

const USAGE = `usage: clarion policy check FILE
       clarion policy test FILE --cases CASES [--config FILE]

check   validate a policy file; prints OK with its version and norm count, or every problem
test    run the example requests in CASES through the detector and the policy; exit 1 on mismatch
        (the detector's settings come from the config: --config, CLARION_CONFIG or the shipped one)`;

// ---- cases file -------------------------------------------------------------------------------

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
type Expectation = z.infer<typeof ExpectSchema>;

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

class CasesError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`invalid cases file ${file}`);
  }
}

function loadCases(file: string): PolicyCase[] {
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

// ---- detector and request mapping ---------------------------------------------------------------

/** The detector as `clarion serve` builds it: the config's `detector` section (the defaults when the default config is unusable). */
function loadDetector(configFile: string | undefined): Detector {
  try {
    return createDetector(loadConfig(configFile ?? defaultConfigPath()).config.detector);
  } catch (error) {
    if (!(error instanceof ConfigError) || configFile !== undefined) throw error;
    process.stderr.write(`clarion policy test: config ${error.file} is invalid; using the detector's defaults\n`);
    return createDetector();
  }
}

type ToConversation = (protocol: ProtocolId, body: Record<string, unknown>) => Conversation;

/** Request bodies are read by the same protocol adapters the proxy uses. */
const requestMapper: ToConversation = (protocol, body) => adapterFor(protocol).toConversation(body);

const ROUTES: Record<ProtocolId, string> = {
  'openai-chat': '/v1/chat/completions',
  'openai-responses': '/v1/responses',
  'anthropic-messages': '/v1/messages',
};

function caseConversation(testCase: PolicyCase, mapper: ToConversation): Conversation {
  const protocol = testCase.context?.protocol ?? testCase.conversation?.protocol ?? 'openai-chat';
  if (testCase.conversation !== undefined) return testCase.conversation;
  if (testCase.request !== undefined) return mapper(protocol, testCase.request);
  const conversation = conversationFromText(testCase.text ?? '', testCase.context?.model ?? 'unknown');
  conversation.protocol = protocol;
  return conversation;
}

function caseContext(testCase: PolicyCase, conversation: Conversation): RequestContext {
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

function describeDecision(decision: Decision): string {
  const mode = decision.mode !== null ? `/${decision.mode}` : '';
  const shadow = decision.shadow ? ' (shadow)' : '';
  return `${decision.action}${mode}${shadow} by ${decision.norm === null ? 'defaults' : `norm ${decision.norm}`}`;
}

async function runTests(policyFile: string, casesFile: string, configFile: string | undefined): Promise<number> {
  let policy: Policy;
  let cases: PolicyCase[];
  try {
    policy = loadPolicyFile(policyFile);
    cases = loadCases(casesFile);
  } catch (error) {
    if (error instanceof PolicyError || error instanceof CasesError) {
      process.stdout.write(`${error.file}: invalid\n`);
      for (const problem of error.problems) process.stdout.write(`  ${problem}\n`);
      return 1;
    }
    throw error;
  }
  let detector: Detector;
  try {
    detector = loadDetector(configFile);
  } catch (error) {
    process.stderr.write(`clarion policy test: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const mapper = requestMapper;
  process.stdout.write(
    `policy ${policyFile} (version ${policy.version}, ${policy.norms.length} norms); detector ${detector.version}; ${cases.length} cases\n\n`,
  );
  let passed = 0;
  let failed = 0;
  for (const testCase of cases) {
    let problems: string[];
    let detail: string[] = [];
    try {
      const conversation = caseConversation(testCase, mapper);
      const assessment = detector.assess(conversation);
      const decision = decide(assessment, caseContext(testCase, conversation), policy);
      problems = mismatches(testCase.expect, decision);
      detail = [`got ${describeDecision(decision)}`, `reason: ${decision.reason}`];
    } catch (error) {
      problems = [`error: ${error instanceof Error ? error.message : String(error)}`];
    }
    if (problems.length === 0) {
      passed++;
      process.stdout.write(`  ok    ${testCase.name}\n`);
    } else {
      failed++;
      process.stdout.write(`  FAIL  ${testCase.name}\n`);
      for (const line of [...problems, ...detail]) process.stdout.write(`          ${line}\n`);
    }
  }
  process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
  return failed > 0 ? 1 : 0;
}

function runCheck(file: string): number {
  try {
    const policy = loadPolicyFile(file);
    process.stdout.write(`OK ${resolve(file)} (version ${policy.version}, ${policy.norms.length} norms)\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    process.stdout.write(`${error.file}: invalid\n`);
    for (const problem of error.problems) process.stdout.write(`  ${problem}\n`);
    return 1;
  }
}

function usage(message?: string): number {
  if (message !== undefined) process.stderr.write(`clarion policy: ${message}\n`);
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const positional: string[] = [];
  let cases: string | undefined;
  let config: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    if (arg === '--cases' || arg === '--config') {
      const value = rest[++i];
      if (value === undefined) return usage(`${arg} needs a file`);
      if (arg === '--cases') cases = value;
      else config = value;
    } else if (arg.startsWith('--')) return usage(`unknown option ${arg}`);
    else positional.push(arg);
  }
  const [file, extra] = positional;
  if (file === undefined || extra !== undefined) return usage();
  if (sub === 'check') return runCheck(file);
  if (sub === 'test') {
    if (cases === undefined) return usage('test needs --cases FILE');
    return runTests(file, cases, config);
  }
  return usage(sub === undefined ? undefined : `unknown subcommand "${sub}"`);
}
