/**
 * The policy card: the policy in force, restated in plain language for the people it affects —
 * when this deployment asks before answering, when it answers with stated assumptions, when a
 * person reviews, what is recorded and for how long, how to give feedback. Pure: a policy and the
 * recording settings in, a card out; rendered as Markdown, HTML (self-contained, no script) or JSON.
 */
import type { SignalId } from '../detect/assessment.js';
import type { EventsConfig } from '../events/config.js';
import { VerdictSchema } from '../events/schema.js';
import type { Action } from './decision.js';
import type { Norm, Policy, When } from './schema.js';

export interface PolicyCardInput {
  policy: Policy;
  /** The recording settings (`events` in the config). */
  events: EventsConfig;
  /** When this policy was loaded (ISO time); the card's date. */
  loadedAt: string | null;
  /** Path of the feedback API apps call with the `x-clarion-event-id` they received. */
  feedbackPath?: string;
}

export interface PolicyCardRule {
  /** The norm's name, for readers who want to find it in the policy file. */
  norm: string;
  /** When it applies, in plain words. */
  when: string;
  /** What happens then, in plain words. */
  then: string;
  /** Limits that qualify it (sampling, shadow, budget), in plain words. */
  notes: string[];
}

export interface PolicyCardSection {
  id: 'ask' | 'assume' | 'review' | 'reroute' | 'otherwise' | 'rollout' | 'recorded' | 'feedback';
  title: string;
  rules: PolicyCardRule[];
  /** Plain statements that are not tied to one norm. */
  statements: string[];
}

export interface PolicyCard {
  version: string;
  /** The date the policy came into force (YYYY-MM-DD), when known. */
  date: string | null;
  description: string | null;
  sections: PolicyCardSection[];
}

const SIGNAL_PHRASES: Record<SignalId, string> = {
  missing_input: 'the request refers to material (a text, a file, data) that was not included',
  unresolved_reference: 'the request refers to something ("it", "that one") that nothing earlier in the conversation identifies',
  missing_slot: 'a detail the task needs is missing (for example who a message is for, or which language to use)',
  unanchored_time_place: 'the answer depends on a time or place the request does not give',
  polysemy: 'a word in the request has several meanings that lead to different answers',
  contradiction: 'the request asks for things that contradict each other',
  unfamiliar_entity: 'the request names something the assistant may not know',
  answered_clarification: 'the user has just answered a clarifying question',
  clear_request: 'the request states what it needs',
  vague_request: 'the wording of the request is vague overall',
};

const SLOT_PHRASES: Record<string, string> = {
  target_language: 'the language to translate into',
  recipient: 'who a message is for',
  items: 'which things to compare',
  date: 'a date',
  time: 'a time',
  place: 'a place',
  party_size: 'how many people',
  'tool:*': 'a value a tool needs to run',
};

const CATEGORY_PHRASES: Record<string, string> = {
  epistemic: 'the request rests on something unknown or contradictory',
  aleatoric: 'the request leaves out what, when, where or for whom',
  linguistic: 'the request can be read in more than one way',
};

function list(items: string[], joiner: 'or' | 'and'): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${joiner} ${items[items.length - 1]}`;
}

function anyAllNone(value: { any?: string[]; all?: string[]; none?: string[] }, phrase: (item: string) => string): string[] {
  const parts: string[] = [];
  if (value.any !== undefined) parts.push(list(value.any.map(phrase), 'or'));
  if (value.all !== undefined) parts.push(list(value.all.map(phrase), 'and'));
  if (value.none !== undefined) parts.push(`not when ${list(value.none.map(phrase), 'or')}`);
  return parts;
}

function slotPhrase(slot: string): string {
  if (SLOT_PHRASES[slot] !== undefined) return `${SLOT_PHRASES[slot]} is missing`;
  if (slot.startsWith('tool:')) return `a value the tool ${slot.slice(5).replace(/\.\*?$/, '')} needs is missing`;
  return `${slot.replace(/_/g, ' ')} is missing`;
}

function scorePhrase(score: { min?: number; max?: number }): string {
  const pct = (x: number): string => `${Math.round(x * 100)}%`;
  if (score.min !== undefined && score.max !== undefined)
    return `Clarion's estimate that the request is underspecified is between ${pct(score.min)} and ${pct(score.max)}`;
  if (score.min !== undefined) return `Clarion estimates at least a ${pct(score.min)} chance that the request is underspecified`;
  if (score.max !== undefined) return `Clarion's estimate that the request is underspecified is at most ${pct(score.max)}`;
  return '';
}

