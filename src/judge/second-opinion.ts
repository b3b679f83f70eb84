/**
 * The second opinion: for requests whose local score falls in the grey band, ask a configured
 * model (through any configured upstream) whether the request is underspecified. I/O lives here,
 * never in src/detect (which stays pure); the prompt and the strict reading of the answer are in
 * ./prompt.ts, the wire format of the call in src/protocols/completion.ts.
 *
 * Guarantees: ask() never rejects and settles within `timeoutMs` (the call is aborted then);
 * verdicts are cached by request hash for `cacheTtlS`, and a request already being judged shares
 * the call in flight; at most `maxConcurrent` calls run at once (beyond that: `busy`, the local
 * score decides); the call goes straight to the upstream's pool with `x-clarion-second-opinion`,
 * so it is never assessed itself, and a request carrying that header never asks for one.
 */
import { createHash } from 'node:crypto';
import { Counter, Histogram, type Registry } from 'prom-client';
import { turnText, type Conversation } from '../conversation.js';
import { completionAnswer, completionCall } from '../protocols/completion.js';
import { upstreamPath } from '../proxy/routing.js';
import type { Upstream } from '../proxy/upstreams.js';
import type { SecondOpinionConfig } from './config.js';
import { JUDGE_SYSTEM_PROMPT, judgePrompt, readVerdict, type JudgeVerdict } from './prompt.js';

/** The header marking Clarion's own judge calls (and requests that must not ask for one). */
export const SECOND_OPINION_HEADER = 'x-clarion-second-opinion';

/** How a second opinion ended: a verdict (fresh or cached), or why there is none. */
export type SecondOpinionOutcome = 'verdict' | 'cached' | 'timeout' | 'error' | 'garbage' | 'refused' | 'busy';

export interface SecondOpinion {
  outcome: SecondOpinionOutcome;
  /** Set for `verdict` and `cached`. */
  verdict: JudgeVerdict | null;
  /** Milliseconds the caller waited. */
  ms: number;
}

export interface SecondOpinionService {
  readonly config: SecondOpinionConfig;
  /** Whether a local score is in the grey band. */
  inBand(score: number): boolean;
  /** Never rejects; settles within `timeoutMs`. */
  ask(conversation: Conversation): Promise<SecondOpinion>;
}

/** Answer tokens the judge may use: the verdict object is short. */
const MAX_ANSWER_TOKENS = 200;
/** Verdicts cached at most (least recently stored dropped first). */
const CACHE_LIMIT = 10_000;

interface Metrics {
  calls: Counter<'outcome'>;
  seconds: Histogram;
  tokens: Counter<'direction'>;
}

function createMetrics(registry: Registry): Metrics {
  return {
    calls: new Counter({
      name: 'clarion_second_opinion_total',
      help: 'Second opinions asked for, by outcome (verdict, cached, timeout, error, garbage, refused, busy)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    seconds: new Histogram({
      name: 'clarion_second_opinion_seconds',
      help: 'Duration of judge calls (cached and busy excluded)',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers: [registry],
    }),
    tokens: new Counter({
      name: 'clarion_second_opinion_tokens_total',
      help: 'Tokens the judge upstream reported for second-opinion calls, by direction (input, output)',
      labelNames: ['direction'],
      registers: [registry],
    }),
  };
}

/** The request's identity for the cache: model, system text, turns and tool names. */
export function requestHash(conversation: Conversation): string {
  const hash = createHash('sha256');
  hash.update(conversation.model);
  hash.update('\u0000');
  hash.update(conversation.system);
  for (const turn of conversation.turns) {
    hash.update(`\u0001${turn.role}\u0002`);
    hash.update(turnText(turn));
    for (const part of turn.parts) if (part.type !== 'text') hash.update(`\u0003${part.type}`);
  }
  for (const tool of conversation.tools) hash.update(`\u0004${tool.name}`);
  if (conversation.priorContext !== undefined) hash.update(`\u0005${conversation.priorContext.id}`);
  return hash.digest('hex');
}

interface CallResult {
  outcome: 'verdict' | 'timeout' | 'error' | 'garbage' | 'refused';
  verdict: JudgeVerdict | null;
}

export interface SecondOpinionOptions {
  config: SecondOpinionConfig;
  upstream: Upstream;
  registry: Registry;
  /** Reports failed calls (rate-limited by the caller's logger, if at all). */
  onFailure?: (outcome: SecondOpinionOutcome, detail: string) => void;
  now?: () => number;
}

