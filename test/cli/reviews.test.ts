import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { createReviewQueue, type NewReviewItem, type ReviewItem } from '../../src/policy/reviews.js';
import { createRedisClient } from '../../src/storage/redis.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'clarion-cli-reviews-'));
const prefix = `clarion-test-${randomBytes(4).toString('hex')}:`;
const config = join(dir, 'clarion.yaml');
writeFileSync(config, `upstreams:\n  - { name: openai, api: openai, baseUrl: "https://api.openai.com/v1" }\nredis:\n  prefix: "${prefix}"\n`);
let redis: Redis;

before(async () => {
  redis = createRedisClient('redis://127.0.0.1:6379', { name: 'test-cli-reviews', commandTimeoutMs: 1000 });
  if (redis.status !== 'ready') await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await redis.del(`${prefix}reviews`, `${prefix}reviews:resolutions`);
  await redis.quit();
});

function clarion(env: Record<string, string>, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const base = { ...process.env };
  delete base.REDIS_URL;
  delete base.CLARION_CONFIG;
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'reviews', ...args, '--config', config], {
    cwd: root,
    env: { ...base, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const jsonLines = (stdout: string): ReviewItem[] =>
  stdout
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as ReviewItem);

function item(text: string): NewReviewItem {
  return {
    eventId: null,
    time: new Date().toISOString(),
    conversationId: 'c',
    tenant: 'acme',
    model: 'gpt-4o',
    protocol: 'openai-chat',
    reason: 'deferred',
    norm: 'defer-legal',
    text,
  };
}

for (const backend of ['file', 'redis'] as const) {
  test(`reviews list and resolve (${backend} backend)`, async () => {
    const dataDir = join(dir, `data-${backend}`);
    const env: Record<string, string> = backend === 'redis' ? { REDIS_URL: 'redis://127.0.0.1:6379' } : {};
    const queue = createReviewQueue({ redis: backend === 'redis' ? redis : null, prefix, dataDir, redact: (t) => t });
    const first = queue.enqueue(item('first request'));
    const second = queue.enqueue(item('second request'));
    await queue.close();

    const listed = clarion(env, 'list', '--json', '--data-dir', dataDir);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(
      jsonLines(listed.stdout).map((r) => [r.id, r.status, r.text]),
      [
        [second, 'open', 'second request'],
        [first, 'open', 'first request'],
      ],
    );

    const human = clarion(env, 'list', '--data-dir', dataDir);
    assert.equal(human.code, 0);
    assert.match(human.stdout, new RegExp(`^${first}  open  .* tenant=acme  model=gpt-4o  norm=defer-legal$`, 'm'));
    assert.match(human.stdout, /^ {4}first request$/m);

    const resolved = clarion(env, 'resolve', first, '--note', 'handled by phone', '--by', 'ana', '--data-dir', dataDir);
    assert.equal(resolved.code, 0, resolved.stderr);
    assert.equal(resolved.stdout.trim(), `resolved ${first}`);

    assert.deepEqual(
      jsonLines(clarion(env, 'list', '--json', '--data-dir', dataDir).stdout).map((r) => r.id),
      [second],
    );
    const done = jsonLines(clarion(env, 'list', '--status', 'resolved', '--json', '--data-dir', dataDir).stdout);
    assert.deepEqual(
      done.map((r) => [r.id, r.resolution?.by, r.resolution?.note]),
      [[first, 'ana', 'handled by phone']],
    );
    assert.equal(jsonLines(clarion(env, 'list', '--status', 'all', '--limit', '1', '--json', '--data-dir', dataDir).stdout).length, 1);

    const unknown = clarion(env, 'resolve', 'rv-0000000000001-00000000', '--data-dir', dataDir);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no review with id/);
  });
}

test('reviews: usage errors exit 2; an empty queue says so', () => {
  assert.equal(clarion({}, 'list', '--status', 'closed').code, 2);
  assert.equal(clarion({}, 'resolve').code, 2);
  assert.equal(clarion({}, 'frob').code, 2);
  const empty = clarion({}, 'list', '--data-dir', join(dir, 'empty'));
  assert.equal(empty.code, 0);
  assert.equal(empty.stdout.trim(), 'no reviews');
});
