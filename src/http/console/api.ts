/**
 * The console's JSON API, `/console/api/*`, what the pages read and write. Every call needs a
 * console session and must come from this origin; every write carries the session's CSRF token
 * in `x-clarion-csrf`. Event labels go through the event log like the feedback API's; what-if
 * replays through src/policy/replay.ts like `clarion replay`; "try it" runs the request path's
 * own adapter, detector, policy and action planner without calling the upstream.
 */
import { timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CategorySchema, SignalIdSchema } from '../../detect/assessment.js';
import type { Detector } from '../../detect/index.js';
import { ClarionError, FileProblemsError } from '../../errors.js';
import type { EventsConfig } from '../../events/config.js';
import type { EventLog } from '../../events/log.js';
import { VerdictSchema } from '../../events/schema.js';
import type { EventFilter, EventStore, StorageKind } from '../../events/store.js';
import { buildPolicyCard } from '../../policy/card.js';
import { ActionSchema } from '../../policy/decision.js';
import type { PolicyHistoryStore } from '../../policy/history.js';
import { parsePolicy, type PolicyHolder } from '../../policy/load.js';
import { replayEvent } from '../../policy/replay.js';
import type { ReviewQueue } from '../../policy/reviews.js';
import type { Router } from '../../proxy/routing.js';
import { CSRF_HEADER, type Session } from './auth.js';
import { historyDiff, historyList } from './history.js';
import { bucketFor, buildOverview } from './overview.js';
import { eventPage } from './paging.js';
import { crossOriginProblem } from './security.js';
import { tryRequest } from './try.js';
import { whatIf } from './whatif.js';

/** What the console reads and writes, from the composition root. */
export interface ConsoleData {
  storage: StorageKind;
  /** The event store for reading (opened on first use; rejects when it cannot be reached). */
  eventStore(): Promise<EventStore>;
  /** Labels an event the way the feedback API does. */
  label: EventLog['label'];
  reviews: ReviewQueue;
  policy: Pick<PolicyHolder, 'current' | 'status'>;
  /** Every policy put in force (src/policy/history.ts). */
  policyHistory: Pick<PolicyHistoryStore, 'list'>;
  eventsConfig: EventsConfig;
  detector: Pick<Detector, 'assess'>;
  router: Pick<Router, 'select' | 'byName'>;
  tenantHeader: string;
}

/** Most events the overview reads; the page says when it stopped there. */
const OVERVIEW_CAP = 200_000;
/** Most events a what-if replays. */
const WHATIF_CAP = 100_000;

const HOUR = 3_600_000;
const RELATIVE = /^(\d+(?:\.\d+)?)(m|h|d|w)$/;
const UNIT_MS: Record<string, number> = { m: 60_000, h: HOUR, d: 24 * HOUR, w: 7 * 24 * HOUR };

/** Epoch ms of an ISO time or a time ago (`30m`, `24h`, `7d`, `2w`). */
function parseTime(value: string, field: string, now: number): number {
  const relative = RELATIVE.exec(value);
  if (relative !== null) return now - Number(relative[1]) * (UNIT_MS[relative[2] ?? 'h'] ?? HOUR);
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) throw new ClarionError('CLARION_INVALID_REQUEST', `${field}: not a time: "${value}" (use an ISO time or 30m, 24h, 7d)`);
  return parsed;
}

const csv = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .string()
    .transform((s) => s.split(',').filter((x) => x !== ''))
    .pipe(z.array(item));

const FilterQuerySchema = z.object({
  since: z.string().optional(),
  until: z.string().optional(),
  action: csv(ActionSchema).optional(),
  category: csv(CategorySchema).optional(),
  signal: csv(SignalIdSchema).optional(),
  verdict: csv(VerdictSchema).optional(),
  model: csv(z.string()).optional(),
  tenant: csv(z.string()).optional(),
  minScore: z.coerce.number().min(0).max(1).optional(),
  maxScore: z.coerce.number().min(0).max(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  cursor: z.string().max(8_192).optional(),
});

function invalid(error: z.ZodError, what: string): ClarionError {
  const problems = error.issues.map((i) => `${i.path.join('.') || what}: ${i.message}`).join('; ');
  return new ClarionError('CLARION_INVALID_REQUEST', `invalid ${what}: ${problems}`);
}

function parseWith<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalid(parsed.error, what);
  return parsed.data;
}

