/**
 * "Try it": a request typed into the console goes through the same steps as a proxied one —
 * the route's adapter reads it, the detector assesses it, the policy in force decides, and the
 * decision is applied to the body — and the console shows what would be sent upstream (or the
 * reply Clarion would give itself). Nothing is sent, recorded, queued or remembered.
 */
import type { RouteKind } from '../../config/schema.js';
import type { Assessment } from '../../detect/assessment.js';
import type { Detector } from '../../detect/index.js';
import { ClarionError, isClarionError } from '../../errors.js';
import { decide } from '../../policy/decide.js';
import type { Decision } from '../../policy/decision.js';
import type { Policy } from '../../policy/schema.js';
import { adapterFor } from '../../protocols/index.js';
import { isObject } from '../../protocols/shared.js';
import type { JsonObject } from '../../protocols/types.js';
import { planAction } from '../../proxy/actions.js';
import { buildRequestContext } from '../../proxy/request-context.js';
import type { Router } from '../../proxy/routing.js';

export type TryFormat = 'chat' | 'responses' | 'messages' | 'text';

const ROUTES = {
  chat: { kind: 'chat', path: '/v1/chat/completions', protocol: 'openai-chat' },
  responses: { kind: 'responses', path: '/v1/responses', protocol: 'openai-responses' },
  messages: { kind: 'messages', path: '/v1/messages', protocol: 'anthropic-messages' },
} as const satisfies Record<Exclude<TryFormat, 'text'>, { kind: RouteKind; path: string; protocol: string }>;

export interface TryInput {
  format: TryFormat;
  /** The request body (JSON) or, for `text`, the user's message. */
  input: string;
  /** Model for plain text (default `gpt-4o-mini`). */
  model?: string | undefined;
  /** Tenant the request would name in the tenant header. */
  tenant?: string | undefined;
}

export type TryOutcome =
  | { kind: 'reply'; status: number; contentType: string; body: string }
  | { kind: 'forward'; upstream: { name: string; baseUrl: string; path: string } | null; model: string | null; body: string; rewritten: boolean };

export interface TryResult {
  route: string;
  assessment: Assessment;
  decision: Decision;
  /** A shadow decision is recorded but not applied. */
  applied: boolean;
  outcome: TryOutcome;
}

export interface TryDeps {
  detector: Pick<Detector, 'assess'>;
  policy: Policy;
  router: Pick<Router, 'select' | 'byName'>;
  tenantHeader: string;
}

function parseBody(input: TryInput): { route: (typeof ROUTES)[keyof typeof ROUTES]; body: JsonObject; raw: string } {
  if (input.format === 'text') {
    const body = { model: input.model ?? 'gpt-4o-mini', messages: [{ role: 'user', content: input.input }] };
    return { route: ROUTES.chat, body, raw: JSON.stringify(body) };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(input.input);
  } catch (error) {
    throw new ClarionError('CLARION_INVALID_JSON', (error as Error).message);
  }
  if (!isObject(parsed)) throw new ClarionError('CLARION_INVALID_REQUEST', 'the body must be a JSON object');
  return { route: ROUTES[input.format], body: parsed, raw: input.input };
}

function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

export function tryRequest(input: TryInput, deps: TryDeps): TryResult {
  const { route, body, raw } = parseBody(input);
  const adapter = adapterFor(route.protocol);
  let conversation;
  try {
    conversation = adapter.toConversation(body);
  } catch (error) {
    if (isClarionError(error)) throw error;
    throw new ClarionError('CLARION_INVALID_REQUEST', String(error));
  }
  const assessment = deps.detector.assess(conversation);
  const headers = input.tenant === undefined || input.tenant === '' ? {} : { [deps.tenantHeader]: input.tenant };
  // The analyst names the tenant to try the request as: trusted, like every console input.
  const context = buildRequestContext({ conversation, body, headers, route: route.path, tenantHeader: deps.tenantHeader, trustClientHeaders: true });
  const decision = decide(assessment, context, deps.policy);
  const model = typeof body.model === 'string' ? body.model : undefined;
  const applied = !decision.shadow;
  const plan = planAction(applied ? decision : null, { adapter, body, raw: Buffer.from(raw), model });
  let outcome: TryOutcome;
  if (plan.kind === 'reply') {
    outcome = { kind: 'reply', status: plan.rendered.status, contentType: plan.rendered.contentType, body: pretty(plan.rendered.chunks.join('')) };
  } else {
    const upstream = plan.upstream !== null ? deps.router.byName(plan.upstream) : deps.router.select(route.kind, adapter.family, plan.model);
    const sent = typeof plan.body === 'string' ? plan.body : plan.body.toString('utf8');
    outcome = {
      kind: 'forward',
      upstream: upstream === undefined ? null : { name: upstream.name, baseUrl: upstream.baseUrl, path: route.path },
      model: plan.model ?? null,
      body: pretty(sent),
      rewritten: sent !== raw,
    };
  }
  return { route: route.path, assessment, decision, applied, outcome };
}
