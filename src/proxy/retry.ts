/**
 * When to send a failed attempt again, and after how long: bounded attempts per upstream, an
 * exponential backoff with jitter, and the upstream's own `retry-after` (`retry-after-ms` first,
 * as OpenAI sends it; then `retry-after` in seconds or as an HTTP date) respected up to a cap.
 * Pure: the clock and the random source are parameters.
 */
import type { UpstreamRetries } from '../config/schema.js';
import type { RetryCause } from './relay.js';

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Milliseconds the upstream asked to wait, or undefined when it did not say (or said nonsense). */
export function retryAfterMs(headers: Record<string, string | string[] | undefined>, now: number = Date.now()): number | undefined {
  const ms = header(headers, 'retry-after-ms');
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.ceil(Number(ms));
  const value = header(headers, 'retry-after')?.trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Backoff before retry number `attempt` (1 = the first retry): base * 2^(attempt-1), capped, with half of it jittered. */
export function backoffMs(retries: UpstreamRetries, attempt: number, random: () => number = Math.random): number {
  const full = Math.min(retries.maxBackoffMs, retries.backoffMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(full / 2 + (full / 2) * random());
}

/**
 * How long to wait before attempt `attempt + 1` on the same upstream, or null when this upstream
 * is done (attempts spent, or it asked for a longer wait than `maxRetryAfterMs`).
 */
export function nextDelayMs(retries: UpstreamRetries, attempt: number, cause: RetryCause, random?: () => number): number | null {
  if (attempt >= retries.max) return null;
  const asked = cause.kind === 'status' ? retryAfterMs(cause.headers) : undefined;
  if (asked !== undefined) return asked > retries.maxRetryAfterMs ? null : Math.max(asked, 0);
  return backoffMs(retries, attempt + 1, random);
}

/** The metric label of a cause. */
export function retryReason(cause: RetryCause): string {
  if (cause.kind === 'connect') return 'connect';
  return cause.status === 429 ? 'status_429' : 'status_5xx';
}
