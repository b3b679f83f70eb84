/**
 * Seeds an embedded event store with a week of realistic events for the console tests: real
 * requests assessed by the shipped detector and decided by real policies — an earlier, stricter
 * policy version for the first days, then the current one — so the overview has a version marker,
 * evidence spans match the text, and some clarifications carry `unneeded` labels.
 */
import { conversationFromText } from '../../../src/conversation.js';
import { createDetector } from '../../../src/detect/index.js';
import { EventsConfigSchema } from '../../../src/events/config.js';
import { buildEvent } from '../../../src/events/build.js';
import { createIdGenerator } from '../../../src/events/id.js';
import type { ClarionEvent } from '../../../src/events/schema.js';
import { decide } from '../../../src/policy/decide.js';
import type { RequestContext } from '../../../src/policy/decision.js';
import { parsePolicy } from '../../../src/policy/load.js';
import type { EventBackend } from '../../../src/events/store.js';

/** The policy in force in the tests: ask about missing material and missing slots; annotate other named gaps; defer acme-legal. */
export const CURRENT_POLICY = `version: "v2-current"
description: Ask when material or an essential detail is missing; annotate other named gaps.
defaults:
  action: pass
  mode: instruct
  budget: 1
  fallback: annotate
norms:
  - name: legal-defers
    description: Unclear requests from the legal tenant go to a person.
    when: { tenant: "acme-legal", score: { min: 0.5 } }
    then: { action: defer }
  - name: clarify-missing-material
    when: { signals: [missing_input], score: { min: 0.5 } }
    then: { action: clarify }
  - name: clarify-missing-detail
    when: { missingSlots: [target_language, recipient], score: { min: 0.5 } }
    then: { action: clarify }
  - name: clarify-ambiguous-words
    when: { signals: [polysemy, unanchored_time_place], score: { min: 0.5 } }
    then: { action: clarify }
  - name: annotate-underspecified
    when: { score: { min: 0.5 }, signals: [unresolved_reference, missing_slot, contradiction, unfamiliar_entity] }
    then: { action: annotate }
`;

/** The earlier version: clarify whenever the score is high. */
export const EARLIER_POLICY = `version: "v1-strict"
defaults: { action: pass, mode: instruct, budget: 1, fallback: annotate }
norms:
  - name: clarify-any-gap
    when: { score: { min: 0.5 } }
    then: { action: clarify }
`;

/** The candidate an analyst writes after seeing the polysemy questions labelled unneeded: annotate those instead. */
export const CANDIDATE_POLICY = CURRENT_POLICY.replace('version: "v2-current"', 'version: "v3-candidate"').replace(
  `  - name: clarify-ambiguous-words
    when: { signals: [polysemy, unanchored_time_place], score: { min: 0.5 } }
    then: { action: clarify }`,
  `  - name: annotate-ambiguous-words
    when: { signals: [polysemy, unanchored_time_place], score: { min: 0.5 } }
    then: { action: annotate }`,
);

const PROMPTS = [
  'Can you fix it?',
  'Summarize the attached report',
  'Translate this document into the language we discussed',
  'What is the weather like today?',
  'Tell me about Python',
  'What is the capital of France?',
  'Write a haiku about autumn leaves falling on a quiet pond',
  'Explain how a bicycle gear works to a ten year old',
  'Compare the two options',
  'How do I reverse a list in JavaScript?',
  'What time does the store open?',
  'Tell me about Mercury',
  'List three prime numbers greater than 100',
  'Make it shorter',
];
const MODELS = ['gpt-4o-mini', 'gpt-4o', 'claude-sonnet-4-5'];
const TENANTS = ['acme', 'globex', 'acme', 'acme-legal', 'globex', null];

export interface Seeded {
  events: ClarionEvent[];
  /** Ids of polysemy/time-place clarifications labelled `unneeded`. */
  unneeded: string[];
}

/** Writes `count` events spread over the `days` before `now` into `store` (Redis or the file store), and labels some. */
export async function seedEvents(
  store: Pick<EventBackend, 'append' | 'label'>,
  options: { now?: number; days?: number; count?: number } = {},
): Promise<Seeded> {
  const now = options.now ?? Date.now();
  const days = options.days ?? 7;
  const count = options.count ?? 240;
  const config = EventsConfigSchema.parse({});
  const detector = createDetector();
  const earlier = parsePolicy(EARLIER_POLICY, 'earlier');
  const current = parsePolicy(CURRENT_POLICY, 'current');
  let clock = now - days * 86_400_000;
  const nextId = createIdGenerator(() => clock);
  const events: ClarionEvent[] = [];
  const step = (days * 86_400_000 - 3_600_000) / count;
  for (let i = 0; i < count; i++) {
    clock = Math.round(now - days * 86_400_000 + i * step);
    const text = PROMPTS[(i * 5) % PROMPTS.length] as string;
    const model = MODELS[i % MODELS.length] as string;
    const tenant = TENANTS[i % TENANTS.length] ?? null;
    const conversation = conversationFromText(text, model);
    const assessment = detector.assess(conversation);
    const context: RequestContext = {
      protocol: 'openai-chat',
      route: '/v1/chat/completions',
      model,
      tenant,
      headers: {},
      metadata: {},
      conversationId: `conv-${i}`,
      clarificationsSoFar: 0,
      optOut: false,
    };
    const policy = i < count * 0.35 ? earlier : current;
    const decision = decide(assessment, context, policy);
    if (decision.action === 'pass' && assessment.score < 0.3 && i % 5 !== 0) continue;
    const id = nextId();
    const forwarded = decision.action !== 'defer' && !(decision.action === 'clarify' && decision.mode === 'respond');
    events.push(
      buildEvent(
        {
          id,
          time: clock,
          requestId: `req-${i}`,
          context,
          upstream: forwarded ? 'openai' : null,
          conversation,
          assessment,
          decision,
          detectorMicros: 40 + (i % 30),
          upstreamStatus: forwarded ? 200 : null,
          upstreamMs: forwarded ? 300 + ((i * 37) % 900) : null,
          errorCode: null,
        },
        'seed',
        config.redaction,
      ),
    );
  }
  const outcome = await store.append(
    events,
    events.map((e) => JSON.stringify(e)),
  );
  if (outcome.failed.length > 0) throw new Error(`seeding failed: ${String(outcome.error)}`);
  const unneeded: string[] = [];
  let labelled = 0;
  for (const event of events) {
    if (event.action !== 'clarify') continue;
    const ambiguous =
      event.signals.some((s) => s.id === 'polysemy' || s.id === 'unanchored_time_place') && !event.signals.some((s) => s.id === 'missing_input');
    const time = new Date(Date.parse(event.time) + 60_000).toISOString();
    if (ambiguous && labelled % 2 === 0) {
      await store.label(event.id, { verdict: 'unneeded', note: 'the answer was obvious from context', time, source: 'app' });
      unneeded.push(event.id);
    } else if (!ambiguous && labelled % 3 === 0) {
      await store.label(event.id, { verdict: 'needed', note: null, time, source: 'app' });
    }
    labelled++;
  }
  return { events, unneeded };
}
