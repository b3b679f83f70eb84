/**
 * The policy file's schema: the operator's contract. Every field is documented in docs/policy.md.
 *
 * A policy is a version, defaults, the texts Clarion injects or replies with (templates), rollout
 * switches (shadow, opt-out) and an ordered list of named norms. A norm is `when` (conditions on
 * the request and its assessment, all of which must hold) and `then` (an action and its
 * parameters). The first norm whose `when` holds decides; `defaults` fill whatever it leaves out.
 */
import { z } from 'zod';
import { CategorySchema, SignalIdSchema } from '../detect/assessment.js';
import { ProtocolIdSchema } from '../conversation.js';
import { ActionSchema, ClarifyModeSchema, CREDENTIAL_HEADERS } from './decision.js';
import { templateProblems } from './templates.js';

/** A single value is shorthand for a list of one (so errors name the field, not "invalid union"). */
function oneOrMany<T extends z.ZodType>(item: T) {
  return z.preprocess((value: unknown): unknown[] => (Array.isArray(value) ? (value as unknown[]) : [value]), z.array(item).min(1));
}

/** A glob (`*` any run, `?` one character, case-insensitive) or a list of them (any may match). */
const GlobsSchema = oneOrMany(z.string().min(1));

/** A list is shorthand for `{any: list}`. */
function anyAllNone<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (value) => (Array.isArray(value) ? { any: value } : value),
    z
      .object({
        /** At least one of these is present. */
        any: z.array(item).min(1).optional(),
        /** Every one of these is present. */
        all: z.array(item).min(1).optional(),
        /** None of these is present. */
        none: z.array(item).min(1).optional(),
      })
      .strict()
      .refine((v) => v.any !== undefined || v.all !== undefined || v.none !== undefined, 'give at least one of any, all, none'),
  );
}

const ScoreRangeSchema = z
  .object({
    /** Matches when score >= min. */
    min: z.number().min(0).max(1).optional(),
    /** Matches when score <= max. */
    max: z.number().min(0).max(1).optional(),
  })
  .strict()
  .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, 'min must not exceed max');

const HeaderMatchSchema = z.record(z.string().min(1), GlobsSchema).superRefine((headers, ctx) => {
  for (const name of Object.keys(headers)) {
    if (CREDENTIAL_HEADERS.has(name.toLowerCase())) {
      ctx.addIssue({ code: 'custom', path: [name], message: 'credential headers are removed before matching; match on tenant instead' });
    }
  }
});

export const WhenSchema = z
  .object({
    /** API format(s): openai-chat, openai-responses, anthropic-messages. */
    protocol: oneOrMany(ProtocolIdSchema).optional(),
    /** Route path glob(s), e.g. `/v1/chat/*`. */
    route: GlobsSchema.optional(),
    /** Requested model glob(s), e.g. `gpt-4o*`. */
    model: GlobsSchema.optional(),
    /** Tenant glob(s); never matches a request without a tenant. */
    tenant: GlobsSchema.optional(),
    /** Request header name -> value glob(s); every listed header must be present and match. */
    headers: HeaderMatchSchema.optional(),
    /** Request body `metadata` key -> value glob(s); every listed key must be present and match. */
    metadata: z.record(z.string().min(1), GlobsSchema).optional(),
    /** Score range, both ends inclusive. */
    score: ScoreRangeSchema.optional(),
    /** Categories present: a list (any of them) or {any, all, none}. */
    categories: anyAllNone(CategorySchema).optional(),
    /** Signals present: a list (any of them) or {any, all, none}. */
    signals: anyAllNone(SignalIdSchema).optional(),
    /** Missing slots (globs, e.g. `tool:*`): a list (any of them) or {any, all, none}. */
    missingSlots: anyAllNone(z.string().min(1)).optional(),
  })
  .strict();
export type When = z.infer<typeof WhenSchema>;

