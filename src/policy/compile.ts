/**
 * Turns a validated policy into matchers and resolved outcomes ONCE, so that decide() does no
 * parsing, no regex compilation and no defaults lookup per request. Compiled policies are cached
 * by policy object: a hot-reloaded policy is a new object and compiles once on first use (the
 * loader compiles eagerly so the first request does not pay either).
 */
import { CategorySchema, SignalIdSchema, type Assessment, type Category, type SignalId } from '../detect/assessment.js';
import type { ProtocolId } from '../conversation.js';
import type { Action, ClarifyMode, RequestContext } from './decision.js';
import type { Policy, PolicyDefaults, Templates, Then, When } from './schema.js';
import { compileGlobs } from './glob.js';
import { compileTemplate, type CompiledTemplate } from './templates.js';

/** What conditions look at: the request, its assessment, and bitmasks of the signals/categories present. */
export interface Facts {
  assessment: Assessment;
  context: RequestContext;
  signalMask: number;
  categoryMask: number;
}

export type Condition = (facts: Facts) => boolean;

/** A norm's `then` with every gap filled from defaults and templates. */
export interface Outcome {
  action: Action;
  mode: ClarifyMode | null;
  budget: number;
  fallback: 'annotate' | 'pass';
  instruction: CompiledTemplate | null;
  reply: CompiledTemplate | null;
  placement: 'append' | 'prepend';
  escalateTo: { upstream: string | null; model: string | null } | null;
  shadow: boolean;
  failClosed: boolean;
  allowOptOut: boolean;
}

export interface CompiledNorm {
  name: string;
  conditions: readonly Condition[];
  /** Share of conversations the norm applies to; null = all. */
  sample: number | null;
  /** FNV-1a state after hashing the norm's name, so each norm samples its own share. */
  sampleSeed: number;
  outcome: Outcome;
}

export interface CompiledPolicy {
  policy: Policy;
  norms: readonly CompiledNorm[];
  /** What applies when no norm matches. */
  defaultOutcome: Outcome;
  /** The annotate instruction used when clarify falls back. */
  annotate: CompiledTemplate;
  /** The fallback `{question}`. */
  question: CompiledTemplate;
}

const SIGNAL_BITS = new Map<SignalId, number>(SignalIdSchema.options.map((id, i) => [id, 1 << i]));
const CATEGORY_BITS = new Map<Category, number>(CategorySchema.options.map((id, i) => [id, 1 << i]));

export function signalBit(id: SignalId): number {
  return SIGNAL_BITS.get(id) ?? 0;
}

export function categoryBit(id: Category): number {
  return CATEGORY_BITS.get(id) ?? 0;
}

