/** Realistic EventInput values built by hand (the detector and policy are separate modules). */
import type { Conversation } from '../../src/conversation.js';
import type { Assessment } from '../../src/detect/assessment.js';
import type { EventInput } from '../../src/events/input.js';
import type { Decision, RequestContext } from '../../src/policy/decision.js';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { ConfigSchema, type Config } from '../../src/config/schema.js';

export function conversation(text: string, model = 'gpt-4o-mini'): Conversation {
  return {
    protocol: 'openai-chat',
    model,
    system: 'You are a helpful assistant.',
    turns: [
      { role: 'user', parts: [{ type: 'text', text: 'Hi there' }] },
      { role: 'assistant', parts: [{ type: 'text', text: 'Hello! How can I help?' }] },
      { role: 'user', parts: [{ type: 'text', text }] },
    ],
    tools: [],
    stream: false,
  };
}

export function assessment(overrides: Partial<Assessment> = {}): Assessment {
  return {
    score: 0.82,
    categories: ['aleatoric'],
    signals: [
      { id: 'missing_slot', category: 'aleatoric', weight: 1.4, evidence: 'translate this', slot: 'target_language' },
      { id: 'unresolved_reference', category: 'linguistic', weight: 0.9, evidence: '"this" has no antecedent' },
    ],
    missingSlots: ['target_language'],
    suggestedQuestion: 'Which language should I translate it into?',
    detectorVersion: 'rules-1',
    ...overrides,
  };
}

export function decision(overrides: Partial<Decision> = {}): Decision {
  return {
    action: 'clarify',
    mode: 'respond',
    norm: 'ask-when-vague',
    policyVersion: 'p-2026-11-01',
    shadow: false,
    instruction: null,
    placement: 'append',
    reply: 'Which language should I translate it into?',
    escalateTo: null,
    reason: 'norm "ask-when-vague": score 0.82 >= 0.7',
    failClosed: false,
    ...overrides,
  };
}

export function context(overrides: Partial<RequestContext> = {}): RequestContext {
  return {
    protocol: 'openai-chat',
    route: '/v1/chat/completions',
    model: 'gpt-4o-mini',
    tenant: 'acme',
    headers: { 'content-type': 'application/json', 'user-agent': 'OpenAI/JS 6.0' },
    metadata: {},
    conversationId: 'conv-1',
    clarificationsSoFar: 0,
    optOut: false,
    ...overrides,
  };
}

export interface InputOptions {
  id: string;
  time?: number;
  text?: string;
  assessment?: Partial<Assessment>;
  decision?: Partial<Decision>;
  context?: Partial<RequestContext>;
}

export function eventInput(options: InputOptions): EventInput {
  const ctx = context(options.context);
  return {
    id: options.id,
    time: options.time ?? Date.now(),
    requestId: `req-${options.id}`,
    context: ctx,
    upstream: 'openai',
    conversation: conversation(options.text ?? 'translate this', ctx.model),
    assessment: assessment(options.assessment),
    decision: decision(options.decision),
    detectorMicros: 42,
    upstreamStatus: null,
    upstreamMs: null,
    errorCode: null,
  };
}

export function testConfig(overrides: { redisUrl?: string; prefix?: string; commandTimeoutMs?: number; events?: Record<string, unknown> } = {}): Config {
  return ConfigSchema.parse({
    upstreams: [{ name: 'openai', api: 'openai', baseUrl: 'https://api.openai.com/v1' }],
    redis: {
      ...(overrides.redisUrl === undefined ? {} : { url: overrides.redisUrl }),
      ...(overrides.commandTimeoutMs === undefined ? {} : { commandTimeoutMs: overrides.commandTimeoutMs }),
      prefix: overrides.prefix ?? 'clarion:',
    },
    events: overrides.events ?? {},
  });
}

/** A unique prefix per test run so tests never see each other's keys on the shared Redis. */
export function uniquePrefix(name: string): string {
  return `clarion-test:${name}:${process.pid}:${Date.now()}:${Math.random().toString(36).slice(2, 8)}:`;
}

/** Deletes every key under `prefix` (tests on the shared Redis clean up after themselves). */
export async function deleteKeys(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await client.del(...keys);
  } while (cursor !== '0');
}

/** Every event id in the stream, in stream order (duplicates kept, so tests can count them). */
export async function streamIds(client: Redis, stream: string): Promise<string[]> {
  const ids: string[] = [];
  let start = '-';
  for (;;) {
    const entries = (await client.xrange(stream, start, '+', 'COUNT', 5000)) as [string, string[]][];
    for (const [, fields] of entries) {
      const at = fields.indexOf('id');
      if (at >= 0) ids.push(fields[at + 1] ?? '');
    }
    if (entries.length < 5000) return ids;
    start = `(${entries[entries.length - 1]?.[0] ?? '0-0'}`;
  }
}

export const silentLogger = pino({ level: 'silent' });
