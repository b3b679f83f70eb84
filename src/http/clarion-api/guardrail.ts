/**
 * Clarion as a guardrail for other gateways, as one fastify plugin under `/v1/clarion`:
 *
 *   POST /assess                                           assessment + decision, nothing recorded
 *   POST /decide                                           the same, and the event is recorded
 *   POST /guardrails/litellm/beta/litellm_basic_guardrail_api   LiteLLM's Generic Guardrail API
 *   POST /guardrails/portkey                               Portkey's webhook guardrail
 *
 * `/assess` and `/decide` take a chat / Responses / Messages body as the app would send it
 * (`?protocol=chat|responses|messages`, else told from the body); the gateway routes take the
 * gateway's own contract (src/protocols/gateways/) and decide like `/decide`. Auth: `Authorization:
 * Bearer` with the guardrail token or the admin token; without either the surface is off (404).
 * Bodies up to `server.bodyLimitBytes`. Each answer carries the usual `x-clarion-*` headers and
 * counts in clarion_requests_total (upstream `guardrail`) and clarion_guardrail_requests_total.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter } from 'prom-client';
import type { ProtocolId } from '../../conversation.js';
import { ClarionError, isClarionError } from '../../errors.js';
import { evaluateGuardrail, type GuardrailDeps, type GuardrailResult } from '../../guardrail/evaluate.js';
import type { CoreMetrics } from '../../ops/metrics.js';
import { CREDENTIAL_HEADERS, type Decision } from '../../policy/decision.js';
import { LITELLM_GUARDRAIL_PATH, LiteLLMGuardrailRequestSchema, litellmChatBody, litellmResponse, litellmTenant } from '../../protocols/gateways/litellm.js';
import { PortkeyWebhookRequestSchema, portkeyProtocol, portkeyResponse, portkeyTenant } from '../../protocols/gateways/portkey.js';
import { adapterFor } from '../../protocols/index.js';
import type { JsonObject } from '../../protocols/types.js';
import { requestIdOf } from '../../proxy/state.js';
import type { Logger } from '../../ops/logger.js';
import { jsonParser } from '../body.js';
import { OWN_API_ERRORS, sendError } from '../errors.js';
import { setUpOwnApi } from '../own-api.js';
import { PROTOCOL_ROUTES } from '../protocol-routes.js';

export const LITELLM_ROUTE = `/guardrails/litellm${LITELLM_GUARDRAIL_PATH}`;
export const PORTKEY_ROUTE = '/guardrails/portkey';

export interface GuardrailApiOptions {
  deps: GuardrailDeps & { metrics: CoreMetrics; logger: Logger };
  /** Tokens accepted as `Authorization: Bearer <token>` (guardrail token, admin token); none: the surface is off. */
  tokens: readonly string[];
  bodyLimit: number;
  closing: () => boolean;
}

type Surface = 'api' | 'litellm' | 'portkey';

const PROTOCOL_NAMES: Record<string, ProtocolId> = {
  chat: 'openai-chat',
  responses: 'openai-responses',
  messages: 'anthropic-messages',
  'openai-chat': 'openai-chat',
  'openai-responses': 'openai-responses',
  'anthropic-messages': 'anthropic-messages',
};

function routeOf(protocol: ProtocolId): { kind: string; path: string } {
  const adapter = adapterFor(protocol);
  const route = PROTOCOL_ROUTES.find((r) => r.adapter === adapter);
  return route === undefined ? { kind: 'other', path: '' } : { kind: route.kind, path: route.path };
}

/** The protocol a bare body speaks: `?protocol=`, else `input` without `messages` (Responses), `anthropic-version` or a top-level `system` (Messages), else Chat. */
export function protocolOfBody(body: JsonObject, headers: IncomingHttpHeaders, named: unknown): ProtocolId {
  if (typeof named === 'string') {
    const protocol = PROTOCOL_NAMES[named];
    if (protocol === undefined) throw new ClarionError('CLARION_INVALID_REQUEST', `unknown protocol "${named}" (chat, responses or messages)`);
    return protocol;
  }
  if (!Array.isArray(body.messages) && body.input !== undefined) return 'openai-responses';
  if (headers['anthropic-version'] !== undefined || body.system !== undefined) return 'anthropic-messages';
  return 'openai-chat';
}

