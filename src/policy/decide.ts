/**
 * decide(): the policy applied to one assessed request. Pure and synchronous — no I/O, no clock,
 * no randomness (sampling hashes the conversation id) — so the same inputs always give the same
 * decision, in replay as in production.
 *
 * Order of evaluation:
 *   1. norms in file order; a norm matches when every `when` condition holds and, if it has a
 *      `sample`, the conversation falls in its share; the first match decides, else `defaults`;
 *   2. opt-out: the app's opt-out header turns a non-pass decision into pass where allowed;
 *   3. clarify guards: after an answered clarification, or with the conversation's clarification
 *      budget spent, clarify becomes the norm's fallback (annotate by default, or pass);
 *   4. shadow: the decision is marked shadow (reported, not applied).
 */
import type { Assessment } from '../detect/assessment.js';
import { compilePolicy, samplePosition, signalBit, categoryBit, type CompiledNorm, type Facts, type Outcome } from './compile.js';
import type { Action, Decision, RequestContext } from './decision.js';
import type { Policy } from './schema.js';
import { assumedPhrase, precedentGaps } from './precedent.js';
import { readingsOf } from './readings.js';
import { renderTemplate, templateValues, type CompiledTemplate } from './templates.js';

const ANSWERED = signalBit('answered_clarification');
const MISSING_INPUT = signalBit('missing_input');

/** clarificationsSoFar when conversation memory could not be read: counts as budget spent (see memory.ts). */
export const CLARIFICATIONS_UNKNOWN = Number.MAX_SAFE_INTEGER;

function normMatches(norm: CompiledNorm, facts: Facts): boolean {
  for (const condition of norm.conditions) if (!condition(facts)) return false;
  if (norm.sample !== null) {
    if (norm.sample <= 0) return false;
    if (norm.sample < 1 && samplePosition(norm.sampleSeed, facts.context.conversationId) >= norm.sample) return false;
  }
  return true;
}

function describeAssessment(assessment: Assessment): string {
  let signals = '';
  let seen = 0;
  for (const signal of assessment.signals) {
    const bit = signalBit(signal.id);
    if ((seen & bit) !== 0) continue;
    seen |= bit;
    signals = signals === '' ? signal.id : `${signals}, ${signal.id}`;
  }
  return `score ${assessment.score.toFixed(2)}${signals === '' ? '' : `; signals ${signals}`}`;
}

/** Where a pass decision takes `failClosed` and `placement` from: the matched outcome, or the defaults. */
type PassSettings = Pick<Outcome, 'failClosed' | 'placement'>;

function passDecision(policy: Policy, norm: string | null, reason: string, settings: PassSettings): Decision {
  return {
    action: 'pass',
    mode: null,
    norm,
    policyVersion: policy.version,
    shadow: false,
    instruction: null,
    placement: settings.placement,
    reply: null,
    escalateTo: null,
    reason,
    failClosed: settings.failClosed,
  };
}

function firstMatch(norms: readonly CompiledNorm[], facts: Facts): CompiledNorm | null {
  for (const norm of norms) if (normMatches(norm, facts)) return norm;
  return null;
}

/**
 * Why a clarify outcome may not ask this time, or null when it may: the app's reply contract has
 * no room for a question (a JSON schema, a forced tool call, several choices), the user already
 * answered one, or the budget is spent or unknown.
 */
function clarifyBlocked(outcome: Outcome, context: RequestContext, signalMask: number): string | null {
  const constraints = context.replyConstraints;
  if (constraints !== undefined && constraints.length > 0) return `the app requires ${constraints.join(', ')}, which a question would break`;
  if ((signalMask & ANSWERED) !== 0) return 'the user already answered a clarification';
  if (context.clarificationsSoFar >= CLARIFICATIONS_UNKNOWN)
    return 'clarification count unavailable (conversation memory did not answer), budget treated as spent';
  if (context.clarificationsSoFar >= outcome.budget) return `clarification budget spent (${context.clarificationsSoFar} of ${outcome.budget})`;
  return null;
}