export function createSecondOpinion(options: SecondOpinionOptions): SecondOpinionService {
  const { config, upstream } = options;
  const metrics = createMetrics(options.registry);
  const now = options.now ?? Date.now;
  const onFailure = options.onFailure ?? (() => {});
  const cache = new Map<string, { verdict: JudgeVerdict; expiresAt: number }>();
  const inFlight = new Map<string, Promise<CallResult>>();
  const [lo, hi] = config.band;
  const family = upstream.config.api;

  const headers: Record<string, string> = { ...upstream.config.headers, 'content-type': 'application/json', [SECOND_OPINION_HEADER]: '1' };
  if (family === 'anthropic' && headers['anthropic-version'] === undefined) headers['anthropic-version'] = '2023-06-01';
  if (upstream.config.auth !== undefined) headers[upstream.config.auth.header] = upstream.config.auth.value;

  async function call(conversation: Conversation): Promise<CallResult> {
    const request = completionCall(family, { model: config.model, system: JUDGE_SYSTEM_PROMPT, user: judgePrompt(conversation), maxTokens: MAX_ANSWER_TOKENS });
    const started = performance.now();
    try {
      const response = await upstream.pool.request({
        path: upstreamPath(upstream.config, upstream.basePath, request.path),
        method: 'POST',
        headers,
        body: request.body,
        signal: AbortSignal.timeout(config.timeoutMs),
      });
      const text = await response.body.text();
      if (response.statusCode < 200 || response.statusCode >= 300) {
        onFailure('error', `HTTP ${response.statusCode}`);
        return { outcome: 'error', verdict: null };
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        onFailure('garbage', 'the response body is not JSON');
        return { outcome: 'garbage', verdict: null };
      }
      const answer = completionAnswer(family, body);
      if (answer.usage !== null) {
        metrics.tokens.inc({ direction: 'input' }, answer.usage.inputTokens);
        metrics.tokens.inc({ direction: 'output' }, answer.usage.outputTokens);
      }
      if (answer.refused) return { outcome: 'refused', verdict: null };
      const verdict = readVerdict(answer.text);
      if (verdict === null) {
        onFailure('garbage', 'the answer is not the verdict object');
        return { outcome: 'garbage', verdict: null };
      }
      return { outcome: 'verdict', verdict };
    } catch (error) {
      const name = (error as { name?: string }).name;
      const timeout = name === 'TimeoutError' || name === 'AbortError';
      if (!timeout) onFailure('error', (error as Error).message);
      return { outcome: timeout ? 'timeout' : 'error', verdict: null };
    } finally {
      metrics.seconds.observe((performance.now() - started) / 1000);
    }
  }

  function remember(key: string, verdict: JudgeVerdict): void {
    if (config.cacheTtlS === 0) return;
    cache.delete(key);
    cache.set(key, { verdict, expiresAt: now() + config.cacheTtlS * 1000 });
    if (cache.size > CACHE_LIMIT) {
      const oldest = cache.keys().next();
      if (oldest.done !== true) cache.delete(oldest.value);
    }
  }

  /** A call, or the one in flight for the same request. */
  function shared(key: string, conversation: Conversation): Promise<CallResult> | null {
    const running = inFlight.get(key);
    if (running !== undefined) return running;
    if (inFlight.size >= config.maxConcurrent) return null;
    const started = call(conversation).then((result) => {
      inFlight.delete(key);
      if (result.verdict !== null) remember(key, result.verdict);
      return result;
    });
    inFlight.set(key, started);
    return started;
  }

  return {
    config,
    inBand: (score) => score >= lo && score <= hi,
    async ask(conversation) {
      const started = performance.now();
      const key = requestHash(conversation);
      const hit = cache.get(key);
      if (hit !== undefined && hit.expiresAt > now()) {
        metrics.calls.inc({ outcome: 'cached' });
        return { outcome: 'cached', verdict: hit.verdict, ms: performance.now() - started };
      }
      if (hit !== undefined) cache.delete(key);
      const pending = shared(key, conversation);
      if (pending === null) {
        metrics.calls.inc({ outcome: 'busy' });
        return { outcome: 'busy', verdict: null, ms: 0 };
      }
      const result = await pending;
      metrics.calls.inc({ outcome: result.outcome });
      return { ...result, ms: performance.now() - started };
    },
  };
}
