/**
 * Builds the RequestContext the policy decides on from the HTTP request: tenant (configured
 * header, else a hash of the API key — never the key), conversation id, opt-out, metadata.
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Conversation } from '../conversation.js';
import type { RequestContext } from '../policy/decision.js';
import { deriveConversationId } from '../policy/conversation-id.js';
import type { JsonObject } from '../protocols/types.js';
import { CLARION_REQUEST_HEADERS, contextHeaders } from './headers.js';

// Hashing a key costs a microsecond or two; the same few keys repeat, so remember them (bounded).
const TENANT_CACHE_LIMIT = 1_024;
const tenantByKey = new Map<string, string>();
/** The auth scheme is case-insensitive (RFC 9110 §11.1): `bearer x` and `Bearer x` are one key. */
const BEARER = /^bearer\s+/i;

/** `key:<16 hex>` — a stable tenant label derived from the credential, useless to an attacker. */
export function tenantFromKey(key: string): string {
  const cached = tenantByKey.get(key);
  if (cached !== undefined) return cached;
  const label = `key:${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
  if (tenantByKey.size >= TENANT_CACHE_LIMIT) tenantByKey.clear();
  tenantByKey.set(key, label);
  return label;
}

/** The tenant: the tenant header's value when it is trusted (`tenantHeader` not null), else derived from the API key. */
export function tenantOf(headers: IncomingHttpHeaders, tenantHeader: string | null): string | null {
  if (tenantHeader !== null) {
    const named = headers[tenantHeader];
    if (typeof named === 'string' && named !== '') return named;
  }
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey !== '') return tenantFromKey(apiKey);
  const authorization = headers.authorization;
  if (typeof authorization === 'string' && authorization !== '') {
    return tenantFromKey(BEARER.test(authorization) ? authorization.replace(BEARER, '') : authorization);
  }
  return null;
}

function stringMetadata(body: JsonObject): Record<string, string> {
  const metadata = body.metadata;
  const out: Record<string, string> = {};
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) return out;
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}

function isTruthyHeader(value: string | string[] | undefined): boolean {
  if (typeof value !== 'string') return false;
  const v = value.toLowerCase();
  return v === '1' || v === 'true' || v === 'yes';
}

export interface ContextInput {
  conversation: Conversation;
  body: JsonObject;
  headers: IncomingHttpHeaders;
  route: string;
  tenantHeader: string;
  /** Read the tenant and conversation id headers (`server.trustClientHeaders`); default off. */
  trustClientHeaders?: boolean;
  /** Header naming the end user (config `policy.userHeader`); the body's user id is used without it. */
  userHeader?: string;
}

/** The end user's id as sent: the configured header, else the body's; undefined when none. */
export function userIdOf(headers: IncomingHttpHeaders, userHeader: string | undefined, conversation: Conversation): string | undefined {
  const named = userHeader === undefined ? undefined : headers[userHeader];
  return typeof named === 'string' && named !== '' ? named : conversation.user;
}

/** `user:<16 hex>`: a user id hashed, so it is never stored or matched in clear. */
export function hashUser(id: string): string {
  return `user:${createHash('sha256').update(id).digest('hex').slice(0, 16)}`;
}

/**
 * A proxied request's RequestContext. Three fields cost work most requests never read, so each is
 * computed on first read: `headers` (copied minus credentials: only norms that match on headers
 * read them), `conversationId` (derived by hashing the tenant, the system text and the first turn:
 * a clear pass with no sampled norm and no event never reads it) and `user` (hashed: only
 * precedent reads it). They are accessors on the class, set once, not properties defined per
 * request (Object.defineProperty costs microseconds each and leaves the object in a slow shape).
 * Assigning any of them replaces the computed value; JSON sees the same fields as a plain object.
 */
class LazyRequestContext implements RequestContext {
  readonly protocol: RequestContext['protocol'];
  readonly route: string;
  readonly model: string;
  readonly tenant: string | null;
  readonly metadata: Record<string, string>;
  clarificationsSoFar = 0;
  readonly optOut: boolean;
  declare replyConstraints?: string[];
  declare precedents?: Record<string, string>;
  #headers: Record<string, string> | undefined;
  #conversationId: string | undefined;
  #user: string | undefined;
  readonly #source: IncomingHttpHeaders;
  readonly #conversation: Conversation;
  readonly #userId: string | undefined;

  constructor(input: ContextInput, tenant: string | null, explicitId: string | undefined) {
    const { conversation, headers } = input;
    this.protocol = conversation.protocol;
    this.route = input.route;
    this.model = conversation.model;
    this.tenant = tenant;
    this.metadata = stringMetadata(input.body);
    this.optOut = isTruthyHeader(headers[CLARION_REQUEST_HEADERS.optOut]);
    if (conversation.replyConstraints !== undefined) this.replyConstraints = conversation.replyConstraints;
    this.#source = headers;
    this.#conversation = conversation;
    this.#conversationId = explicitId;
    this.#userId = userIdOf(headers, input.userHeader, conversation);
  }

  get headers(): Record<string, string> {
    return (this.#headers ??= contextHeaders(this.#source));
  }

  set headers(value: Record<string, string>) {
    this.#headers = value;
  }

  /** The app's id (trusted header), else derived; scoped by tenant: the same opening from two tenants is two conversations. */
  get conversationId(): string {
    return (this.#conversationId ??= deriveConversationId(this.#conversation, this.tenant ?? ''));
  }

  set conversationId(value: string) {
    this.#conversationId = value;
  }

  /** Undefined when the request names no user. */
  get user(): string | undefined {
    if (this.#user === undefined && this.#userId !== undefined) this.#user = hashUser(this.#userId);
    return this.#user;
  }

  set user(value: string | undefined) {
    this.#user = value;
  }

  toJSON(): RequestContext {
    const out: RequestContext = {
      protocol: this.protocol,
      route: this.route,
      model: this.model,
      tenant: this.tenant,
      headers: this.headers,
      metadata: this.metadata,
      conversationId: this.conversationId,
      clarificationsSoFar: this.clarificationsSoFar,
      optOut: this.optOut,
    };
    if (this.replyConstraints !== undefined) out.replyConstraints = this.replyConstraints;
    const user = this.user;
    if (user !== undefined) out.user = user;
    if (this.precedents !== undefined) out.precedents = this.precedents;
    return out;
  }
}

export function buildRequestContext(input: ContextInput): RequestContext {
  const { headers } = input;
  const trusted = input.trustClientHeaders === true;
  const explicitId = trusted ? headers[CLARION_REQUEST_HEADERS.conversationId] : undefined;
  const tenant = tenantOf(headers, trusted ? input.tenantHeader : null);
  return new LazyRequestContext(input, tenant, typeof explicitId === 'string' && explicitId !== '' ? explicitId : undefined);
}
