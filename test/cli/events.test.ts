/** Every `clarion events` command, against both stores (the file store and the local Redis). */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { runCli } from '../../src/cli/main.js';
import { createEventLog, type EventLog } from '../../src/events/log.js';
import type { ClarionEvent } from '../../src/events/schema.js';
import { deleteKeys, eventInput, silentLogger, testConfig, uniquePrefix, type InputOptions } from '../events/fixtures.js';

const DAY = 86_400_000;

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

interface Seed extends InputOptions {
  expect: { action: string; model: string; tenant: string; score: number; day: number };
}

/** 12 events over two days: varied actions, models, tenants and scores. */
function seeds(day0: number, ids: () => string): Seed[] {
  const out: Seed[] = [];
  const actions = ['clarify', 'pass', 'annotate', 'defer'] as const;
  for (let i = 0; i < 12; i++) {
    const action = actions[i % 4] ?? 'pass';
    const model = i % 3 === 0 ? 'claude-sonnet-4' : 'gpt-4o-mini';
    const tenant = i % 2 === 0 ? 'acme' : 'globex';
    const score = Number((0.1 + i * 0.07).toFixed(2));
    const day = i < 5 ? 0 : 1;
    const time = day0 + day * DAY + 3_600_000 + i * 60_000;
    out.push({
      id: ids(),
      time,
      text: i === 7 ? 'Fix "this", please, call +44 20 7946 0958' : `translate this #${i}`,
      assessment: { score },
      decision: { action, mode: action === 'clarify' ? 'respond' : null },
      context: { model, tenant },
      expect: { action, model, tenant, score, day },
    });
  }
  return out;
}