function filterFrom(query: z.infer<typeof FilterQuerySchema>, now: number): EventFilter {
  const filter: EventFilter = {};
  if (query.since !== undefined && query.since !== '') filter.since = parseTime(query.since, 'since', now);
  if (query.until !== undefined && query.until !== '') filter.until = parseTime(query.until, 'until', now);
  if (query.action !== undefined) filter.actions = query.action;
  if (query.category !== undefined) filter.categories = query.category;
  if (query.signal !== undefined) filter.signals = query.signal;
  if (query.verdict !== undefined) filter.verdicts = query.verdict;
  if (query.model !== undefined) filter.models = query.model;
  if (query.tenant !== undefined) filter.tenants = query.tenant;
  if (query.minScore !== undefined) filter.minScore = query.minScore;
  if (query.maxScore !== undefined) filter.maxScore = query.maxScore;
  return filter;
}

function jsonBody(request: FastifyRequest): unknown {
  const raw = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
  if (raw === '') return {};
  try {
    return JSON.parse(raw) as unknown;
  } catch (error) {
    throw new ClarionError('CLARION_INVALID_JSON', (error as Error).message);
  }
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const LabelBodySchema = z.object({ verdict: VerdictSchema, note: z.string().max(2_000).optional() }).strict();
const ResolveBodySchema = z.object({ note: z.string().max(4_000).optional(), verdict: VerdictSchema.optional() }).strict();
const PolicyTextSchema = z
  .object({
    text: z
      .string()
      .min(1)
      .max(512 * 1024),
  })
  .strict();
const WhatIfBodySchema = z
  .object({
    text: z
      .string()
      .min(1)
      .max(512 * 1024),
    since: z.string().optional(),
    until: z.string().optional(),
    limit: z.number().int().min(1).max(WHATIF_CAP).optional(),
  })
  .strict();
const TryBodySchema = z
  .object({
    format: z.enum(['chat', 'responses', 'messages', 'text']),
    input: z
      .string()
      .min(1)
      .max(1024 * 1024),
    model: z.string().max(200).optional(),
    tenant: z.string().max(200).optional(),
  })
  .strict();

/** A policy's problems as the console shows them, or the parsed policy. */
function checkPolicy(text: string): ReturnType<typeof parsePolicy> | { problems: string[] } {
  try {
    return parsePolicy(text, 'candidate');
  } catch (error) {
    if (error instanceof FileProblemsError) return { problems: error.problems };
    throw error;
  }
}

export async function consoleApi(app: FastifyInstance, options: { data: ConsoleData; sessionOf: (request: FastifyRequest) => Session | null }): Promise<void> {
  const { data } = options;

  app.addHook('onRequest', async (request) => {
    const problem = crossOriginProblem(request);
    if (problem !== null) throw new ClarionError('CLARION_FORBIDDEN', problem);
    const session = options.sessionOf(request);
    if (session === null) throw new ClarionError('CLARION_UNAUTHORIZED', 'sign in to the console');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const csrf = request.headers[CSRF_HEADER];
      if (typeof csrf !== 'string' || !sameSecret(csrf, session.csrf))
        throw new ClarionError('CLARION_FORBIDDEN', `a console write needs the session's ${CSRF_HEADER} header`);
    }
    request.consoleSession = session;
  });

  const store = async (): Promise<EventStore> => {
    try {
      return await data.eventStore();
    } catch (error) {
      throw new ClarionError('CLARION_EVENT_STORE_UNAVAILABLE', 'the console cannot read events now', { cause: error });
    }
  };

  app.get('/session', async (request) => ({
    name: request.consoleSession?.name ?? 'console',
    csrf: request.consoleSession?.csrf,
    storage: data.storage,
    verdicts: VerdictSchema.options,
    actions: ActionSchema.options,
    categories: CategorySchema.options,
    signals: SignalIdSchema.options,
    policyVersion: data.policy.status().version,
  }));

  app.get('/overview', async (request) => {
    const query = parseWith(FilterQuerySchema, request.query ?? {}, 'query');
    const now = Date.now();
    const filter = filterFrom(query, now);
    const since = filter.since ?? now - 7 * 24 * HOUR;
    const until = filter.until ?? now;
    if (until <= since) throw new ClarionError('CLARION_INVALID_REQUEST', 'until must be after since');
    const events = (await store()).list({ ...filter, since, until, order: 'asc' });
    return buildOverview(events, { since, until, bucketMs: bucketFor(until - since), cap: OVERVIEW_CAP });
  });

  app.get('/events', async (request) => {
    const query = parseWith(FilterQuerySchema, request.query ?? {}, 'query');
    const page = await eventPage(await store(), filterFrom(query, Date.now()), query.limit ?? 50, query.cursor);
    return page;
  });

  app.get('/events/:id', async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const event = await (await store()).get(request.params.id);
    if (event === null) throw new ClarionError('CLARION_NOT_FOUND', `no event with id ${request.params.id}`);
    const policy = data.policy.current();
    const now = replayEvent(event, policy);
    return {
      event,
      currentPolicy: { version: policy.version, action: now.after.action, mode: now.after.mode, norm: now.after.norm, reason: now.after.reason },
    };
  });

  app.post('/events/:id/labels', async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const body = parseWith(LabelBodySchema, jsonBody(request), 'label');
    let found: boolean;
    try {
      found = await data.label(request.params.id, body.verdict, body.note, 'analyst');
    } catch (error) {
      throw new ClarionError('CLARION_EVENT_STORE_UNAVAILABLE', 'retry later', { cause: error });
    }
    if (!found) throw new ClarionError('CLARION_NOT_FOUND', `unknown event id: ${request.params.id}`);
    return { ok: true };
  });

  app.get('/reviews', async (request) => {
    const query = parseWith(z.object({ status: z.enum(['open', 'resolved', 'all']).default('open') }), request.query ?? {}, 'query');
    return { reviews: await data.reviews.list({ status: query.status, limit: 500 }) };
  });

  app.post('/reviews/:id/resolve', async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const body = parseWith(ResolveBodySchema, jsonBody(request), 'resolution');
    const { id } = request.params;
    const item = (await data.reviews.list({ status: 'all', limit: 10_000 })).find((r) => r.id === id);
    if (item === undefined) throw new ClarionError('CLARION_NOT_FOUND', `no review with id ${id}`);
    const by = request.consoleSession?.name ?? 'console';
    // The review queue labels the item's event itself (source `reviewer`; verdict `needed` unless given).
    await data.reviews.resolve(id, {
      by,
      ...(body.note === undefined ? {} : { note: body.note }),
      ...(body.verdict === undefined ? {} : { verdict: body.verdict }),
    });
    const labelled = item.eventId !== null;
    return { id, status: 'resolved', by, labelled };
  });

  app.get('/policy', async () => {
    const status = data.policy.status();
    const policy = data.policy.current();
    const text = await readFile(status.file, 'utf8').catch(() => null);
    const card = buildPolicyCard({ policy, events: data.eventsConfig, loadedAt: status.loadedAt });
    // The history store being unreachable costs the list, not the page.
    const history = await historyList(data.policyHistory, status.hash).then(
      (items) => ({ history: items, historyError: null }),
      (error: unknown) => ({ history: null, historyError: error instanceof Error ? error.message : String(error) }),
    );
    return { status, policy, text, card, ...history };
  });

  app.get('/policy/diff', async (request) => {
    const query = parseWith(z.object({ from: z.string().max(200).optional(), to: z.string().max(200).optional() }), request.query ?? {}, 'query');
    return historyDiff(data.policyHistory, data.policy.status().hash, query);
  });

  app.post('/policy/check', async (request) => {
    const body = parseWith(PolicyTextSchema, jsonBody(request), 'policy');
    const checked = checkPolicy(body.text);
    if ('problems' in checked) return { ok: false, problems: checked.problems };
    return { ok: true, problems: [], version: checked.version, card: buildPolicyCard({ policy: checked, events: data.eventsConfig, loadedAt: null }) };
  });

  app.post('/policy/whatif', async (request) => {
    const body = parseWith(WhatIfBodySchema, jsonBody(request), 'what-if');
    const checked = checkPolicy(body.text);
    if ('problems' in checked) return { ok: false, problems: checked.problems };
    const now = Date.now();
    const filter = filterFrom({ since: body.since ?? '7d', until: body.until }, now);
    const limit = body.limit ?? 10_000;
    const events = (await store()).list({ ...filter, order: 'desc', limit });
    return { ok: true, problems: [], ...(await whatIf(events, checked, { cap: limit, maxChanges: 100 })) };
  });

  app.post('/try', async (request) => {
    const body = parseWith(TryBodySchema, jsonBody(request), 'request');
    return tryRequest(body, { detector: data.detector, policy: data.policy.current(), router: data.router, tenantHeader: data.tenantHeader });
  });
}
