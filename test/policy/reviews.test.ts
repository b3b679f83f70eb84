import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Label } from '../../src/events/schema.js';
import type { LabelTarget } from '../../src/events/labels.js';
import { createReviewQueue, MAX_REVIEW_TEXT, type NewReviewItem, type ReviewQueue } from '../../src/policy/reviews.js';
import { createRedisClient } from '../../src/storage/redis.js';

const redact = (text: string): string => text.replace(/sk-[A-Za-z0-9]+/g, '[key]');

function item(n: number, extra: Partial<NewReviewItem> = {}): NewReviewItem {
  return {
    eventId: `ev-${n}`,
    time: new Date(1_700_000_000_000 + n * 1000).toISOString(),
    conversationId: `conv-${n}`,
    tenant: n % 2 === 0 ? 'acme' : null,
    model: 'gpt-4o',
    protocol: 'openai-chat',
    reason: `norm "defer-legal" matched (score 0.9)`,
    norm: 'defer-legal',
    text: `request ${n} with secret sk-abc${n}`,
    ...extra,
  };
}

/** The behaviour both backends must share. */
function queueContract(name: string, make: (labels?: LabelTarget) => ReviewQueue) {
  describe(name, () => {
    test('enqueue returns an id at once; list shows open items newest first, redacted', async () => {
      const queue = make();
      const ids = [1, 2, 3].map((n) => queue.enqueue(item(n)));
      for (const id of ids) assert.match(id, /^rv-\d{13}-[0-9a-f]{8}$/);
      assert.equal(new Set(ids).size, 3);
      const open = await queue.list();
      assert.deepEqual(
        open.map((r) => r.id),
        [...ids].reverse(),
      );
      const first = open[2];
      assert.equal(first?.status, 'open');
      assert.equal(first?.eventId, 'ev-1');
      assert.equal(first?.conversationId, 'conv-1');
      assert.equal(first?.tenant, null);
      assert.equal(first?.norm, 'defer-legal');
      assert.equal(first?.text, 'request 1 with secret [key]');
      assert.equal(first?.resolution, undefined);
      await queue.close();
    });

    test("resolving labels the item's event as the reviewer (verdict given, or needed)", async () => {
      const labelled: Array<[string, Label]> = [];
      const queue = make({ label: async (id, label) => (labelled.push([id, label]), true) });
      const a = queue.enqueue(item(20));
      const b = queue.enqueue(item(21));
      const none = queue.enqueue(item(22, { eventId: null }));
      assert.equal(await queue.resolve(a, { by: 'ana', note: 'deferral was overkill', verdict: 'unneeded' }), true);
      assert.equal(await queue.resolve(b, {}), true);
      assert.equal(await queue.resolve(none, {}), true);
      assert.deepEqual(
        labelled.map(([id, l]) => [id, l.verdict, l.source, l.note]),
        [
          ['ev-20', 'unneeded', 'reviewer', 'deferral was overkill'],
          ['ev-21', 'needed', 'reviewer', null],
        ],
      );
      const resolved = await queue.list({ status: 'resolved', limit: 10 });
      assert.equal(resolved.find((r) => r.id === a)?.resolution?.verdict, 'unneeded');
      await queue.close();
    });

    test('resolve moves an item from open to resolved; unknown ids are false', async () => {
      const queue = make();
      const a = queue.enqueue(item(10));
      const b = queue.enqueue(item(11));
      assert.equal(await queue.resolve(a, { by: 'ana', note: 'answered by email' }), true);
      assert.equal(await queue.resolve('rv-0000000000000-deadbeef', {}), false);
      assert.equal(await queue.resolve('not-an-id', {}), false);
      const open = await queue.list({ status: 'open' });
      assert.ok(open.some((r) => r.id === b));
      assert.ok(!open.some((r) => r.id === a));
      const resolved = await queue.list({ status: 'resolved' });
      const done = resolved.find((r) => r.id === a);
      assert.equal(done?.status, 'resolved');
      assert.equal(done?.resolution?.by, 'ana');
      assert.equal(done?.resolution?.note, 'answered by email');
      assert.ok(!Number.isNaN(Date.parse(done?.resolution?.time ?? '')));
      const all = await queue.list({ status: 'all' });
      assert.ok(all.some((r) => r.id === a) && all.some((r) => r.id === b));
      await queue.close();
    });

    test('limit caps the list', async () => {
      const queue = make();
      for (let n = 20; n < 25; n++) queue.enqueue(item(n));
      assert.equal((await queue.list({ status: 'all', limit: 2 })).length, 2);
      await queue.close();
    });

    test('a second queue on the same store sees the same items', async () => {
      const writer = make();
      const id = writer.enqueue(item(30));
      await writer.close();
      const reader = make();
      assert.ok((await reader.list({ status: 'all' })).some((r) => r.id === id));
      assert.equal(await reader.resolve(id, { note: 'from the CLI' }), true);
      assert.equal((await writer.list({ status: 'resolved' })).find((r) => r.id === id)?.resolution?.note, 'from the CLI');
      await reader.close();
    });

    test('text is capped at MAX_REVIEW_TEXT characters', async () => {
      const queue = make();
      const long = queue.enqueue(item(40, { text: 'x'.repeat(MAX_REVIEW_TEXT + 500) }));
      const listed = (await queue.list({ status: 'all', limit: 1000 })).find((r) => r.id === long);
      assert.equal(listed?.text.length, MAX_REVIEW_TEXT);
      await queue.close();
    });
  });
}