/** The conditions of a norm in plain words ("for models gpt-4o*, when …"). */
export function describeWhen(when: When): string {
  const scope: string[] = [];
  if (when.protocol !== undefined) scope.push(`on ${list(when.protocol, 'or')}`);
  if (when.route !== undefined) scope.push(`on ${list(when.route, 'or')}`);
  if (when.model !== undefined) scope.push(`for the model${when.model.length > 1 ? 's' : ''} ${list(when.model, 'or')}`);
  if (when.tenant !== undefined) scope.push(`for ${list(when.tenant, 'or')}`);
  for (const [name, globs] of Object.entries(when.headers ?? {})) scope.push(`when the app marks the request ${name}: ${list(globs, 'or')}`);
  for (const [key, globs] of Object.entries(when.metadata ?? {})) scope.push(`when the request's ${key} is ${list(globs, 'or')}`);
  const conditions: string[] = [];
  if (when.signals !== undefined) conditions.push(...anyAllNone(when.signals, (id) => SIGNAL_PHRASES[id as SignalId] ?? id));
  if (when.missingSlots !== undefined) conditions.push(...anyAllNone(when.missingSlots, slotPhrase));
  if (when.categories !== undefined) conditions.push(...anyAllNone(when.categories, (c) => CATEGORY_PHRASES[c] ?? c));
  if (when.score !== undefined) conditions.push(scorePhrase(when.score));
  const scoped = scope.length > 0 ? `${scope.join(', ')}: ` : '';
  if (conditions.length === 0) return `${scoped}every request`;
  return `${scoped}when ${conditions.join(', and ')}`;
}

function thenPhrase(norm: Norm, policy: Policy): { then: string; notes: string[] } {
  const t = norm.then;
  const notes: string[] = [];
  if (t.sample !== undefined && t.sample < 1) notes.push(`applies to about ${Math.round(t.sample * 100)}% of conversations while it is being tried out`);
  if (t.shadow === true || policy.shadow) notes.push('being tried out: the decision is recorded but not applied');
  let then: string;
  switch (t.action) {
    case 'clarify': {
      const mode = t.mode ?? policy.defaults.mode;
      const budget = t.budget ?? policy.defaults.budget;
      const fallback = t.fallback ?? policy.defaults.fallback;
      then =
        mode === 'respond'
          ? 'Clarion replies with one clarifying question instead of answering'
          : mode === 'interpret'
            ? t.interpretBy === 'clarion'
              ? 'Clarion lists the ways your request can be read and asks which one you mean (when it can name them; otherwise the assistant answers briefly under each)'
              : 'the assistant answers briefly under the two or three most plausible readings of your request and asks you which one you meant'
            : 'the assistant is asked to reply with one clarifying question instead of answering';
      notes.push(
        budget === 0
          ? 'but no clarifying question is ever asked: the conversation budget is 0'
          : `at most ${budget === 1 ? 'once' : `${budget} times`} per conversation, and never again once you have answered one`,
      );
      notes.push(fallback === 'annotate' ? 'after that, the assistant answers and says what it assumed' : 'after that, the request is answered as it is');
      if (t.precedent !== undefined) {
        const whose = t.precedent.scope === 'user' ? 'you have' : 'someone in your organisation has';
        const days = Math.max(1, Math.round(t.precedent.ttl / 86_400));
        notes.push(
          `if ${whose} answered the same kind of question in the last ${days === 1 ? 'day' : `${days} days`}, that answer is used instead of asking again, and the assistant says what it assumed`,
        );
      }
      break;
    }
    case 'annotate':
      then = 'the assistant answers, and states at the start of its answer what it assumed';
      break;
    case 'defer':
      then = 'a member of the team reviews the request before it is answered; you receive a message saying so';
      break;
    case 'escalate': {
      const target = t.escalate?.model ?? t.escalate?.upstream ?? policy.defaults.escalate?.model ?? policy.defaults.escalate?.upstream;
      then = `the request is sent to ${target === undefined ? 'another model' : `a different model, ${target}`}`;
      break;
    }
    case 'pass':
      then = 'the request is answered as it is';
      break;
  }
  return { then, notes };
}