/** The caller's headers minus credentials: the bearer is the gateway's, not the end user's, and must not become a tenant. */
function userHeaders(headers: IncomingHttpHeaders, tenantHeader: string, tenant: string | null): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const name in headers) if (!CREDENTIAL_HEADERS.has(name)) out[name] = headers[name];
  if (tenant !== null && out[tenantHeader] === undefined) out[tenantHeader] = tenant;
  return out;
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function requireToken(tokens: readonly string[]) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    if (tokens.length === 0) {
      return sendError(
        reply,
        new ClarionError('CLARION_NOT_FOUND', 'guardrail API is disabled (set CLARION_GUARDRAIL_TOKEN or CLARION_ADMIN_TOKEN)'),
        OWN_API_ERRORS,
      );
    }
    const auth = request.headers.authorization;
    const given = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (given === '' || !tokens.some((t) => sameToken(given, t))) return sendError(reply, new ClarionError('CLARION_UNAUTHORIZED'), OWN_API_ERRORS);
    return undefined;
  };
}

function asBody(value: unknown): JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ClarionError('CLARION_INVALID_REQUEST', 'the body must be a JSON object');
  return value as JsonObject;
}

function problems(error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> }): string {
  return error.issues.map((i) => `${i.path.map(String).join('.') || 'body'}: ${i.message}`).join('; ');
}

/** The answer's view of the decision: what it is and why, without internals the caller cannot use. */
export function decisionView(decision: Decision): JsonObject {
  return {
    action: decision.action,
    mode: decision.mode,
    norm: decision.norm,
    policyVersion: decision.policyVersion,
    shadow: decision.shadow,
    reason: decision.reason,
    instruction: decision.instruction,
    reply: decision.reply,
    escalateTo: decision.escalateTo,
  };
}

/** The generic answer of /assess and /decide. */
export function assessAnswer(protocol: ProtocolId, result: GuardrailResult): JsonObject {
  const { effect, assessment } = result;
  return {
    protocol,
    assessment: {
      score: assessment.score,
      categories: assessment.categories,
      signals: assessment.signals,
      missingSlots: assessment.missingSlots,
      suggestedQuestion: assessment.suggestedQuestion,
      detectorVersion: assessment.detectorVersion,
    },
    decision: decisionView(result.decision),
    effect: effect.kind,
    request: effect.kind === 'rewrite' ? effect.body : null,
    upstream: effect.kind === 'rewrite' ? effect.upstream : null,
    reply: effect.kind === 'reply' ? effect.text : null,
    eventId: result.eventId,
  };
}

/** Short summary a gateway stores with its guardrail result. */
function summary(result: GuardrailResult): JsonObject {
  return {
    action: result.decision.action,
    mode: result.decision.mode,
    norm: result.decision.norm,
    score: Math.round(result.assessment.score * 1000) / 1000,
    reason: result.decision.reason,
    policyVersion: result.decision.policyVersion,
    eventId: result.eventId,
  };
}