for (const kind of ['file', 'redis'] as const) {
  describe(`clarion events on the ${kind} store`, () => {
    const dir = mkdtempSync(join(tmpdir(), `clarion-cli-${kind}-`));
    const dataDir = join(dir, 'data');
    const prefix = uniquePrefix(`cli-${kind}`);
    const configFile = join(dir, 'clarion.yaml');
    const env: NodeJS.ProcessEnv = { CLARION_CONFIG: configFile };
    const day0 = Date.now() - (Date.now() % DAY) - 2 * DAY;
    let seeded: Seed[] = [];
    let log: EventLog;
    const admin = new Redis({ lazyConnect: true });

    async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
      const stdout = new Capture();
      const stderr = new Capture();
      const code = await runCli(['events', ...args, '--data-dir', dataDir], { stdout, stderr, env, cwd: dir });
      return { code, out: stdout.text, err: stderr.text };
    }

    async function jsonl(...args: string[]): Promise<ClarionEvent[]> {
      const { code, out, err } = await cli(...args);
      assert.equal(code, 0, err);
      return out.trim() === ''
        ? []
        : out
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as ClarionEvent);
    }

    before(async () => {
      writeFileSync(
        configFile,
        [
          'upstreams:',
          '  - name: openai',
          '    api: openai',
          '    baseUrl: https://api.openai.com/v1',
          'redis:',
          `  prefix: "${prefix}"`,
          ...(kind === 'redis' ? ['  url: redis://127.0.0.1:6379'] : []),
          'events:',
          '  redaction: { mode: full }',
        ].join('\n'),
      );
      const config = testConfig({ prefix, ...(kind === 'redis' ? { redisUrl: 'redis://127.0.0.1:6379' } : {}), events: { redaction: { mode: 'full' } } });
      log = await createEventLog({ config, dataDir, instanceId: `cli-${kind}`, registry: new Registry(), logger: silentLogger });
      seeded = seeds(day0, () => log.newId());
      for (const seed of seeded) log.record(eventInput(seed));
      for (let i = 0; i < 100 && log.health().redis === 'down'; i++) await sleep(20);
      await log.flush();
      for (let i = 0; i < 100 && log.health().spooled > 0; i++) await sleep(20);
    });

    after(async () => {
      await log.close();
      if (kind === 'redis') {
        await admin.connect();
        await deleteKeys(admin, prefix);
        admin.disconnect();
      }
    });

    test('list: newest first, every event, as jsonl / --json / table', async () => {
      const events = await jsonl('list', '--format', 'jsonl', '--limit', '100');
      assert.deepEqual(
        events.map((e) => e.id),
        seeded.map((s) => s.id).reverse(),
      );
      // --json on a list is JSON lines, like --format jsonl.
      assert.deepEqual(
        (await jsonl('list', '--json', '--limit', '3')).map((e) => e.id),
        seeded
          .slice(-3)
          .map((s) => s.id)
          .reverse(),
      );
      const table = await cli('list', '--limit', '2');
      const lines = table.out.trim().split('\n');
      assert.match(lines[0] ?? '', /^TIME\s+ID\s+ACTION\s+SCORE/);
      assert.equal(lines.length, 3);
      assert.ok(lines[1]?.includes(seeded.at(-1)?.id ?? 'none'));
    });

    test('list filters: action, model, tenant, score range, time range, category, signal', async () => {
      const check = async (args: string[], keep: (s: Seed) => boolean): Promise<void> => {
        const got = (await jsonl('list', '--format', 'jsonl', '--limit', '100', ...args)).map((e) => e.id).sort();
        assert.deepEqual(
          got,
          seeded
            .filter(keep)
            .map((s) => s.id)
            .sort(),
          args.join(' '),
        );
      };
      await check(['--action', 'clarify,defer'], (s) => ['clarify', 'defer'].includes(s.expect.action));
      await check(['--model', 'claude-sonnet-4'], (s) => s.expect.model === 'claude-sonnet-4');
      await check(['--tenant', 'globex', '--min-score', '0.5'], (s) => s.expect.tenant === 'globex' && s.expect.score >= 0.5);
      await check(['--max-score', '0.3'], (s) => s.expect.score <= 0.3);
      await check(['--since', new Date(day0 + DAY).toISOString()], (s) => s.expect.day === 1);
      await check(['--until', new Date(day0 + DAY).toISOString().slice(0, 10)], (s) => s.expect.day === 0);
      await check(['--category', 'aleatoric', '--signal', 'missing_slot'], () => true);
      await check(['--category', 'epistemic'], () => false);
      const bad = await cli('list', '--action', 'explode');
      assert.equal(bad.code, 2);
      assert.match(bad.err, /unknown value "explode"/);
    });

    test('show: one event with everything; unknown id exits 1', async () => {
      const seed = seeded[7];
      assert.ok(seed !== undefined);
      const { code, out } = await cli('show', seed.id);
      assert.equal(code, 0);
      const event = JSON.parse(out) as ClarionEvent;
      assert.equal(event.id, seed.id);
      assert.equal(event.request.text, 'Fix "this", please, call [REDACTED:phone]');
      assert.equal(event.tenant, seed.expect.tenant);
      const missing = await cli('show', '01ZZZZZZZZZZZZZZZZZZZZZZZZ');
      assert.equal(missing.code, 1);
    });

    test('label: stored with the event, note redacted, visible in list/show/stats/export', async () => {
      const target = seeded[2];
      assert.ok(target !== undefined);
      const labelled = await cli('label', target.id, 'unneeded', '--note', 'ask me at jane@example.com');
      assert.equal(labelled.code, 0, labelled.err);
      assert.equal((await cli('label', target.id, 'bogus')).code, 2);
      assert.equal((await cli('label', '01ZZZZZZZZZZZZZZZZZZZZZZZZ', 'needed')).code, 1);
      const shown = JSON.parse((await cli('show', target.id)).out) as ClarionEvent;
      assert.equal(shown.labels.length, 1);
      assert.equal(shown.labels[0]?.verdict, 'unneeded');
      assert.equal(shown.labels[0]?.note, 'ask me at [REDACTED:email]');
      assert.deepEqual(
        (await jsonl('list', '--format', 'jsonl', '--verdict', 'unneeded')).map((e) => e.id),
        [target.id],
      );
      // Relabelling moves the event to the new verdict (latest label wins in stats).
      assert.equal((await cli('label', target.id, 'needed')).code, 0);
      const stats = JSON.parse((await cli('stats', '--json')).out) as { byVerdict: Record<string, number> };
      assert.deepEqual(stats.byVerdict, { needed: 1 });
      const csv = (await cli('export', '--format', 'csv')).out;
      const row = csv.split('\r\n').find((l) => l.startsWith(target.id));
      assert.ok(row?.includes(',needed,'), row);
    });

    test('stats: counts by day, action, model, tenant, category, signal', async () => {
      const { code, out } = await cli('stats', '--json', '--scan');
      assert.equal(code, 0);
      const stats = JSON.parse(out) as {
        source: string;
        total: number;
        byDay: Record<string, number>;
        byAction: Record<string, number>;
        byModel: Record<string, number>;
        byTenant: Record<string, number>;
        bySignal: Record<string, number>;
        byCategory: Record<string, number>;
      };
      assert.equal(stats.source, 'scan');
      assert.equal(stats.total, seeded.length);
      const count = (key: (s: Seed) => string): Record<string, number> => {
        const table: Record<string, number> = {};
        for (const s of seeded) table[key(s)] = (table[key(s)] ?? 0) + 1;
        return table;
      };
      assert.deepEqual(
        stats.byAction,
        count((s) => s.expect.action),
      );
      assert.deepEqual(
        stats.byModel,
        count((s) => s.expect.model),
      );
      assert.deepEqual(
        stats.byTenant,
        count((s) => s.expect.tenant),
      );
      assert.deepEqual(
        stats.byDay,
        count((s) => new Date(day0 + s.expect.day * DAY).toISOString().slice(0, 10)),
      );
      assert.deepEqual(stats.byCategory, { aleatoric: seeded.length });
      assert.deepEqual(stats.bySignal, { missing_slot: seeded.length, unresolved_reference: seeded.length });
      const filtered = JSON.parse((await cli('stats', '--json', '--action', 'pass')).out) as { total: number; source: string };
      assert.equal(filtered.total, seeded.filter((s) => s.expect.action === 'pass').length);
      assert.equal(filtered.source, 'scan');
      // Whole-day ranges are answered from the rollups in Redis, and they agree with a scan.
      const since = new Date(day0).toISOString().slice(0, 10);
      const fast = JSON.parse((await cli('stats', '--json', '--since', since)).out) as typeof stats;
      const slow = JSON.parse((await cli('stats', '--json', '--since', since, '--scan')).out) as typeof stats;
      assert.equal(fast.source, kind === 'redis' ? 'rollup' : 'scan');
      const strip = (s: typeof stats): unknown => ({ ...s, source: null, byVerdict: null });
      assert.deepEqual(strip(fast), strip(slow));
      const table = await cli('stats');
      assert.match(table.out, /^events: 12 /);
      assert.match(table.out, /by action\n {2}\S+\s+\d+\s+\d+\.\d%/);
    });

    test('export: jsonl oldest first, csv with a header and escaped cells', async () => {
      const all = await jsonl('export', '--format', 'jsonl');
      assert.deepEqual(
        all.map((e) => e.id),
        seeded.map((s) => s.id),
      );
      const csv = (await cli('export', '--format', 'csv', '--model', 'gpt-4o-mini')).out.split('\r\n').filter((l) => l !== '');
      assert.ok(csv[0]?.startsWith('id,time,instance,request_id,'));
      assert.equal(csv.length, 1 + seeded.filter((s) => s.expect.model === 'gpt-4o-mini').length);
      const quoted = csv.find((l) => l.startsWith(seeded[7]?.id ?? 'none'));
      assert.ok(quoted?.includes('"Fix ""this"", please, call [REDACTED:phone]"'), quoted);
      assert.equal((await cli('export', '--format', 'xml')).code, 2);
    });

    test('tail: prints the backlog, then follows new events', async () => {
      const stdout = new Capture();
      const controller = new AbortController();
      const done = runCli(['events', 'tail', '-n', '2', '--max', '4', '--format', 'jsonl', '--data-dir', dataDir], {
        stdout,
        stderr: new Capture(),
        env,
        cwd: dir,
        signal: controller.signal,
      });
      await sleep(400);
      const fresh = [log.newId(), log.newId()];
      for (const id of fresh) log.record(eventInput({ id }));
      await log.flush();
      const timer = setTimeout(() => controller.abort(), 8_000);
      const code = await done;
      clearTimeout(timer);
      assert.equal(code, 0);
      const ids = stdout.text
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as ClarionEvent).id);
      assert.deepEqual(ids, [...seeded.slice(-2).map((s) => s.id), ...fresh]);
      seeded.push(...fresh.map((id) => ({ id, expect: { action: 'clarify', model: 'gpt-4o-mini', tenant: 'acme', score: 0.82, day: 2 } })));
    });

    test('--json: one JSON object per line, one per event for lists, one line for a single result', async () => {
      const lines = async (...args: string[]): Promise<Record<string, unknown>[]> => {
        const { code, out, err } = await cli(...args);
        assert.equal(code, 0, err);
        assert.ok(out.endsWith('\n'), 'ends with a newline');
        return out
          .trimEnd()
          .split('\n')
          .map((l) => JSON.parse(l) as Record<string, unknown>);
      };
      assert.deepEqual(
        (await lines('export', '--json')).map((e) => e.id),
        seeded.map((s) => s.id),
      );
      assert.deepEqual(
        (await lines('tail', '--json', '-n', '2', '--max', '2')).map((e) => e.id),
        seeded.slice(-2).map((s) => s.id),
      );
      const [stats, ...rest] = await lines('stats', '--json');
      assert.equal(rest.length, 0);
      assert.equal(stats?.total, seeded.length);
      const target = seeded[0]?.id ?? 'none';
      assert.deepEqual(
        (await lines('show', target, '--json')).map((e) => e.id),
        [target],
      );
      assert.deepEqual(await lines('label', target, 'helpful', '--json'), [{ id: target, verdict: 'helpful' }]);
    });
  });
}

test('clarion events without a command prints usage and exits 2; a bad option exits 2', async () => {
  const stderr = new Capture();
  assert.equal(await runCli(['events'], { stdout: new Capture(), stderr, env: {}, cwd: tmpdir() }), 2);
  assert.match(stderr.text, /usage: clarion events/);
  const err = new Capture();
  assert.equal(await runCli(['events', 'list', '--bogus'], { stdout: new Capture(), stderr: err, env: {}, cwd: tmpdir() }), 2);
});
