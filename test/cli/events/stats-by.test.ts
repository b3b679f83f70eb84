/**
 * `clarion events stats --by KEY | --verdicts | --disparity` and `clarion policy suggest` on both
 * stores, on a deployment where one tenant is over-asked.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { runCli } from '../../../src/cli/main.js';
import type { GroupFigures } from '../../../src/events/breakdown.js';
import type { ClarionEvent } from '../../../src/events/schema.js';
import { openEventBackend } from '../../../src/storage/index.js';
import { deleteKeys, testConfig, uniquePrefix } from '../../events/fixtures.js';
import { overAskedDeployment } from '../../events/sample-events.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

type Line = GroupFigures & { key: string };

for (const kind of ['file', 'redis'] as const) {
  describe(`clarion events stats --by on the ${kind} store`, () => {
    const dir = mkdtempSync(join(tmpdir(), `clarion-stats-by-${kind}-`));
    const dataDir = join(dir, 'data');
    const prefix = uniquePrefix(`stats-by-${kind}`);
    const configFile = join(dir, 'clarion.yaml');
    const env: NodeJS.ProcessEnv = { CLARION_CONFIG: configFile };
    const admin = new Redis({ lazyConnect: true });
    const events: ClarionEvent[] = overAskedDeployment(Date.now() - 6 * 3_600_000);

    async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
      const stdout = new Capture();
      const stderr = new Capture();
      const code = await runCli(['events', 'stats', ...args, '--data-dir', dataDir], { stdout, stderr, env, cwd: dir });
      return { code, out: stdout.text, err: stderr.text };
    }

    async function lines<T = Line>(...args: string[]): Promise<T[]> {
      const { code, out, err } = await cli(...args, '--json');
      assert.equal(code, 0, err);
      return out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as T);
    }

    const groups = (rows: Line[]): Record<string, number> => Object.fromEntries(rows.slice(1).map((r) => [r.group, r.events]));

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
        ].join('\n'),
      );
      const config = testConfig({ prefix, ...(kind === 'redis' ? { redisUrl: 'redis://127.0.0.1:6379' } : {}) });
      const backend = openEventBackend(config, dataDir);
      if (kind === 'redis') await new Promise<void>((resolve) => backend.onAvailability((state) => state === 'up' && resolve()));
      const bare = events.map((e) => ({ ...e, labels: [] }));
      const outcome = await backend.append(
        bare,
        bare.map((e) => JSON.stringify(e)),
      );
      assert.equal(outcome.written, events.length);
      for (const event of events) for (const label of event.labels) assert.ok(await backend.label(event.id, label));
      await backend.close();
    });

    after(async () => {
      if (kind === 'redis') {
        await admin.connect();
        await deleteKeys(admin, prefix);
        admin.disconnect();
      }
    });

    test('--by tenant: rates, precision, unneeded questions and missed per tenant, overall first', async () => {
      const rows = await lines('--by', 'tenant');
      assert.equal(rows[0]?.group, '(all)');
      assert.equal(rows[0]?.events, 244);
      assert.deepEqual(groups(rows), { acme: 80, globex: 80, legal: 80, tiny: 4 });
      const legal = rows.find((r) => r.group === 'legal');
      assert.equal(legal?.key, 'tenant');
      assert.equal(legal?.clarify.count, 60);
      assert.equal(legal?.labelled, 70);
      assert.deepEqual([legal?.precision.count, legal?.precision.of], [10, 60]);
      assert.deepEqual([legal?.unneeded.count, legal?.unneeded.of], [50, 70]);
      assert.deepEqual([legal?.missed.count, legal?.missed.of], [2, 70]);
      const table = await cli('--by', 'tenant');
      assert.equal(table.code, 0, table.err);
      assert.match(table.out, /^by tenant \(244 events, 134 labelled\)/);
      assert.match(table.out, /\nlegal\s+80\s+75\.0%\s+2\.5%\s+0\.0%\s+70\s+16\.7% \[\d+\.\d-\d+\.\d\]\s+71\.4% \[/);
      assert.match(table.out, /\n\(all\)\s+244\s/);
    });

    test('--disparity flags the over-asked tenant; the small group has too few labels', async () => {
      const [head, ...rows] = await lines<{ group: string; status?: string; ratio?: number | null; minLabelled?: number }>('--disparity');
      assert.equal(head?.group, '(all)');
      assert.equal(head?.minLabelled, 30);
      assert.deepEqual(Object.fromEntries(rows.map((r) => [r.group, r.status])), {
        legal: 'flagged',
        acme: 'within',
        globex: 'within',
        tiny: 'too-few-labels',
      });
      const table = await cli('--disparity');
      assert.match(table.out, /\nlegal\s+80\s+70\s+71\.4% \[[\d.-]+\]\s+1\.60x\s+flagged/);
      assert.match(table.out, /1 flagged; 1 with too few labels/);
      // The minimum count is an option: at 3, the 4 unneeded questions of `tiny` are flagged too.
      const loose = await lines<{ group: string; status?: string }>('--disparity', '--min-labelled', '3');
      assert.equal(loose.find((r) => r.group === 'tiny')?.status, 'flagged');
      // Filters apply: without legal, nobody is flagged.
      const others = await lines<{ group: string; status?: string }>('--disparity', '--tenant', 'acme,globex', '--min-labelled', '10');
      assert.deepEqual(
        others.slice(1).map((r) => r.status),
        ['within', 'within'],
      );
    });

    test('--verdicts: the verdict x norm table', async () => {
      const rows = await lines('--verdicts');
      assert.equal(rows[0]?.key, 'norm');
      const ask = rows.find((r) => r.group === 'ask-missing');
      assert.deepEqual(ask?.verdicts, { needed: 10 + 17 + 17, unneeded: 50 + 3 + 3 + 4, helpful: 0, unhelpful: 0, missed: 0 });
      const defaults = rows.find((r) => r.group === '(defaults)');
      assert.deepEqual(defaults?.verdicts, { needed: 0, unneeded: 24, helpful: 0, unhelpful: 0, missed: 6 });
      const table = await cli('--verdicts');
      assert.match(table.out, /^latest verdict by norm/);
      assert.match(table.out, /\nNORM\s+EVENTS\s+LABELLED\s+NEEDED\s+HELPFUL\s+UNNEEDED\s+UNHELPFUL\s+MISSED\s+PRECISION/);
      assert.match(table.out, /\nask-missing\s+104\s+104\s+44\s+0\s+60\s+0\s+0\s+42\.3%/);
    });

    test('every --by key', async () => {
      assert.deepEqual(groups(await lines('--by', 'model')), { 'gpt-4o-mini': 244 });
      assert.deepEqual(groups(await lines('--by', 'language')), { en: 164, fr: 80 });
      assert.deepEqual(groups(await lines('--by', 'route')), { 'openai-chat /v1/chat/completions': 244 });
      assert.deepEqual(groups(await lines('--by', 'norm')), { 'ask-missing': 104, '(defaults)': 118, note: 22 });
      assert.deepEqual(groups(await lines('--by', 'policy')), { p1: 244 });
      assert.deepEqual(groups(await lines('--by', 'model-id')), { 'shipped-1': 244 });
      assert.deepEqual(groups(await lines('--by', 'label-source')), { app: 134, '(unlabelled)': 110 });
      assert.deepEqual(groups(await lines('--by', 'action')), { clarify: 104, pass: 118, annotate: 22 });
      assert.deepEqual(groups(await lines('--by', 'category')), { aleatoric: 244 });
      assert.deepEqual(groups(await lines('--by', 'signal')), { missing_slot: 244 });
      // Label sources filter the verdicts: no analyst labelled anything.
      const analyst = await lines('--by', 'tenant', '--source', 'analyst');
      assert.equal(analyst[0]?.labelled, 0);
      assert.equal(analyst[0]?.unneeded.rate, null);
    });

    test('policy suggest: the over-asked tenant gets an annotate norm, validated by replay, written to --out', async () => {
      const policyFile = join(dir, 'policy.yaml');
      writeFileSync(
        policyFile,
        'version: p1\nnorms:\n  - name: ask-missing\n    when: { score: { min: 0.6 } }\n    then: { action: clarify, mode: instruct }\n  - name: note\n    when: { score: { min: 0.5 } }\n    then: { action: annotate }\n',
      );
      const out = join(dir, 'candidate.yaml');
      const stdout = new Capture();
      const stderr = new Capture();
      const code = await runCli(['policy', 'suggest', '--policy', policyFile, '--out', out, '--json', '--data-dir', dataDir], {
        stdout,
        stderr,
        env,
        cwd: dir,
      });
      assert.equal(code, 0, stderr.text);
      const report = JSON.parse(stdout.text) as { labelled: number; written: string; edits: { norm: string; applied: { changed: number } | null }[] };
      assert.equal(report.labelled, 134);
      assert.equal(report.written, out);
      assert.deepEqual(
        report.edits.filter((e) => e.applied !== null).map((e) => [e.norm, e.applied?.changed]),
        [['annotate-tenant-legal', 60]],
      );
      assert.match(readFileSync(out, 'utf8'), /# suggested: new first norm annotate-tenant-legal/);
      // The text report carries the verdict x norm table and the replay of each edit.
      const text = new Capture();
      assert.equal(await runCli(['policy', 'suggest', '--policy', policyFile, '--data-dir', dataDir], { stdout: text, stderr, env, cwd: dir }), 0);
      assert.match(text.text, /verdicts by norm/);
      assert.match(text.text, /\[applied\] new first norm annotate-tenant-legal/);
      assert.match(text.text, /clarify\/instruct -> annotate: 60/);
      assert.match(text.text, /\nversion: p1-suggested-[0-9a-f]{8}\n/);
    });

    test('usage errors', async () => {
      assert.equal((await cli('--verdicts', '--disparity')).code, 2);
      assert.equal((await cli('--by', 'tenant', '--min-ratio', '2')).code, 2);
      assert.equal((await cli('--source', 'app')).code, 2);
      const bad = await cli('--by', 'colour');
      assert.equal(bad.code, 2);
      assert.match(bad.err, /unknown value "colour"/);
    });
  });
}
