import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UpstreamRetriesSchema } from '../../src/config/schema.js';
import { backoffMs, nextDelayMs, retryAfterMs, retryReason } from '../../src/proxy/retry.js';

const retries = UpstreamRetriesSchema.parse({ max: 2, backoffMs: 100, maxBackoffMs: 300, maxRetryAfterMs: 1_000 });

test('retry-after: retry-after-ms first, then seconds, then an HTTP date; nonsense is no answer', () => {
  assert.equal(retryAfterMs({ 'retry-after-ms': '250', 'retry-after': '9' }), 250);
  assert.equal(retryAfterMs({ 'retry-after': '2' }), 2_000);
  assert.equal(retryAfterMs({ 'retry-after': '0.5' }), 500);
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(retryAfterMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }, now), 3_000);
  assert.equal(retryAfterMs({ 'retry-after': 'Wed, 31 Dec 2025 23:00:00 GMT' }, now), 0);
  assert.equal(retryAfterMs({ 'retry-after': 'soon' }), undefined);
  assert.equal(retryAfterMs({}), undefined);
});

test('backoff doubles per attempt, is capped, and jitters within its upper half', () => {
  assert.equal(
    backoffMs(retries, 1, () => 0),
    50,
  );
  assert.equal(
    backoffMs(retries, 1, () => 1),
    100,
  );
  assert.equal(
    backoffMs(retries, 2, () => 1),
    200,
  );
  assert.equal(
    backoffMs(retries, 5, () => 1),
    300,
  );
  assert.equal(
    backoffMs(retries, 5, () => 0),
    150,
  );
});

test('nextDelayMs: bounded attempts; retry-after honoured up to the cap, beyond it this upstream is done', () => {
  const connect = { kind: 'connect', code: 'ECONNREFUSED' } as const;
  assert.equal(
    nextDelayMs(retries, 0, connect, () => 1),
    100,
  );
  assert.equal(
    nextDelayMs(retries, 1, connect, () => 1),
    200,
  );
  assert.equal(
    nextDelayMs(retries, 2, connect, () => 1),
    null,
  );
  const limited = (after: string) => ({ kind: 'status', status: 429, headers: { 'retry-after': after } }) as const;
  assert.equal(nextDelayMs(retries, 0, limited('0.7')), 700);
  assert.equal(nextDelayMs(retries, 0, limited('5')), null);
  assert.equal(nextDelayMs(UpstreamRetriesSchema.parse({}), 0, connect), null, 'no retries unless configured');
  assert.equal(retryReason(connect), 'connect');
  assert.equal(retryReason(limited('1')), 'status_429');
  assert.equal(retryReason({ kind: 'status', status: 502, headers: {} }), 'status_5xx');
});
