/**
 * Which headers cross the proxy in each direction. Hop-by-hop headers belong to one connection
 * and are never forwarded (RFC 9110 §7.6.1); Clarion's own control headers stop here; credentials
 * are forwarded only when the upstream has no server-side credentials configured.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { UpstreamConfig } from '../config/schema.js';
import { CREDENTIAL_HEADERS } from '../policy/decision.js';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Request headers that are Clarion's to read and never go upstream. */
export const CLARION_REQUEST_HEADERS = {
  conversationId: 'x-clarion-conversation-id',
  optOut: 'x-clarion-opt-out',
} as const;

const NOT_FORWARDED_UPSTREAM = new Set([...HOP_BY_HOP, 'host', 'content-length', 'expect']);

export interface UpstreamRequestHeadersInput {
  clientHeaders: IncomingHttpHeaders;
  upstream: UpstreamConfig;
  requestId: string;
  /** Byte length of the body sent upstream; undefined when streaming the client's body through. */
  contentLength: number | undefined;
  /** Header names configured as Clarion control headers (tenant header...). */
  controlHeaders: ReadonlySet<string>;
}

/** Builds the headers for the upstream request. */
export function upstreamRequestHeaders(input: UpstreamRequestHeadersInput): Record<string, string | string[]> {
  const { clientHeaders, upstream } = input;
  const out: Record<string, string | string[]> = {};
  const connectionListed = connectionTokens(clientHeaders.connection);
  for (const name in clientHeaders) {
    if (NOT_FORWARDED_UPSTREAM.has(name) || input.controlHeaders.has(name)) continue;
    if (name.startsWith('x-clarion-')) continue;
    if (connectionListed !== undefined && connectionListed.has(name)) continue;
    const value = clientHeaders[name];
    if (value !== undefined) out[name] = value;
  }
  const auth = upstream.auth;
  if (auth !== undefined) {
    if (auth.override) {
      // A server-side key replaces whatever credential the app sent, in either header style.
      delete out.authorization;
      delete out['x-api-key'];
      delete out['api-key'];
      out[auth.header] = auth.value;
    } else if (out[auth.header] === undefined) {
      out[auth.header] = auth.value;
    }
  }
  for (const name in upstream.headers) {
    const value = upstream.headers[name];
    if (value !== undefined) out[name.toLowerCase()] = value;
  }
  out['x-request-id'] = input.requestId;
  if (input.contentLength !== undefined) out['content-length'] = String(input.contentLength);
  else if (clientHeaders['content-length'] !== undefined) out['content-length'] = clientHeaders['content-length'];
  return out;
}

/** Copies the upstream's response headers for the client, minus hop-by-hop ones. */
export function clientResponseHeaders(upstreamHeaders: Record<string, string | string[] | undefined>): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  const connectionListed = connectionTokens(upstreamHeaders.connection);
  for (const name in upstreamHeaders) {
    if (HOP_BY_HOP.has(name)) continue;
    // CORS is Clarion's to answer (src/http/cors.ts): an upstream's `*` must not speak for it.
    if (name.startsWith('access-control-')) continue;
    if (connectionListed !== undefined && connectionListed.has(name)) continue;
    const value = upstreamHeaders[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** Lower-cased request headers without credentials, for the policy context. */
export function contextHeaders(clientHeaders: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in clientHeaders) {
    if (CREDENTIAL_HEADERS.has(name) || HOP_BY_HOP.has(name)) continue;
    const value = clientHeaders[name];
    if (typeof value === 'string') out[name] = value;
    else if (Array.isArray(value)) out[name] = value.join(', ');
  }
  return out;
}

function connectionTokens(value: string | string[] | undefined): Set<string> | undefined {
  if (value === undefined) return undefined;
  const text = Array.isArray(value) ? value.join(',') : value;
  if (text === 'keep-alive' || text === 'close') return undefined;
  const tokens = new Set<string>();
  for (const token of text.split(',')) {
    const trimmed = token.trim().toLowerCase();
    if (trimmed !== '') tokens.add(trimmed);
  }
  return tokens;
}