// ---- hashing for sampling -------------------------------------------------------------------

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export function fnv1a(text: string, seed: number = FNV_OFFSET): number {
  let hash = seed;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

/** Deterministic position of a conversation in [0, 1) for a norm; sampled when below `sample`. */
export function samplePosition(sampleSeed: number, conversationId: string): number {
  return fnv1a(conversationId, sampleSeed) / 0x1_0000_0000;
}

// ---- globs ------------------------------------------------------------------------------------

type StringTest = (value: string) => boolean;

/** Linear-time glob matching (./glob.ts): no regex, so no backtracking on long values. */
const globsTest: (globs: string | readonly string[]) => StringTest = compileGlobs;

// ---- conditions -----------------------------------------------------------------------------

type AnyAllNone<T> = readonly T[] | { any?: readonly T[] | undefined; all?: readonly T[] | undefined; none?: readonly T[] | undefined };

function normalizeSets<T>(spec: AnyAllNone<T>): { any?: readonly T[] | undefined; all?: readonly T[] | undefined; none?: readonly T[] | undefined } {
  return Array.isArray(spec) ? { any: spec as readonly T[] } : (spec as { any?: readonly T[]; all?: readonly T[]; none?: readonly T[] });
}

function maskOf<T>(items: readonly T[] | undefined, bit: (item: T) => number): number {
  let mask = 0;
  for (const item of items ?? []) mask |= bit(item);
  return mask;
}

function maskConditions<T>(spec: AnyAllNone<T>, bit: (item: T) => number, read: (facts: Facts) => number, out: Condition[]): void {
  const sets = normalizeSets(spec);
  if (sets.any !== undefined) {
    const any = maskOf(sets.any, bit);
    out.push((f) => (read(f) & any) !== 0);
  }
  if (sets.all !== undefined) {
    const all = maskOf(sets.all, bit);
    out.push((f) => (read(f) & all) === all);
  }
  if (sets.none !== undefined) {
    const none = maskOf(sets.none, bit);
    out.push((f) => (read(f) & none) === 0);
  }
}

function slotConditions(spec: AnyAllNone<string>, out: Condition[]): void {
  const sets = normalizeSets(spec);
  const someSlotMatches = (slots: readonly string[], test: StringTest): boolean => {
    for (const slot of slots) if (test(slot)) return true;
    return false;
  };
  if (sets.any !== undefined) {
    const test = globsTest(sets.any);
    out.push((f) => someSlotMatches(f.assessment.missingSlots, test));
  }
  if (sets.all !== undefined) {
    const tests = sets.all.map((glob) => globsTest(glob));
    out.push((f) => tests.every((test) => someSlotMatches(f.assessment.missingSlots, test)));
  }
  if (sets.none !== undefined) {
    const test = globsTest(sets.none);
    out.push((f) => !someSlotMatches(f.assessment.missingSlots, test));
  }
}

function recordConditions(spec: Record<string, string | string[]>, read: (facts: Facts) => Record<string, string>, lowerKeys: boolean, out: Condition[]): void {
  for (const [rawKey, globs] of Object.entries(spec)) {
    const key = lowerKeys ? rawKey.toLowerCase() : rawKey;
    const test = globsTest(globs);
    out.push((f) => {
      const value = read(f)[key];
      return value !== undefined && test(value);
    });
  }
}

/** Cheapest checks first: request facts, then score, then signal/category masks, then slots. */
export function compileWhen(when: When): Condition[] {
  const out: Condition[] = [];
  if (when.protocol !== undefined) {
    const protocols: ReadonlySet<ProtocolId> = new Set(when.protocol);
    out.push((f) => protocols.has(f.context.protocol));
  }
  if (when.route !== undefined) {
    const test = globsTest(when.route);
    out.push((f) => test(f.context.route));
  }
  if (when.model !== undefined) {
    const test = globsTest(when.model);
    out.push((f) => test(f.context.model));
  }
  if (when.tenant !== undefined) {
    const test = globsTest(when.tenant);
    out.push((f) => f.context.tenant !== null && test(f.context.tenant));
  }
  if (when.score !== undefined) {
    const min = when.score.min ?? 0;
    const max = when.score.max ?? 1;
    out.push((f) => f.assessment.score >= min && f.assessment.score <= max);
  }
  if (when.signals !== undefined) maskConditions(when.signals, signalBit, (f) => f.signalMask, out);
  if (when.categories !== undefined) maskConditions(when.categories, categoryBit, (f) => f.categoryMask, out);
  if (when.missingSlots !== undefined) slotConditions(when.missingSlots, out);
  if (when.headers !== undefined) recordConditions(when.headers, (f) => f.context.headers, true, out);
  if (when.metadata !== undefined) recordConditions(when.metadata, (f) => f.context.metadata, false, out);
  return out;
}

// ---- outcomes -------------------------------------------------------------------------------

function resolveOutcome(then: Then, policy: Policy, templates: Record<keyof Templates, CompiledTemplate>): Outcome {
  const defaults: PolicyDefaults = policy.defaults;
  const action = then.action;
  const mode = action === 'clarify' ? (then.mode ?? defaults.mode) : null;
  let instruction: CompiledTemplate | null = null;
  let reply: CompiledTemplate | null = null;
  if (action === 'annotate') instruction = then.instruction !== undefined ? compileTemplate(then.instruction) : templates.annotate;
  if (action === 'clarify' && mode === 'instruct') instruction = then.instruction !== undefined ? compileTemplate(then.instruction) : templates.clarifyInstruct;
  if (action === 'clarify' && mode === 'respond') reply = then.reply !== undefined ? compileTemplate(then.reply) : templates.clarifyRespond;
  if (action === 'defer') reply = then.reply !== undefined ? compileTemplate(then.reply) : templates.defer;
  return {
    action,
    mode,
    budget: then.budget ?? defaults.budget,
    fallback: then.fallback ?? defaults.fallback,
    instruction,
    reply,
    placement: then.placement ?? defaults.placement,
    escalateTo:
      action === 'escalate'
        ? {
            upstream: then.escalate?.upstream ?? defaults.escalate?.upstream ?? null,
            model: then.escalate?.model ?? defaults.escalate?.model ?? null,
          }
        : null,
    shadow: then.shadow ?? policy.shadow,
    failClosed: then.failClosed ?? defaults.failClosed,
    allowOptOut: then.allowOptOut ?? policy.optOut.allow,
  };
}

const cache = new WeakMap<Policy, CompiledPolicy>();

/** Compiles a validated policy (cached per policy object). */
export function compilePolicy(policy: Policy): CompiledPolicy {
  const cached = cache.get(policy);
  if (cached !== undefined) return cached;
  const templates = {
    annotate: compileTemplate(policy.templates.annotate),
    clarifyInstruct: compileTemplate(policy.templates.clarifyInstruct),
    clarifyRespond: compileTemplate(policy.templates.clarifyRespond),
    defer: compileTemplate(policy.templates.defer),
    question: compileTemplate(policy.templates.question),
  };
  const compiled: CompiledPolicy = {
    policy,
    norms: policy.norms.map((norm) => ({
      name: norm.name,
      conditions: compileWhen(norm.when),
      sample: norm.then.sample ?? null,
      sampleSeed: fnv1a(`${norm.name}\u0000`),
      outcome: resolveOutcome(norm.then, policy, templates),
    })),
    defaultOutcome: resolveOutcome({ action: policy.defaults.action }, policy, templates),
    annotate: templates.annotate,
    question: templates.question,
  };
  cache.set(policy, compiled);
  return compiled;
}
