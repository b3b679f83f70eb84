/**
 * The `limits` section and the other bounds the config enforces: safe defaults, and values Node
 * would silently misread (a timer above 2^31-1 ms fires after 1 ms) refused, naming the field.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseConfig } from '../../src/config/load.js';

const base = `
upstreams:
  - name: openai
    api: openai
    baseUrl: https://api.openai.com/v1
`;

function problemsOf(text: string): string {
  try {
    parseConfig(text, 'bad.yaml', {});
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems.join('\n');
  }
  assert.fail('the config was accepted');
}

test('limits have safe defaults', () => {
  const { limits, server } = parseConfig(base, 'mem.yaml', {});
  assert.equal(limits.maxJsonDepth, 128);
  assert.equal(limits.maxIdentifierLength, 256);
  assert.ok(limits.headersTimeoutMs > 0 && limits.headersTimeoutMs <= 30_000);
  assert.ok(limits.requestTimeoutMs > 0);
  assert.ok(limits.keepAliveTimeoutMs > 0);
  assert.ok(limits.maxConnections > 0);
  assert.ok(limits.maxInflightBodyBytes >= server.bodyLimitBytes);
  assert.equal(server.trustClientHeaders, false);
});

test('shutdownGraceMs above 2^31-1 is refused', () => {
  assert.match(problemsOf(`${base}server:\n  shutdownGraceMs: 2147483648\n`), /^server\.shutdownGraceMs: /m);
});

test('a timeout above 2^31-1 is refused', () => {
  assert.match(problemsOf(`${base}limits:\n  requestTimeoutMs: 3000000000\n`), /^limits\.requestTimeoutMs: /m);
});

test('tenantHeader may not name a credential header', () => {
  for (const header of ['authorization', 'X-Api-Key', 'cookie', 'api-key']) {
    assert.match(problemsOf(`${base}server:\n  tenantHeader: ${header}\n`), /^server\.tenantHeader: .*credential/m);
  }
});