export async function guardrailApi(app: FastifyInstance, options: GuardrailApiOptions): Promise<void> {
  const { deps } = options;
  setUpOwnApi(app, { logger: deps.logger, closing: options.closing });
  // Whole conversations come through here: the proxy's body limit, not the small own-API one.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', jsonParser(options.bodyLimit));
  app.addHook('onRequest', requireToken(options.tokens));
  const guardrailRequests =
    (deps.metrics.registry.getSingleMetric('clarion_guardrail_requests_total') as Counter<'surface' | 'action'> | undefined) ??
    new Counter({
      name: 'clarion_guardrail_requests_total',
      help: 'Guardrail calls from other gateways and /v1/clarion/assess|decide, by surface and policy action',
      labelNames: ['surface', 'action'],
      registers: [deps.metrics.registry],
    });

  interface Evaluation {
    protocol: ProtocolId;
    body: JsonObject;
    headers: IncomingHttpHeaders;
    surface: Surface;
    requestId: string;
    record: boolean;
  }

  /** Evaluates, counts and sets the x-clarion-* headers on the reply. */
  async function evaluate(reply: FastifyReply, input: Evaluation): Promise<GuardrailResult> {
    const route = routeOf(input.protocol);
    const result = await evaluateGuardrail(deps, {
      adapter: adapterFor(input.protocol),
      body: input.body,
      headers: input.headers,
      route: route.path,
      surface: input.surface,
      requestId: input.requestId,
      record: input.record,
    });
    const { decision } = result;
    guardrailRequests.inc({ surface: input.surface, action: decision.action });
    deps.metrics.requests.inc({ route: route.kind, status: '200', upstream: 'guardrail', action: decision.action });
    reply.header('x-clarion-action', decision.action);
    reply.header('x-clarion-score', result.assessment.score.toFixed(3));
    reply.header('x-clarion-policy-version', decision.policyVersion);
    if (decision.norm !== null) reply.header('x-clarion-norm', decision.norm);
    if (result.eventId !== null) reply.header('x-clarion-event-id', result.eventId);
    return result;
  }

  /** A gateway call Clarion could not assess: the gateway's request goes on unless the policy fails closed. */
  function failedOpen(surface: Surface, error: unknown): boolean {
    if (isClarionError(error) && error.code === 'CLARION_INVALID_REQUEST') {
      deps.logger.debug({ err: error.message, surface }, 'guardrail: request not assessed: unrecognised body shape');
      return true;
    }
    deps.metrics.pipelineFailures.inc({ stage: 'guardrail' });
    deps.logger.error({ err: error, surface }, 'guardrail: assessment or policy failed');
    return deps.policy.current().defaults.failClosed !== true;
  }

  for (const record of [false, true]) {
    app.post(record ? '/decide' : '/assess', async (request, reply) => {
      const body = asBody(request.body);
      const query = request.query as Record<string, unknown>;
      const protocol = protocolOfBody(body, request.headers, query.protocol ?? request.headers['x-clarion-protocol']);
      const headers = userHeaders(request.headers, deps.tenantHeader, null);
      const result = await evaluate(reply, { protocol, body, headers, surface: 'api', requestId: requestIdOf(request.headers), record });
      return assessAnswer(protocol, result);
    });
  }

  app.post(LITELLM_ROUTE, async (request, reply) => {
    const parsed = LiteLLMGuardrailRequestSchema.safeParse(request.body);
    if (!parsed.success) throw new ClarionError('CLARION_INVALID_REQUEST', `not a LiteLLM guardrail request: ${problems(parsed.error)}`);
    const call = parsed.data;
    // Clarion judges what the user asks, not what the model answers.
    if (call.input_type === 'response') return { action: 'NONE' };
    const headers = userHeaders(request.headers, deps.tenantHeader, litellmTenant(call));
    const requestId = call.litellm_call_id ?? requestIdOf(request.headers);
    try {
      const result = await evaluate(reply, { protocol: 'openai-chat', body: litellmChatBody(call), headers, surface: 'litellm', requestId, record: true });
      return litellmResponse(result.effect, call, result.decision.instruction);
    } catch (error) {
      return failedOpen('litellm', error)
        ? { action: 'NONE' }
        : { action: 'BLOCKED', blocked_reason: 'Clarion could not assess the request and the policy fails closed' };
    }
  });

  app.post(PORTKEY_ROUTE, async (request, reply) => {
    const parsed = PortkeyWebhookRequestSchema.safeParse(request.body);
    if (!parsed.success) throw new ClarionError('CLARION_INVALID_REQUEST', `not a Portkey webhook request: ${problems(parsed.error)}`);
    const call = parsed.data;
    const body = call.request.json;
    if (call.eventType === 'afterRequestHook' || body === null || body === undefined) return { verdict: true };
    const headers = userHeaders(request.headers, deps.tenantHeader, portkeyTenant(call));
    try {
      const protocol = portkeyProtocol(call, body);
      const result = await evaluate(reply, { protocol, body, headers, surface: 'portkey', requestId: requestIdOf(request.headers), record: true });
      return portkeyResponse(result.effect, summary(result));
    } catch (error) {
      return { verdict: failedOpen('portkey', error), data: { reason: 'Clarion could not assess the request' } };
    }
  });
}
