/**
 * The per-request pipeline for the three protocol routes, top to bottom:
 *   body -> adapter.toConversation -> detector.assess -> policy.decide -> actions.planAction
 *        -> forward (upstream, streamed back) -> outcome (event, metrics, log line)
 * Detection and policy fail open: if either throws, the request is forwarded unchanged (unless
 * the policy says failClosed) and the failure is counted. Nothing here waits on Redis except the
 * conversation-memory read, and only when the policy is about to ask a clarifying question.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { RouteKind } from '../config/schema.js';
import { lastUserTurn, turnText, type Conversation } from '../conversation.js';
import type { Detector } from '../detect/index.js';
import type { Assessment } from '../detect/assessment.js';
import { ClarionError, isClarionError } from '../errors.js';
import type { EventSink } from '../events/input.js';
import type { Logger } from '../ops/logger.js';
import type { CoreMetrics } from '../ops/metrics.js';
import type { RequestLog } from '../ops/request-log.js';
import type { Decision, RequestContext } from '../policy/decision.js';
import { decide } from '../policy/decide.js';
import type { PolicyHolder } from '../policy/load.js';
import type { ConversationMemory } from '../policy/memory.js';
import type { ReviewQueue } from '../policy/reviews.js';
import type { JsonObject, ProtocolAdapter } from '../protocols/types.js';
import { planAction, type ActionPlan } from './actions.js';
import { forward, type ForwardResult } from './forward.js';
import { finish, finishWithError, writeRendered } from './outcome.js';
import { upstreamRequestHeaders } from './headers.js';
import { buildRequestContext } from './request-context.js';
import { upstreamPath, type Router } from './routing.js';
import type { Upstreams } from './upstreams.js';

export interface PipelineDeps {
  router: Router;
  upstreams: Upstreams;
  detector: Detector;
  policy: PolicyHolder;
  memory: ConversationMemory;
  reviews: ReviewQueue;
  events: EventSink;
  metrics: CoreMetrics;
  logger: Logger;
  /** Writes the request's one log line (a no-op when request logging is off). */
  requestLog: RequestLog;
  tenantHeader: string;
  /** Header names Clarion reads and never forwards (tenant header). */
  controlHeaders: ReadonlySet<string>;
}

export interface ProtocolRoute {
  kind: RouteKind;
  path: string;
  adapter: ProtocolAdapter;
}

export interface IncomingProtocolRequest {
  headers: IncomingHttpHeaders;
  /** Raw body bytes as received. */
  body: Buffer;
  /** Path and query as received (`/v1/chat/completions?x=1`). */
  url: string;
  res: ServerResponse;
}

/** `x-clarion-score` of a request that was not assessed (pass-through route, unknown body shape, detector failure). */
export const NOT_ASSESSED = 'n/a';

export function requestIdOf(headers: IncomingHttpHeaders): string {
  const given = headers['x-request-id'];
  return typeof given === 'string' && given !== '' && given.length <= 200 ? given : randomUUID();
}

function parseBody(raw: Buffer): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new ClarionError('CLARION_INVALID_JSON', (error as Error).message);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ClarionError('CLARION_INVALID_REQUEST', 'the body must be a JSON object');
  }
  return parsed as JsonObject;
}

export interface Judgement {
  conversation: Conversation | null;
  assessment: Assessment | null;
  decision: Decision | null;
  context: RequestContext | null;
  detectorMicros: number;
  /** Set when detection or policy threw and the policy wants that to stop the request. */
  failClosed: boolean;
}

