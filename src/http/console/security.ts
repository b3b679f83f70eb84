/**
 * The console's browser-facing defences, applied to every `/console` response and request:
 * security headers (a CSP with no inline script, no framing, no sniffing), same-origin checks on
 * every API call and sign-in, and the rule for when the console is on at all.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

/** No inline script or style, nothing from another origin, never inside a frame. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // same-origin, not no-referrer: with no-referrer a form post says `Origin: null` and the same-origin check could not tell it from a sandboxed frame.
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

export function setSecurityHeaders(reply: FastifyReply): void {
  reply.headers(SECURITY_HEADERS);
}

/**
 * How the console is reached: `token` (sign in with CLARION_ADMIN_TOKEN), `open` (no token, but
 * the server listens on loopback only: anyone who can connect is on this machine), or `off`.
 */
export type ConsoleAccess = 'token' | 'open' | 'off';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.toLowerCase()) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export function consoleAccess(token: string | undefined, listenHost: string): ConsoleAccess {
  if (token !== undefined && token !== '') return 'token';
  return isLoopbackHost(listenHost) ? 'open' : 'off';
}

/** The host name of a Host header, without the port. */
export function hostName(hostHeader: string | undefined): string {
  if (hostHeader === undefined) return '';
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1);
  const colon = hostHeader.lastIndexOf(':');
  return colon < 0 ? hostHeader : hostHeader.slice(0, colon);
}

/**
 * Why a request must be refused as cross-origin, or null when it may proceed. Browsers send
 * `Sec-Fetch-Site` and `Origin`; a request that says it comes from another site or origin is
 * refused even when it carries a valid session cookie (a stolen cookie replayed from elsewhere, a
 * form on another site). Non-browser clients sending neither are judged by the session and CSRF
 * token alone.
 */
export function crossOriginProblem(request: FastifyRequest): string | null {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') return `a ${site} request`;
  const origin = request.headers.origin;
  if (typeof origin === 'string' && origin !== '') {
    const expected = `${request.protocol}://${request.headers.host ?? ''}`;
    if (origin.toLowerCase() !== expected.toLowerCase()) return `origin ${origin} is not ${expected}`;
  }
  return null;
}
