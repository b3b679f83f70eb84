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
}

export function buildRequestContext(input: ContextInput): RequestContext {
  const { conversation, headers } = input;
  const trusted = input.trustClientHeaders === true;
  const explicitId = trusted ? headers[CLARION_REQUEST_HEADERS.conversationId] : undefined;
  const tenant = tenantOf(headers, trusted ? input.tenantHeader : null);
  const context: RequestContext = {
    protocol: conversation.protocol,
    route: input.route,
    model: conversation.model,
    tenant,
    headers: {},
    metadata: stringMetadata(input.body),
    conversationId: '',
    clarificationsSoFar: 0,
    optOut: isTruthyHeader(headers[CLARION_REQUEST_HEADERS.optOut]),
  };
  // Only norms that match on headers read them: copy them (minus credentials) on first read.
  let safeHeaders: Record<string, string> | undefined;
  Object.defineProperty(context, 'headers', {
    enumerable: true,
    configurable: true,
    get: () => (safeHeaders ??= contextHeaders(headers)),
    set: (value: Record<string, string>) => {
      safeHeaders = value;
    },
  });
  if (typeof explicitId === 'string' && explicitId !== '') {
    context.conversationId = explicitId;
  } else {
    // Deriving the id hashes the tenant, the system text and first turn; most requests (a clear
    // pass with no sampled norm and no event) never read it, so it is computed on first read
    // only. Scoped by tenant: the same opening from two tenants is two conversations.
    let derived: string | undefined;
    Object.defineProperty(context, 'conversationId', {
      enumerable: true,
      configurable: true,
      get: () => (derived ??= deriveConversationId(conversation, tenant ?? '')),
      set: (value: string) => {
        derived = value;
      },
    });
  }
  return context;
}
