/**
 * The console's calls to its JSON API (`/console/api/*`). The session cookie goes along by itself
 * (same origin); writes carry the session's CSRF token, read once from `/api/session`. A 401
 * means the session ended: back to the sign-in page.
 */
export type { Overview, VersionMarker } from '../../src/http/console/overview.js';
export type { EventPage } from '../../src/events/store.js';
export type { HistoryDiff, HistoryItem } from '../../src/http/console/history.js';
export type { TryResult, TryOutcome, TryFormat } from '../../src/http/console/try.js';
export type { WhatIfResult, Quality } from '../../src/http/console/whatif.js';
export type { StoredEvent } from '../../src/events/store.js';
export type { ReviewItem } from '../../src/policy/review-store.js';
export type { PolicyCard } from '../../src/policy/card.js';
export type { PolicyStatus } from '../../src/policy/load.js';

export const BASE = '/console';

export interface SessionInfo {
  name: string;
  csrf: string;
  storage: 'redis' | 'file';
  verdicts: string[];
  actions: string[];
  categories: string[];
  signals: string[];
  policyVersion: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

let csrf: string | null = null;

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method === 'POST') {
    headers['content-type'] = 'application/json';
    headers['x-clarion-csrf'] = csrf ?? (await session()).csrf;
  }
  const response = await fetch(`${BASE}/api${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.status === 401) {
    window.location.assign(`${BASE}/signin`);
    throw new ApiError(401, 'Your session ended: sign in again.');
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    throw new ApiError(response.status, `The server answered ${response.status} with something that is not JSON.`);
  }
  if (!response.ok) {
    const message = (parsed as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${response.status}`;
    throw new ApiError(response.status, message);
  }
  return parsed as T;
}

let sessionPromise: Promise<SessionInfo> | null = null;

export function session(): Promise<SessionInfo> {
  sessionPromise ??= call<SessionInfo>('GET', '/session').then(
    (info) => {
      csrf = info.csrf;
      return info;
    },
    (error: unknown) => {
      sessionPromise = null;
      throw error;
    },
  );
  return sessionPromise;
}

export const get = <T>(path: string): Promise<T> => call<T>('GET', path);
export const post = <T>(path: string, body: unknown): Promise<T> => call<T>('POST', path, body);

/** `?a=1&b=x,y` from an object, leaving out empty values. */
export function queryString(values: Record<string, string | number | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}