/** Detector + policy, failing open. Awaits conversation memory only for a clarify decision. */
async function judge(deps: PipelineDeps, route: ProtocolRoute, body: JsonObject, headers: IncomingHttpHeaders): Promise<Judgement> {
  const judgement: Judgement = { conversation: null, assessment: null, decision: null, context: null, detectorMicros: 0, failClosed: false };
  const policy = deps.policy.current();
  let stage: 'parse' | 'detect' | 'policy' | 'memory' = 'parse';
  try {
    const conversation = route.adapter.toConversation(body);
    judgement.conversation = conversation;
    stage = 'detect';
    const started = performance.now();
    const assessment = deps.detector.assess(conversation);
    judgement.detectorMicros = Math.round((performance.now() - started) * 1000);
    judgement.assessment = assessment;
    stage = 'policy';
    const context = buildRequestContext({ conversation, body, headers, route: route.path, tenantHeader: deps.tenantHeader });
    judgement.context = context;
    let decision = decide(assessment, context, policy);
    if (decision.action === 'clarify' && !decision.shadow) {
      stage = 'memory';
      const asked = await deps.memory.clarifications(context.conversationId);
      if (asked > 0) {
        context.clarificationsSoFar = asked;
        stage = 'policy';
        decision = decide(assessment, context, policy);
      }
    }
    judgement.decision = decision;
  } catch (error) {
    if (stage === 'parse' && isClarionError(error)) {
      // A body shape the adapter does not know (a newer API field, say): the upstream is the
      // authority on validity, so forward it unassessed rather than break the app.
      deps.logger.debug({ err: error.message }, 'request not assessed: unrecognised body shape');
    } else {
      deps.metrics.pipelineFailures.inc({ stage });
      deps.logger.error({ err: error, stage }, 'assessment or policy failed; failing open');
      judgement.failClosed = policy.defaults.failClosed === true;
    }
    judgement.decision = null;
  }
  return judgement;
}