const SECTION_OF: Record<Action, PolicyCardSection['id']> = {
  clarify: 'ask',
  annotate: 'assume',
  defer: 'review',
  escalate: 'reroute',
  pass: 'otherwise',
};

const TITLES: Record<PolicyCardSection['id'], string> = {
  ask: 'When we ask you first',
  assume: 'When we answer and say what we assumed',
  review: 'When a person reviews your request',
  reroute: 'When your request goes to a different model',
  otherwise: 'Otherwise',
  rollout: 'Trying out changes, and opting out',
  recorded: 'What is recorded, and for how long',
  feedback: 'How to tell us we got it wrong',
};

function recordedStatements(events: EventsConfig): string[] {
  if (!events.enabled) return ['Nothing is recorded: event recording is switched off.'];
  const out = [
    'Every time Clarion asks, states assumptions, sends a request for review or to another model, it records the decision: the estimate, the reasons it found, the rule that applied and the outcome.',
    `Requests passed on unchanged are recorded when the estimate is at least ${Math.round(events.record.passScoreFloor * 100)}%, and about ${+(events.record.passSampleRate * 100).toFixed(2)}% of the others, to measure how often Clarion stays silent.`,
  ];
  const redaction = events.redaction;
  if (redaction.mode === 'none') out.push('The text of your request is not stored, only a fingerprint of it that cannot be turned back into text.');
  else {
    const stored =
      redaction.mode === 'excerpt' ? `At most the first ${redaction.excerptChars} characters of your request are stored` : 'The text of your request is stored';
    out.push(`${stored}, with e-mail addresses, phone numbers, card numbers, access keys and passwords removed.`);
  }
  const retention = events.retention;
  out.push(
    retention.strategy === 'minid'
      ? `Records are deleted after ${retention.days} days; daily counts without any text are kept for ${retention.rollupDays} days.`
      : `The most recent ${retention.maxLen.toLocaleString('en-US')} records are kept (older ones are deleted, and in the embedded store after ${retention.days} days); daily counts without any text are kept for ${retention.rollupDays} days.`,
  );
  out.push('API keys and authorization headers are never recorded.');
  return out;
}