const PlacementSchema = z.enum(['append', 'prepend']);
const FallbackSchema = z.enum(['annotate', 'pass']);

const DURATION = /^(\d+)\s*(s|m|h|d)$/;
const SECONDS_PER: Record<string, number> = { s: 1, m: 60, h: 3_600, d: 86_400 };

/** Seconds, or a duration string: `45s`, `90m`, `12h`, `30d`. */
const TtlSchema = z.preprocess(
  (value) => {
    if (typeof value !== 'string') return value;
    const [, amount, unit] = DURATION.exec(value.trim()) ?? [];
    return amount === undefined ? value : Number(amount) * (SECONDS_PER[unit ?? 's'] ?? 1);
  },
  z.number({ error: 'a number of seconds, or a duration like 90m, 12h, 30d' }).int().positive(),
);

const PrecedentSchema = z
  .object({
    /** Whose earlier answers fill the gap: the same user (`user`), or anyone in the same tenant (`tenant`). */
    scope: z.enum(['user', 'tenant']),
    /** How long an answer is remembered. */
    ttl: TtlSchema,
  })
  .strict();

const EscalateSchema = z
  .object({
    /** Name of an upstream from the config's `upstreams`. */
    upstream: z.string().min(1).optional(),
    /** Model to ask for instead of the requested one. */
    model: z.string().min(1).optional(),
  })
  .strict();

export const ThenSchema = z
  .object({
    action: ActionSchema,
    /** clarify: `instruct` (the model asks), `respond` (Clarion replies with the question) or `interpret` (readings offered). */
    mode: ClarifyModeSchema.optional(),
    /** clarify: fill the gap from the user's (or tenant's) earlier answer to the same kind of gap instead of asking again. */
    precedent: PrecedentSchema.optional(),
    /** clarify/interpret: who offers the readings — the model (default), or Clarion itself when the detector names them. */
    interpretBy: z.enum(['model', 'clarion']).optional(),
    /** clarify: proxy-initiated clarifications allowed per conversation. */
    budget: z.number().int().min(0).optional(),
    /** clarify: what to do instead once the budget is spent or the user answered a clarification. */
    fallback: FallbackSchema.optional(),
    /** annotate, clarify/instruct: template of the instruction injected into the system text. */
    instruction: z.string().min(1).optional(),
    /** clarify/respond, defer: template of the reply Clarion sends itself. */
    reply: z.string().min(1).optional(),
    /** annotate, clarify/instruct: after (`append`) or before (`prepend`) the app's own system text. */
    placement: PlacementSchema.optional(),
    /** escalate: where to send the request. */
    escalate: EscalateSchema.optional(),
    /** Decide and report, but forward unchanged (overrides the policy-wide `shadow`). */
    shadow: z.boolean().optional(),
    /** Share of conversations (0..1) this norm applies to; the others skip to the next norm. */
    sample: z.number().min(0).max(1).optional(),
    /** If applying this decision fails, refuse the request instead of forwarding it unchanged. */
    failClosed: z.boolean().optional(),
    /** Honour the app's opt-out header for this norm (overrides `optOut.allow`). */
    allowOptOut: z.boolean().optional(),
  })
  .strict();
export type Then = z.infer<typeof ThenSchema>;

export const NormSchema = z
  .object({
    /** Unique name; reported in decisions, headers and events. */
    name: z.string().regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits, _ . : - only'),
    description: z.string().optional(),
    /** Conditions that must all hold; an empty or absent `when` matches every request. */
    when: WhenSchema.prefault({}),
    then: ThenSchema,
  })
  .strict();
export type Norm = z.infer<typeof NormSchema>;

export const DefaultsSchema = z
  .object({
    /** The action when no norm matches. */
    action: ActionSchema.default('pass'),
    mode: ClarifyModeSchema.default('instruct'),
    budget: z.number().int().min(0).default(1),
    fallback: FallbackSchema.default('annotate'),
    placement: PlacementSchema.default('append'),
    failClosed: z.boolean().default(false),
    escalate: EscalateSchema.optional(),
  })
  .strict();