export function decide(assessment: Assessment, context: RequestContext, policy: Policy): Decision {
  const compiled = compilePolicy(policy);
  let signalMask = 0;
  for (const signal of assessment.signals) signalMask |= signalBit(signal.id);
  let categoryMask = 0;
  for (const category of assessment.categories) categoryMask |= categoryBit(category);
  const matched = firstMatch(compiled.norms, { assessment, context, signalMask, categoryMask });
  const outcome: Outcome = matched?.outcome ?? compiled.defaultOutcome;
  const normName = matched?.name ?? null;
  let reason =
    matched !== null
      ? `norm "${matched.name}" matched (${describeAssessment(assessment)})`
      : `no norm matched (${describeAssessment(assessment)}); defaults apply`;

  if (outcome.action === 'pass') return passDecision(policy, normName, reason, outcome);

  if (context.optOut) {
    if (outcome.allowOptOut) return passDecision(policy, normName, `${reason}; ${outcome.action} skipped: the app opted out and the policy allows it`, outcome);
    reason += '; opt-out requested but not allowed here';
  }

  let action: Action = outcome.action;
  let instruction: CompiledTemplate | null = outcome.instruction;
  let reply: CompiledTemplate | null = outcome.reply;
  const filled = action === 'clarify' && outcome.precedent !== null ? fromPrecedent(assessment, context, outcome.precedent.scope) : null;
  const blocked = action === 'clarify' && filled === null ? clarifyBlocked(outcome, context, signalMask) : null;
  if (filled !== null) {
    reason += `; ${filled.kinds.join(', ')} filled from the ${outcome.precedent?.scope ?? 'user'}'s earlier answers, not asked again`;
    action = 'annotate';
    instruction = compiled.precedent;
    reply = null;
  } else if (blocked !== null) {
    reason += `; ${blocked}, ${outcome.fallback} instead of clarify`;
    if (outcome.fallback === 'pass') return passDecision(policy, normName, reason, outcome);
    action = 'annotate';
    instruction = compiled.annotate;
    reply = null;
  }

  // Interpret by Clarion: its own reply when the detector names the readings, else the model offers them.
  if (instruction !== null && reply !== null) {
    if (readingsOf(assessment).length > 0) instruction = null;
    else reply = null;
  }

  // "Answer in full" cannot be done without the material: the policy's own annotate text gives way
  // to the one that says what is missing (a norm's own instruction is kept as written).
  if (action === 'annotate' && instruction === compiled.annotate && (signalMask & MISSING_INPUT) !== 0) instruction = compiled.annotateMissing;

  const values =
    instruction !== null || reply !== null
      ? templateValues(
          { assessment, norm: normName, model: context.model, tenant: context.tenant, ...(filled === null ? {} : { assumed: filled.phrase }) },
          compiled.question,
        )
      : null;
  const rendered = instruction !== null && values !== null ? withReplyContract(renderTemplate(instruction, values), context) : null;
  return {
    action,
    mode: action === 'clarify' ? outcome.mode : null,
    norm: normName,
    policyVersion: policy.version,
    shadow: outcome.shadow,
    instruction: rendered,
    placement: outcome.placement,
    reply: reply !== null && values !== null ? renderTemplate(reply, values) : null,
    escalateTo: action === 'escalate' ? outcome.escalateTo : null,
    reason: outcome.shadow ? `${reason}; shadow: reported, not applied` : reason,
    failClosed: outcome.failClosed,
    ...(action === 'clarify' && outcome.precedent !== null ? { precedent: outcome.precedent } : {}),
    ...(filled === null ? {} : { assumed: filled.kinds }),
  };
}

const SOURCE: Record<'user' | 'tenant', string> = {
  user: 'the user gave this answer when asked before',
  tenant: 'this answer was given in the same organisation before',
};

/**
 * Every gap of the request filled from earlier answers (context.precedents, read by the pipeline
 * only when this norm is about to ask), or null when any gap has none.
 */
function fromPrecedent(assessment: Assessment, context: RequestContext, scope: 'user' | 'tenant'): { kinds: string[]; phrase: string } | null {
  const answers = context.precedents;
  if (answers === undefined) return null;
  const gaps = precedentGaps(assessment);
  if (gaps === null) return null;
  const parts: string[] = [];
  for (const gap of gaps) {
    const answer = answers[gap.kind];
    if (answer === undefined) return null;
    parts.push(assumedPhrase(gap.kind, answer));
  }
  return { kinds: gaps.map((g) => g.kind), phrase: `${parts.join('; ')} (${SOURCE[scope]})` };
}

/**
 * An injected instruction, with the app's reply contract restated when it has one: the model must
 * not break a JSON schema or a forced tool call to state assumptions.
 */
function withReplyContract(instruction: string, context: RequestContext): string {
  const constraints = context.replyConstraints;
  if (constraints === undefined || constraints.length === 0) return instruction;
  return `${instruction} ${keepFormatSentence(constraints)}`;
}

/** The sentence added to an instruction when the app constrains the reply. */
export function keepFormatSentence(constraints: readonly string[]): string {
  return (
    `The app requires ${constraints.join(', ')} for this reply: keep to that exactly, ` +
    'and state assumptions only where that format has room for them (otherwise leave them out).'
  );
}

/**
 * The decision when the detector or decide() itself threw: forward unchanged. failClosed follows
 * `defaults.failClosed` (no norm could be matched).
 */
export function failureDecision(policy: Policy, stage: 'detector' | 'policy', error: unknown): Decision {
  const message = error instanceof Error ? error.message : String(error);
  return passDecision(policy, null, `${stage} failed (${message.slice(0, 200)}); forwarded unchanged`, policy.defaults);
}
