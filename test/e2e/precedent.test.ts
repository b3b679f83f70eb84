/**
 * Precedent per user across two `clarion serve` processes sharing Redis, through the official
 * SDKs: a user asked for the target language on one instance answers on the other; their next
 * request — on any API, on either instance — is not asked again, and the model is told what was
 * assumed and why (the fake upstream records what it received). Another user is still asked.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream.js';
import { sdkClients, type SdkClients } from '../helpers/sdk.js';
import { CLI_FROM_SOURCE, LISTENING_ADDRESS, spawnNode, waitForOutput, writeServeConfig } from '../helpers/spawn.js';

const POLICY = `
version: precedent-e2e
norms:
  - name: ask-target-language
    when: { missingSlots: [target_language] }
    then: { action: clarify, precedent: { scope: user, ttl: 30d } }
`;
const FIRST = 'Translate this sentence: the weather is lovely today.';
const QUESTION = 'Which language should I translate it into?';
const ASSUMED = 'assume the target language: French (the user gave this answer when asked before)';
/** The tenant is named, so the OpenAI and Anthropic keys (two tenants otherwise) share one user. */
const HEADERS = { 'x-clarion-tenant': 'acme' };

describe('precedent across two processes sharing Redis', () => {
  let upstream: FakeUpstream;
  let dir: string;
  let redis: Redis;
  const prefix = `clarion-test-${randomUUID().slice(0, 8)}:`;
  const children: ChildProcess[] = [];
  let a: SdkClients;
  let b: SdkClients;

  before(async () => {
    upstream = await startFakeUpstream();
    dir = mkdtempSync(join(tmpdir(), 'clarion-precedent-'));
    redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    writeFileSync(join(dir, 'policy.yaml'), POLICY);
    const configFile = join(dir, 'clarion.yaml');
    writeServeConfig(configFile, {
      // The tests name conversations and users in headers, as a trusted gateway would.
      server: 'trustClientHeaders: true',
      upstreams: [
        `{ name: openai, api: openai, baseUrl: "${upstream.openaiBaseUrl}" }`,
        `{ name: anthropic, api: anthropic, baseUrl: "${upstream.anthropicBaseUrl}" }`,
      ],
      extra: [`redis: { url: "redis://127.0.0.1:6379", prefix: "${prefix}" }`],
      // A slow first Redis read would count as "budget spent" (annotate): the shared test machine is slow.
      policy: '{ file: policy.yaml, memoryTimeoutMs: 5000 }',
      dataDir: join(dir, 'data'),
    });
    const urls: string[] = [];
    for (let i = 0; i < 2; i++) {
      // REDIS_URL emptied so the config's Redis (with the test's prefix) is the one used.
      const proc = spawnNode([...CLI_FROM_SOURCE, 'serve'], { CLARION_CONFIG: configFile, PORT: '0', REDIS_URL: '' });
      children.push(proc.child);
      // Generous: the test machine is shared and starting from source is slow under load.
      const match = await waitForOutput(proc, LISTENING_ADDRESS, `clarion serve ${i}`, 120_000);
      urls.push(match[1] as string);
    }
    a = sdkClients({ openai: `${urls[0]}/v1`, anthropic: urls[0] as string });
    b = sdkClients({ openai: `${urls[1]}/v1`, anthropic: urls[1] as string });
  });
  after(async () => {
    for (const child of children) child.kill('SIGTERM');
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The system text the upstream received last, whatever the API. */
  function lastSystem(): string {
    const json = upstream.requests.at(-1)?.json ?? {};
    if (typeof json.instructions === 'string') return json.instructions;
    if (json.system !== undefined) return typeof json.system === 'string' ? json.system : JSON.stringify(json.system);
    return (json.messages as Array<{ role: string; content: unknown }>)
      .filter((m) => m.role === 'system' || m.role === 'developer')
      .map((m) => String(m.content))
      .join('\n');
  }

  async function waitForAnswerStored(): Promise<string[]> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const keys = await redis.keys(`${prefix}prec:*`);
      if (keys.length > 0 || Date.now() > deadline) return keys;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  test('asked once on one instance, answered on the other, then assumed on every API', async () => {
    // 1. Instance A asks alice for the target language.
    const asked = await a.openai.chat.completions
      .create({ model: 'gpt-4o-mini', user: 'alice', messages: [{ role: 'user', content: FIRST }] }, { headers: HEADERS })
      .withResponse();
    assert.equal(asked.response.headers.get('x-clarion-action'), 'clarify');
    assert.match(lastSystem(), /Which language should I translate it into/);

    // 2. She answers in the same conversation, through instance B.
    const answered = await b.openai.chat.completions
      .create(
        {
          model: 'gpt-4o-mini',
          user: 'alice',
          messages: [
            { role: 'user', content: FIRST },
            { role: 'assistant', content: QUESTION },
            { role: 'user', content: 'French, please.' },
          ],
        },
        { headers: HEADERS },
      )
      .withResponse();
    assert.notEqual(answered.response.headers.get('x-clarion-action'), 'clarify');
    const stored = await waitForAnswerStored();
    assert.equal(stored.length, 1, 'one answer stored');
    assert.ok(!(stored[0] ?? '').includes('alice'), 'the user id is hashed in the key');
    assert.equal(await redis.get(stored[0] as string), 'French');
    assert.equal((await redis.ttl(stored[0] as string)) > 29 * 86_400, true, 'kept for the norm’s ttl');

    // 3. A new conversation, on each API and instance: not asked again, the assumption visible to the model.
    const chat = await a.openai.chat.completions
      .create(
        { model: 'gpt-4o-mini', user: 'alice', messages: [{ role: 'user', content: 'Translate this sentence: good night and sleep well.' }] },
        { headers: HEADERS },
      )
      .withResponse();
    assert.equal(chat.response.headers.get('x-clarion-action'), 'annotate');
    assert.equal(chat.response.headers.get('x-clarion-precedent'), 'target_language');
    assert.ok(lastSystem().includes(ASSUMED), lastSystem());

    const responses = await b.openai.responses
      .create({ model: 'gpt-4o-mini', user: 'alice', input: 'Translate this sentence: see you tomorrow at noon.', stream: true }, { headers: HEADERS })
      .withResponse();
    for await (const _event of responses.data) {
      // drain the stream
    }
    assert.equal(responses.response.headers.get('x-clarion-action'), 'annotate');
    assert.ok(lastSystem().includes(ASSUMED), lastSystem());

    const messages = await b.anthropic.messages
      .create(
        {
          model: 'claude-test-model',
          max_tokens: 100,
          metadata: { user_id: 'alice' },
          messages: [{ role: 'user', content: 'Translate this sentence: the train leaves at eight.' }],
        },
        { headers: HEADERS },
      )
      .withResponse();
    assert.equal(messages.response.headers.get('x-clarion-action'), 'annotate');
    assert.ok(lastSystem().includes(ASSUMED), lastSystem());

    // 4. Another user of the same tenant is asked.
    const bob = await a.openai.chat.completions
      .create(
        { model: 'gpt-4o-mini', user: 'bob', messages: [{ role: 'user', content: 'Translate this sentence: good night and sleep well.' }] },
        { headers: HEADERS },
      )
      .withResponse();
    assert.equal(bob.response.headers.get('x-clarion-action'), 'clarify');
    assert.equal(bob.response.headers.get('x-clarion-precedent'), null);
  });
});
