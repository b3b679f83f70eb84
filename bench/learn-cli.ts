/**
 * `clarion learn` end to end on 100k labelled events in the embedded file store: the events are
 * written as the proxy records them (full v2 events, sparse features included), then the command
 * runs in a child process, so its CPU time and peak RSS are the command's own (store read, events
 * in memory, learning, evaluation, the file written).
 * Run: npx tsx bench/learn-cli.ts [EVENTS]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { conversationFromText } from '../src/conversation.js';
import { createDetector } from '../src/detect/index.js';
import { createIdGenerator } from '../src/events/id.js';
import type { ClarionEvent } from '../src/events/schema.js';
import { EventsConfigSchema } from '../src/events/config.js';
import { FileEventStore } from '../src/storage/file/events.js';
import { storedEvent } from '../test/events/sample-events.js';

const COUNT = Number(process.argv[2] ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), 'clarion-learn-cli-'));
const dataDir = join(dir, 'data');
writeFileSync(join(dir, 'clarion.yaml'), 'upstreams:\n  - name: openai\n    api: openai\n    baseUrl: https://api.openai.com/v1\n');
writeFileSync(join(dir, 'policy.yaml'), 'version: b1\nnorms:\n  - name: ask\n    when: { score: { min: 0.6 } }\n    then: { action: clarify }\n');

const PARTIES = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Hooli', 'Vandelay'];
const CLAUSES = ['indemnity', 'termination', 'limitation of liability', 'governing law', 'confidentiality', 'assignment', 'force majeure', 'payment terms'];
const VERBS = ['Review', 'Summarize', 'Redline', 'Check', 'Flag issues in', 'Mark up'];
const legal: [string, 'needed' | 'unneeded'][] = [];
for (const v of VERBS) {
  for (const c of CLAUSES) legal.push([`${v} the ${c} clause of the agreement.`, 'unneeded'], [`${v} the ${c} language.`, 'needed']);
  for (const p of PARTIES) legal.push([`${v} the contract with ${p}.`, 'unneeded'], [`${v} ${p}'s latest one.`, 'needed']);
}

const detector = createDetector();
const start = Date.now() - 2 * 86_400_000;
let ms = start;
const newId = createIdGenerator(() => ms);
const store = new FileEventStore(dataDir, EventsConfigSchema.parse({}));
const t0 = performance.now();
for (let from = 0; from < COUNT; from += 1_000) {
  const batch: ClarionEvent[] = [];
  for (let n = from; n < Math.min(COUNT, from + 1_000); n++) {
    ms = start + n * 1_000;
    const [text, verdict] = legal[n % legal.length] as [string, 'needed' | 'unneeded'];
    const request = `${text} (${n % 97})`;
    const a = detector.assess(conversationFromText(request));
    const time = new Date(ms).toISOString();
    batch.push(
      storedEvent({
        id: newId(),
        time,
        tenant: 'legal',
        score: a.score,
        categories: a.categories,
        signals: a.signals.map((s) => ({ id: s.id, category: s.category, weight: s.weight, evidence: s.evidence })),
        missingSlots: a.missingSlots,
        detectorVersion: a.detectorVersion,
        features: a.features ?? null,
        request: { mode: 'excerpt', text: request, truncated: false, sha256: String(n), chars: request.length, turns: 1, userTurns: 1 },
        labels: [{ verdict, note: null, time, source: 'app' }],
      }),
    );
  }
  const outcome = await store.append(
    batch,
    batch.map((e) => JSON.stringify(e)),
  );
  if (outcome.failed.length > 0) throw new Error(`append failed: ${String(outcome.error)}`);
}
await store.close();
console.log(`wrote ${COUNT} labelled events in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const run = spawnSync(
  '/usr/bin/time',
  [
    '-v',
    process.execPath,
    '--import',
    'tsx',
    'src/cli.ts',
    'learn',
    '--config',
    join(dir, 'clarion.yaml'),
    '--policy',
    join(dir, 'policy.yaml'),
    '--data-dir',
    dataDir,
    '--out',
    join(dir, 'model.json'),
  ],
  { encoding: 'utf8', env: { ...process.env, CLARION_CONFIG: join(dir, 'clarion.yaml') } },
);
const field = (name: string): string => new RegExp(`${name}: (.*)`).exec(run.stderr)?.[1]?.trim() ?? '?';
console.log(run.stdout.trim());
const cpu = Number(field('User time \\(seconds\\)')) + Number(field('System time \\(seconds\\)'));
console.log(
  `clarion learn on ${COUNT} stored labelled events: exit ${run.status}, ${cpu.toFixed(1)} s CPU, wall ${field('Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)')}, peak RSS ${(Number(field('Maximum resident set size \\(kbytes\\)')) / 1024).toFixed(0)} MiB`,
);
rmSync(dir, { recursive: true, force: true });