/** Builds the card for a policy and the recording settings in force. */
export function buildPolicyCard(input: PolicyCardInput): PolicyCard {
  const { policy } = input;
  const sections = new Map<PolicyCardSection['id'], PolicyCardSection>();
  const section = (id: PolicyCardSection['id']): PolicyCardSection => {
    let found = sections.get(id);
    if (found === undefined) {
      found = { id, title: TITLES[id], rules: [], statements: [] };
      sections.set(id, found);
    }
    return found;
  };
  for (const id of ['ask', 'assume', 'review', 'reroute', 'otherwise'] as const) section(id);
  for (const norm of policy.norms) {
    const { then, notes } = thenPhrase(norm, policy);
    section(SECTION_OF[norm.then.action]).rules.push({ norm: norm.name, when: norm.description ?? describeWhen(norm.when), then, notes });
  }
  const otherwise = section('otherwise');
  const fallbackNorm: Norm = { name: '(default)', when: {}, then: { action: policy.defaults.action } };
  otherwise.statements.push(
    policy.norms.length === 0
      ? `Every request: ${thenPhrase(fallbackNorm, policy).then}.`
      : `Any request none of the rules above applies to: ${thenPhrase(fallbackNorm, policy).then}.`,
  );
  for (const id of ['ask', 'assume', 'review', 'reroute'] as const) {
    const s = section(id);
    if (s.rules.length === 0) s.statements.push(id === 'ask' ? 'This deployment never asks a clarifying question itself.' : 'Never, under this policy.');
  }
  const rollout = section('rollout');
  if (policy.shadow) rollout.statements.push('This whole policy is being tried out: its decisions are recorded, but every request is answered as it is.');
  rollout.statements.push(
    policy.optOut.allow
      ? 'Apps may mark a request to be left alone (header x-clarion-opt-out: 1); rules that say otherwise still apply.'
      : 'Apps cannot switch these rules off for a request, except where a rule says so.',
  );
  section('recorded').statements.push(...recordedStatements(input.events));
  const feedbackPath = input.feedbackPath ?? '/v1/clarion/feedback';
  section('feedback').statements.push(
    `Every reply Clarion recorded carries an x-clarion-event-id header. Apps send it back to ${feedbackPath} with a verdict: ${list(VerdictSchema.options.map(verdictPhrase), 'or')}.`,
    'Those verdicts are reviewed and used to correct these rules; the version below changes whenever they do.',
  );
  return {
    version: policy.version,
    date: input.loadedAt === null ? null : input.loadedAt.slice(0, 10),
    description: policy.description ?? null,
    sections: [...sections.values()],
  };
}

function verdictPhrase(verdict: string): string {
  return verdict === 'missed' ? 'missed (Clarion should have asked)' : verdict;
}

function capitalise(text: string): string {
  return text.length === 0 ? text : `${text[0]?.toUpperCase()}${text.slice(1)}`;
}

function ruleSentence(rule: PolicyCardRule): string {
  const when = capitalise(rule.when.replace(/\.$/, ''));
  const notes = rule.notes.length > 0 ? ` (${rule.notes.join('; ')})` : '';
  return `${when}: ${rule.then}${notes}.`;
}

/** The card as Markdown. */
export function renderPolicyCardMarkdown(card: PolicyCard): string {
  const lines = [`# How this assistant handles unclear requests`, ''];
  if (card.description !== null) lines.push(card.description, '');
  for (const section of card.sections) {
    lines.push(`## ${section.title}`, '');
    for (const rule of section.rules) lines.push(`- ${ruleSentence(rule)}`);
    for (const statement of section.statements) lines.push(`- ${statement}`);
    lines.push('');
  }
  lines.push(`Policy version ${card.version}${card.date === null ? '' : `, in force since ${card.date}`}.`, '');
  return lines.join('\n');
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** The card as a self-contained HTML page: no script, no external resources. */
export function renderPolicyCardHtml(card: PolicyCard): string {
  const body: string[] = [];
  if (card.description !== null) body.push(`<p>${escapeHtml(card.description)}</p>`);
  for (const section of card.sections) {
    body.push(`<section id="${section.id}"><h2>${escapeHtml(section.title)}</h2><ul>`);
    for (const rule of section.rules) body.push(`<li data-norm="${escapeHtml(rule.norm)}">${escapeHtml(ruleSentence(rule))}</li>`);
    for (const statement of section.statements) body.push(`<li>${escapeHtml(statement)}</li>`);
    body.push('</ul></section>');
  }
  const footer = `Policy version ${escapeHtml(card.version)}${card.date === null ? '' : `, in force since <time datetime="${card.date}">${card.date}</time>`}.`;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>How this assistant handles unclear requests</title>',
    '<style>body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem}@media (prefers-color-scheme:dark){body{background:#111;color:#eee}}h2{font-size:1.1rem;margin-top:1.5rem}</style>',
    '</head><body>',
    '<h1>How this assistant handles unclear requests</h1>',
    ...body,
    `<footer><p>${footer}</p></footer>`,
    '</body></html>',
    '',
  ].join('\n');
}
