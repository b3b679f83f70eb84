/**
 * Who may use the console: the admin token, exchanged once at sign-in for a session cookie.
 *
 * - The token is compared in constant time (both sides hashed to the same length first, so not
 *   even the token's length leaks).
 * - A session is 32 random bytes, held in this process only (a restart signs everyone out) and
 *   sent back as an HttpOnly, SameSite=Strict cookie scoped to `/console`; the page never sees it,
 *   so neither the token nor the session can be read by script, put in a URL or local storage.
 * - Each session has its own CSRF token, which the page reads from `GET /console/api/session`
 *   (same-origin only) and sends back in `x-clarion-csrf` on every write.
 * - Failed sign-ins are limited per client address (a fixed window), so the token cannot be guessed.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'clarion_console';
export const CSRF_HEADER = 'x-clarion-csrf';

/** Constant-time equality of a presented token with the configured one. */
export function tokenMatches(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

export interface Session {
  id: string;
  csrf: string;
  /** Who signed in, as they said (shown on resolved reviews); the token itself names nobody. */
  name: string;
  expires: number;
}

export interface SessionStoreOptions {
  ttlMs?: number;
  now?: () => number;
  /** Most live sessions kept; the oldest is dropped past it. */
  maxSessions?: number;
}

/** Sessions of this process, expiring `ttlMs` after their last use. */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly maxSessions: number;

  constructor(options: SessionStoreOptions = {}) {
    this.ttlMs = options.ttlMs ?? 12 * 3_600_000;
    this.now = options.now ?? Date.now;
    this.maxSessions = options.maxSessions ?? 1_000;
  }

  create(name: string): Session {
    if (this.sessions.size >= this.maxSessions) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    const session: Session = {
      id: randomBytes(32).toString('base64url'),
      csrf: randomBytes(24).toString('base64url'),
      name,
      expires: this.now() + this.ttlMs,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id (its expiry extended), or null. */
  get(id: string | undefined): Session | null {
    if (id === undefined || id === '') return null;
    const session = this.sessions.get(id);
    if (session === undefined) return null;
    if (session.expires <= this.now()) {
      this.sessions.delete(id);
      return null;
    }
    session.expires = this.now() + this.ttlMs;
    return session;
  }

  delete(id: string | undefined): void {
    if (id !== undefined) this.sessions.delete(id);
  }
}

export interface FailureLimiterOptions {
  /** Failed attempts allowed per address within the window. */
  maxFailures?: number;
  windowMs?: number;
  now?: () => number;
  /** Most addresses tracked at once; the oldest window is dropped past it. */
  maxKeys?: number;
}

/** Counts failed sign-ins per client address in fixed windows. */
export class FailureLimiter {
  private readonly windows = new Map<string, { start: number; failures: number }>();
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly maxKeys: number;

  constructor(options: FailureLimiterOptions = {}) {
    this.maxFailures = options.maxFailures ?? 5;
    this.windowMs = options.windowMs ?? 60_000;
    this.now = options.now ?? Date.now;
    this.maxKeys = options.maxKeys ?? 10_000;
  }

  /** Milliseconds until `key` may try again, or 0 when it may now. */
  blockedFor(key: string): number {
    const window = this.windows.get(key);
    if (window === undefined) return 0;
    const elapsed = this.now() - window.start;
    if (elapsed >= this.windowMs) {
      this.windows.delete(key);
      return 0;
    }
    return window.failures >= this.maxFailures ? this.windowMs - elapsed : 0;
  }

  fail(key: string): void {
    const now = this.now();
    const window = this.windows.get(key);
    if (window === undefined || now - window.start >= this.windowMs) {
      if (this.windows.size >= this.maxKeys) {
        const oldest = this.windows.keys().next().value;
        if (oldest !== undefined) this.windows.delete(oldest);
      }
      this.windows.delete(key);
      this.windows.set(key, { start: now, failures: 1 });
      return;
    }
    window.failures++;
  }

  succeed(key: string): void {
    this.windows.delete(key);
  }
}

/** The value of cookie `name` in a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function sessionCookie(value: string, options: { secure: boolean; maxAgeSeconds: number }): string {
  const parts = [`${SESSION_COOKIE}=${value}`, 'Path=/console', 'HttpOnly', 'SameSite=Strict', `Max-Age=${options.maxAgeSeconds}`];
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}