export type PolicyDefaults = z.infer<typeof DefaultsSchema>;

export const DEFAULT_TEMPLATES = {
  annotate:
    "Parts of the user's request are underspecified: {gaps}. Do not ask the user about them. " +
    'Answer the request in full, and state briefly at the start of your answer the assumptions you are making about each of these points.',
  annotateMissing:
    "The user's request refers to material that is not in the conversation: {gaps}. Do not invent it and do not answer as if you had it. " +
    'Say briefly what is missing and what the user should send, and answer only what can be answered without it.',
  clarifyInstruct:
    "The user's request is missing information you need to answer it well: {gaps}. Do not answer the request yet. " +
    'Instead ask the user exactly one short, targeted clarifying question that names the missing information (for example: "{question}"). ' +
    "Write it in the user's language and in the format the app's instructions require for replies, and add nothing else.",
  clarifyRespond: '{question}',
  interpret:
    "The user's request can be read in more than one way: {gaps}. Do not ask a question and do not silently pick one reading. " +
    'Instead give a brief answer under each of the two or three most plausible readings ({readings}), each introduced by the reading it assumes, ' +
    'then invite the user to say which one they meant.',
  precedent:
    "The user's request leaves open {gaps}, which was answered before. Do not ask about it again; assume {assumed}. " +
    'Answer on that basis, and say in one short sentence at the start of your answer what you assumed and why, so the user can correct it.',
  interpretRespond: 'Your request can be read in more than one way: {readings}. Which one do you mean? Tell me and I will answer it.',
  defer: 'Thank you. This request needs a review by a member of our team before it can be answered; they will follow up with you.',
  question: 'Could you clarify {gaps}?',
} as const;

export const TemplatesSchema = z
  .object({
    /** Instruction injected by annotate. */
    annotate: z.string().min(1).default(DEFAULT_TEMPLATES.annotate),
    /** Instruction injected by annotate (or clarify's fallback) when the material the request refers to is missing. */
    annotateMissing: z.string().min(1).default(DEFAULT_TEMPLATES.annotateMissing),
    /** Instruction injected by clarify in instruct mode. */
    clarifyInstruct: z.string().min(1).default(DEFAULT_TEMPLATES.clarifyInstruct),
    /** Reply Clarion sends for clarify in respond mode. */
    clarifyRespond: z.string().min(1).default(DEFAULT_TEMPLATES.clarifyRespond),
    /** Instruction injected by clarify in interpret mode. */
    interpret: z.string().min(1).default(DEFAULT_TEMPLATES.interpret),
    /** Reply Clarion sends for clarify in interpret mode with `interpretBy: clarion`, when the detector names the readings. */
    interpretRespond: z.string().min(1).default(DEFAULT_TEMPLATES.interpretRespond),
    /** Reply Clarion sends for defer. */
    defer: z.string().min(1).default(DEFAULT_TEMPLATES.defer),
    /** Instruction injected when a gap is filled from precedent (`{assumed}` names what and why). */
    precedent: z.string().min(1).default(DEFAULT_TEMPLATES.precedent),
    /** `{question}` when the detector suggested none. Must not use `{question}` itself. */
    question: z.string().min(1).default(DEFAULT_TEMPLATES.question),
  })
  .strict();
export type Templates = z.infer<typeof TemplatesSchema>;

export const OptOutSchema = z
  .object({
    /** Whether the app's opt-out header (`x-clarion-opt-out: 1`) is honoured by default. */
    allow: z.boolean().default(false),
  })
  .strict();

