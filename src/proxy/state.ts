/**
 * The one per-request state. Created when a request arrives, handed from stage to stage
 * (parse -> judge -> apply -> forward -> finish), and read once more at the end for the event,
 * the metrics and the log line. Each field says which stage sets it; nothing else carries
 * request data between stages.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { RouteKind } from '../config/schema.js';
import type { Conversation } from '../conversation.js';
import type { Assessment } from '../detect/assessment.js';
import type { SecondOpinion } from '../judge/second-opinion.js';
import type { Decision, RequestContext } from '../policy/decision.js';
import type { ObservedResponse, ResponseReader } from '../protocols/observe.js';
import type { ApiFamily, JsonObject, ProtocolAdapter } from '../protocols/types.js';
import type { PipelineDeps, ProtocolRoute } from './deps.js';
import type { ForwardResult } from './relay.js';
import type { RequestTrace } from '../ops/tracing.js';

/** `x-clarion-score` of a request that was not assessed (pass-through route, unknown body shape, detector failure). */
export const NOT_ASSESSED = 'n/a';

/** What detection and policy concluded: all of it, or (when either failed) none of it. */
export interface Judgement {
  conversation: Conversation;
  assessment: Assessment;
  context: RequestContext;
  decision: Decision;
  /** Detector wall time in microseconds. */
  detectorMicros: number;
  /** Content hash of the policy that decided (null for a policy built in code). */
  policyHash: string | null;
  /** The inline second opinion, when one was asked (the assessment already reflects its verdict). */
  secondOpinion?: SecondOpinion | null;
}

export interface RequestState {
  // ---- arrival: set once ----------------------------------------------------------------------
  /** Route kind, for routing rules and metric labels (`other` on pass-through). */
  readonly kind: RouteKind;
  readonly method: string;
  /** The path the request is routed and forwarded on: the route's own path on protocol routes. */
  readonly path: string;
  /** The query string as received (`?x=1`), or ''. */
  readonly query: string;
  readonly headers: IncomingHttpHeaders;
  readonly res: ServerResponse;
  /** Whose upstreams serve the request. */
  readonly family: ApiFamily;
  /** Renders Clarion's own errors in the route's protocol shape (the route's adapter, or its family's). */
  readonly errors: ProtocolAdapter;
  /** Reads the upstream's response as it streams (the route's adapter); null on pass-through. */
  readonly reader: ResponseReader | null;
  /** performance.now() at arrival. */
  readonly t0: number;
  /** Epoch milliseconds at arrival. */
  readonly arrived: number;
  readonly requestId: string;
  /** Headers Clarion adds to its response (`x-request-id`, `x-clarion-*`); the stages fill them in. */
  readonly replyHeaders: OutgoingHttpHeaders;

  // ---- parse and judge (protocol routes; stay empty on pass-through) ------------------------
  /** The body's `model` when it is a string. */
  model: string | undefined;
  /** The assessment's score, as soon as there is one (even if the policy then failed). */
  score: number | undefined;
  judgement: Judgement | null;
  /** Set when the decision is recorded (`x-clarion-event-id`). */
  eventId: string | null;

  // ---- apply: what goes upstream (pass-through: the client's body as it streams in) ---------
  outBody: Buffer | string | Readable | null;
  /** Byte length of `outBody`; undefined passes the client's own content-length on. */
  outLength: number | undefined;
  outModel: string | undefined;
  /** The upstream a decision named (escalate); null routes by kind, family and model. */
  outUpstream: string | null;
  /** Counted in clarion_open_streams while the response lasts. */
  streaming: boolean;
  /** Keep the response's text as it streams: only when the exchange will be remembered (stages/remember.ts). */
  keepText: boolean;

  // ---- the outcome: forward, or whichever stage answered ------------------------------------
  /** The upstream that served the request; null when Clarion answered itself. */
  upstream: string | null;
  status: number;
  /** Time Clarion spent before the response started (upstream wait excluded). */
  overheadMs: number;
  forwarded: ForwardResult | null;
  /** The request's trace when tracing is on (spans for assessment and upstream attempts), else null. */
  readonly trace: RequestTrace | null;
  /** What was read of the response as it went out (the upstream's, or Clarion's own reply); null when nothing was. */
  observed: ObservedResponse | null;
}

/** A request on one of the three assessed routes. */
export interface ProtocolState extends RequestState {
  readonly route: ProtocolRoute;
  /** Body bytes as received: forwarded as they are unless a decision rewrites the request. */
  readonly raw: Buffer;
  /** The parsed body (set by parse). */
  body: JsonObject;
}

export interface Arrival {
  kind: RouteKind;
  method: string;
  /** Path and query as received. */
  url: string;
  /** Overrides the path taken from `url` (protocol routes use the route's own path). */
  path?: string;
  headers: IncomingHttpHeaders;
  res: ServerResponse;
  family: ApiFamily;
  errors: ProtocolAdapter;
  reader?: ResponseReader;
}

const NO_BODY: JsonObject = Object.freeze({});

/** The client's `x-request-id` when it looks like an id (printable ASCII without spaces, at most 128), else a new one. */
export function requestIdOf(headers: IncomingHttpHeaders): string {
  const given = headers['x-request-id'];
  return typeof given === 'string' && given.length <= 128 && REQUEST_ID.test(given) ? given : randomUUID();
}

const REQUEST_ID = /^[\x21-\x7e]+$/;

export function newRequestState(deps: PipelineDeps, arrival: Arrival): RequestState {
  const { url, headers } = arrival;
  const q = url.indexOf('?');
  const requestId = requestIdOf(headers);
  const t0 = performance.now();
  return {
    kind: arrival.kind,
    method: arrival.method,
    path: arrival.path ?? (q === -1 ? url : url.slice(0, q)),
    query: q === -1 ? '' : url.slice(q),
    headers,
    res: arrival.res,
    family: arrival.family,
    errors: arrival.errors,
    reader: arrival.reader ?? null,
    t0,
    arrived: Date.now(),
    requestId,
    replyHeaders: {
      'x-request-id': requestId,
      'x-clarion-policy-version': deps.policy.current().version,
      'x-clarion-action': 'pass',
      'x-clarion-score': NOT_ASSESSED,
    },
    model: undefined,
    score: undefined,
    judgement: null,
    eventId: null,
    outBody: null,
    outLength: undefined,
    outModel: undefined,
    outUpstream: null,
    streaming: false,
    keepText: false,
    upstream: null,
    status: 0,
    overheadMs: 0,
    forwarded: null,
    trace: deps.tracing === null ? null : deps.tracing.start(headers, t0),
    observed: null,
  };
}

export interface IncomingProtocolRequest {
  headers: IncomingHttpHeaders;
  /** Raw body bytes as received. */
  body: Buffer;
  /** Path and query as received (`/v1/chat/completions?x=1`). */
  url: string;
  res: ServerResponse;
}

export function newProtocolState(deps: PipelineDeps, route: ProtocolRoute, incoming: IncomingProtocolRequest): ProtocolState {
  const { adapter } = route;
  const arrival: Arrival = {
    kind: route.kind,
    method: 'POST',
    url: incoming.url,
    path: route.path,
    headers: incoming.headers,
    res: incoming.res,
    family: adapter.family,
    errors: adapter,
    reader: adapter.responses,
  };
  return Object.assign(newRequestState(deps, arrival), { route, raw: incoming.body, body: NO_BODY });
}