describe('file backend', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clarion-reviews-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  queueContract('file', (labels) => createReviewQueue({ redis: null, prefix: 'unused:', dataDir: dir, redact, ...(labels === undefined ? {} : { labels }) }));

  test('writes JSON lines under <dataDir>/reviews/ and skips a torn last line', async () => {
    const own = mkdtempSync(join(tmpdir(), 'clarion-reviews-'));
    try {
      const queue = createReviewQueue({ redis: null, prefix: 'x:', dataDir: own, redact });
      const id = queue.enqueue(item(50));
      await queue.close();
      const file = join(own, 'reviews', 'reviews.jsonl');
      assert.ok(existsSync(file));
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      assert.equal(lines.length, 1);
      assert.ok(!lines[0]?.includes('sk-abc'));
      const { appendFileSync } = await import('node:fs');
      appendFileSync(file, '{"kind":"item","item":{"id":');
      const again = createReviewQueue({ redis: null, prefix: 'x:', dataDir: own, redact });
      assert.deepEqual(
        (await again.list()).map((r) => r.id),
        [id],
      );
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });

  test('a redactor that throws stores a placeholder', async () => {
    const own = mkdtempSync(join(tmpdir(), 'clarion-reviews-'));
    try {
      const queue = createReviewQueue({
        redis: null,
        prefix: 'x:',
        dataDir: own,
        redact: () => {
          throw new Error('bad');
        },
      });
      queue.enqueue(item(60));
      const [only] = await queue.list();
      assert.equal(only?.text, '[redaction failed]');
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });

  test('an unwritable data dir reports through onError and never throws', async () => {
    const own = mkdtempSync(join(tmpdir(), 'clarion-reviews-'));
    try {
      // A regular file where the data directory should be: mkdir fails.
      const { writeFileSync } = await import('node:fs');
      writeFileSync(join(own, 'not-a-dir'), '');
      const errors: unknown[] = [];
      const queue = createReviewQueue({ redis: null, prefix: 'x:', dataDir: join(own, 'not-a-dir'), redact, onError: (e) => errors.push(e) });
      assert.doesNotThrow(() => queue.enqueue(item(70)));
      await queue.close();
      assert.equal(errors.length, 1);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });
});

describe('Redis backend (local 127.0.0.1:6379)', () => {
  const prefix = `clarion-test-${randomBytes(4).toString('hex')}:`;
  let redis: Redis;
  before(async () => {
    redis = createRedisClient('redis://127.0.0.1:6379', { name: 'test-reviews', commandTimeoutMs: 1000 });
    if (redis.status !== 'ready') await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
  });
  after(async () => {
    await redis.del(`${prefix}reviews`, `${prefix}reviews:resolutions`);
    await redis.quit();
  });
  queueContract('redis', (labels) => createReviewQueue({ redis, prefix, dataDir: '/nonexistent', redact, ...(labels === undefined ? {} : { labels }) }));

  test('uses the stream <prefix>reviews and the hash <prefix>reviews:resolutions', async () => {
    const queue = createReviewQueue({ redis, prefix, dataDir: '/nonexistent', redact });
    const id = queue.enqueue(item(80));
    await queue.close();
    assert.equal(await redis.type(`${prefix}reviews`), 'stream');
    await queue.resolve(id, { by: 'x' });
    assert.ok((await redis.hget(`${prefix}reviews:resolutions`, id)) !== null);
  });

  test('list pages through more items than one page', async () => {
    const queue = createReviewQueue({ redis, prefix: `${prefix}paging:`, dataDir: '/nonexistent', redact });
    const ids: string[] = [];
    for (let n = 0; n < 450; n++) ids.push(queue.enqueue(item(n)));
    await queue.close();
    // Resolve the newest 300 so that open items start on the second page.
    for (const id of ids.slice(150)) await redis.hset(`${prefix}paging:reviews:resolutions`, id, JSON.stringify({ time: new Date().toISOString() }));
    const open = await queue.list({ status: 'open', limit: 1000 });
    assert.deepEqual(
      open.map((r) => r.id),
      ids.slice(0, 150).reverse(),
    );
    assert.equal(await queue.resolve(ids[0] as string, {}), true);
    await redis.del(`${prefix}paging:reviews`, `${prefix}paging:reviews:resolutions`);
  });
});