/** Fields of `then` that only make sense for some actions; anything else is a mistake worth naming. */
function thenProblems(then: Then, defaults: PolicyDefaults, add: (path: PropertyKey[], message: string) => void): void {
  const clarify = then.action === 'clarify';
  const mode = then.mode ?? defaults.mode;
  const byClarion = mode === 'interpret' && then.interpretBy === 'clarion';
  const injects = then.action === 'annotate' || (clarify && (mode === 'instruct' || mode === 'interpret'));
  const replies = then.action === 'defer' || (clarify && (mode === 'respond' || byClarion));
  if (then.interpretBy !== undefined && (!clarify || mode !== 'interpret')) add(['interpretBy'], 'only applies to action clarify in interpret mode');
  if (!clarify) {
    for (const field of ['mode', 'budget', 'fallback', 'precedent'] as const) {
      if (then[field] !== undefined) add([field], `only applies to action clarify, not ${then.action}`);
    }
  }
  if (then.instruction !== undefined && !injects) add(['instruction'], `has no effect for action ${then.action}${clarify ? ` in ${mode} mode` : ''}`);
  if (then.placement !== undefined && !injects) add(['placement'], `has no effect for action ${then.action}${clarify ? ` in ${mode} mode` : ''}`);
  if (then.reply !== undefined && !replies) add(['reply'], `has no effect for action ${then.action}${clarify ? ` in ${mode} mode` : ''}`);
  if (then.action !== 'escalate' && then.escalate !== undefined) add(['escalate'], `only applies to action escalate, not ${then.action}`);
  if (then.action === 'escalate') {
    const upstream = then.escalate?.upstream ?? defaults.escalate?.upstream;
    const model = then.escalate?.model ?? defaults.escalate?.model;
    if (upstream === undefined && model === undefined) add(['escalate'], 'escalate needs an upstream or a model (here or in defaults.escalate)');
  }
  if (then.instruction !== undefined) for (const p of templateProblems(then.instruction, false)) add(['instruction'], p);
  if (then.reply !== undefined) for (const p of templateProblems(then.reply, false)) add(['reply'], p);
}

export const PolicySchema = z
  .object({
    /** Reported with every decision (`x-clarion-policy-version`) and stored with every event. */
    version: z.union([z.string().min(1), z.number()]).transform(String),
    description: z.string().optional(),
    /** Shadow every norm: decide, record and report, but forward requests unchanged. */
    shadow: z.boolean().default(false),
    optOut: OptOutSchema.prefault({}),
    defaults: DefaultsSchema.prefault({}),
    templates: TemplatesSchema.prefault({}),
    /** Evaluated in order; the first norm whose `when` holds decides. */
    norms: z.array(NormSchema).default([]),
  })
  .strict()
  .superRefine((policy, ctx) => {
    const names = new Map<string, number>();
    policy.norms.forEach((norm, index) => {
      const first = names.get(norm.name);
      if (first !== undefined)
        ctx.addIssue({ code: 'custom', path: ['norms', index, 'name'], message: `duplicate norm name "${norm.name}" (first used by norms[${first}])` });
      else names.set(norm.name, index);
      thenProblems(norm.then, policy.defaults, (path, message) => ctx.addIssue({ code: 'custom', path: ['norms', index, 'then', ...path], message }));
    });
    const defaultThen: Then = { action: policy.defaults.action };
    thenProblems(defaultThen, policy.defaults, (_path, message) => ctx.addIssue({ code: 'custom', path: ['defaults', 'action'], message }));
    for (const key of [
      'annotate',
      'annotateMissing',
      'clarifyInstruct',
      'clarifyRespond',
      'interpret',
      'interpretRespond',
      'precedent',
      'defer',
      'question',
    ] as const) {
      for (const p of templateProblems(policy.templates[key], key === 'question')) ctx.addIssue({ code: 'custom', path: ['templates', key], message: p });
    }
  });

export type Policy = z.infer<typeof PolicySchema>;
/** What a policy file may contain before defaults are filled in (for building policies in code). */
export type PolicyInput = z.input<typeof PolicySchema>;