export async function handleProtocolRequest(deps: PipelineDeps, route: ProtocolRoute, incoming: IncomingProtocolRequest): Promise<void> {
  const t0 = performance.now();
  const arrived = Date.now();
  const { res, headers } = incoming;
  const adapter = route.adapter;
  const requestId = requestIdOf(headers);
  const policyVersion = deps.policy.current().version;
  const extra: OutgoingHttpHeaders = {
    'x-request-id': requestId,
    'x-clarion-policy-version': policyVersion,
    'x-clarion-action': 'pass',
    'x-clarion-score': NOT_ASSESSED,
  };

  let body: JsonObject;
  try {
    body = parseBody(incoming.body);
  } catch (error) {
    const clarionError = isClarionError(error) ? error : new ClarionError('CLARION_INVALID_REQUEST');
    finishWithError(deps, route, res, extra, clarionError, t0, requestId, undefined);
    return;
  }
  const model = typeof body.model === 'string' ? body.model : undefined;
  const judgement = await judge(deps, route, body, headers);
  const { assessment, decision, conversation, context } = judgement;

  if (judgement.failClosed) {
    finishWithError(deps, route, res, extra, new ClarionError('CLARION_INTERNAL', 'assessment failed and the policy fails closed'), t0, requestId, model);
    return;
  }
  if (assessment !== null) extra['x-clarion-score'] = assessment.score.toFixed(3);
  if (decision !== null) {
    extra['x-clarion-action'] = decision.action;
    if (decision.mode !== null) extra['x-clarion-mode'] = decision.mode;
    if (decision.norm !== null) extra['x-clarion-norm'] = decision.norm;
    if (decision.shadow) extra['x-clarion-shadow'] = 'true';
  }
  let eventId: string | null = null;
  if (decision !== null && assessment !== null && context !== null && deps.events.shouldRecord(decision, assessment, requestId)) {
    eventId = deps.events.newId();
    extra['x-clarion-event-id'] = eventId;
  }

  // What actually happens: the decision, unless it is shadowed (decided, recorded, not applied).
  let applied = decision !== null && !decision.shadow ? decision : null;
  let plan: ActionPlan;
  try {
    plan = planAction(applied, adapter, body, incoming.body, model);
  } catch (error) {
    // Applying the decision failed (a bug, or a body the adapter cannot rewrite): forward the
    // request unchanged unless the norm says to fail closed.
    deps.metrics.pipelineFailures.inc({ stage: 'action' });
    deps.logger.error({ err: error, action: applied?.action, norm: applied?.norm }, 'applying the decision failed');
    if (applied?.failClosed === true) {
      finishWithError(
        deps,
        route,
        res,
        extra,
        new ClarionError('CLARION_INTERNAL', 'the policy decision could not be applied'),
        t0,
        requestId,
        model,
        judgement,
        eventId,
      );
      return;
    }
    plan = planAction(null, adapter, body, incoming.body, model);
    applied = null;
    extra['x-clarion-action'] = 'pass';
  }
  if (applied !== null && context !== null) {
    if (applied.action === 'clarify') deps.memory.recordClarification(context.conversationId);
    if (applied.action === 'defer' && conversation !== null) {
      const last = lastUserTurn(conversation);
      deps.reviews.enqueue({
        eventId,
        time: new Date(arrived).toISOString(),
        conversationId: context.conversationId,
        tenant: context.tenant,
        model: model ?? 'unknown',
        protocol: adapter.id,
        reason: applied.reason,
        norm: applied.norm,
        text: last === undefined ? '' : turnText(last),
      });
    }
  }
  if (plan.kind === 'reply') {
    extra['x-clarion-overhead-ms'] = (performance.now() - t0).toFixed(3);
    writeRendered(res, plan.rendered, extra);
    finish(deps, route, {
      t0,
      arrived,
      requestId,
      model,
      upstream: null,
      status: plan.rendered.status,
      judgement,
      eventId,
      forwardResult: null,
      overheadMs: performance.now() - t0,
    });
    return;
  }
  const outgoingBody = plan.body;
  const outgoingModel = plan.model;
  const upstreamName = plan.upstream ?? undefined;

  const upstreamConfig = upstreamName !== undefined ? deps.router.byName(upstreamName) : deps.router.select(route.kind, adapter.family, outgoingModel);
  const upstream = upstreamConfig === undefined ? undefined : deps.upstreams.get(upstreamConfig.name);
  if (upstream === undefined) {
    finishWithError(deps, route, res, extra, new ClarionError('CLARION_NO_UPSTREAM', upstreamName ?? outgoingModel), t0, requestId, model, judgement, eventId);
    return;
  }
  const contentLength = typeof outgoingBody === 'string' ? Buffer.byteLength(outgoingBody) : outgoingBody.length;
  const query = incoming.url.indexOf('?');
  const path = upstreamPath(upstream.config, upstream.basePath, route.path) + (query === -1 ? '' : incoming.url.slice(query));
  let dispatchedAt = 0;
  let overheadMs = 0;
  const sendHeaders = upstreamRequestHeaders({
    clientHeaders: headers,
    upstream: upstream.config,
    requestId,
    contentLength,
    controlHeaders: deps.controlHeaders,
  });
  dispatchedAt = performance.now();
  const streaming = adapter.isStream(body);
  if (streaming) deps.metrics.openStreams.inc();
  let result: ForwardResult;
  try {
    result = await forward({
      upstream,
      method: 'POST',
      path,
      headers: sendHeaders,
      body: outgoingBody,
      res,
      extraHeaders: extra,
      errors: adapter,
      onUpstreamHeaders: () => {
        overheadMs = dispatchedAt - t0;
        return overheadMs.toFixed(3);
      },
    });
  } finally {
    if (streaming) deps.metrics.openStreams.dec();
  }
  if (result.failure !== null && result.failure !== 'aborted') deps.metrics.upstreamErrors.inc({ upstream: upstream.config.name, kind: result.failure });
  finish(deps, route, {
    t0,
    arrived,
    requestId,
    model,
    upstream: upstream.config.name,
    status: result.status,
    judgement,
    eventId,
    forwardResult: result,
    overheadMs,
  });
}
