/**
 * `clarion learn` cost and safety: (1) 100k labelled synthetic events (features as the detector
 * records them) plus the shipped training data — wall time and peak RSS of learn(); (2) the shipped
 * evaluation sets (CLAMBER, ClariQ dev, everyday hold-out) scored by the shipped model and by a
 * model learned from the legal deployment of test/e2e/learning.test.ts: AUROC before and after.
 * Run: npx tsx bench/learn.ts
 */
import { conversationFromText } from '../src/conversation.js';
import { createDetector } from '../src/detect/index.js';
import { TokenScratch } from '../src/detect/scan.js';
import { loadCorpus } from '../src/detect/training/corpus.js';
import { datasetsDir } from '../src/detect/training/datasets.js';
import { featureVectorOf, learn, scoreWith } from '../src/detect/training/learn.js';
import { featuresOf, itemWeight } from '../src/detect/training/loso.js';
import { auroc } from '../src/detect/training/metrics.js';
import { DEFAULT_PARAMS } from '../src/detect/training/pipeline.js';
import { readWeightsFile } from '../src/detect/weights.js';
import type { ClarionEvent } from '../src/events/schema.js';
import { EVERYDAY_CLEAR, EVERYDAY_UNDERSPECIFIED } from '../test/detect/fixtures/everyday.js';

const detector = createDetector();
const base = readWeightsFile();
const scratch = new TokenScratch();
const all = loadCorpus(datasetsDir(), { clear: EVERYDAY_CLEAR, underspecified: EVERYDAY_UNDERSPECIFIED });
const trainItems = all.filter((i) => i.trainable && itemWeight(i, DEFAULT_PARAMS) > 0);
const corpus = trainItems.map((i) => ({ x: featuresOf(i, scratch), y: i.label, w: itemWeight(i, DEFAULT_PARAMS) }));

function event(text: string, verdict: 'needed' | 'unneeded', n: number): ClarionEvent {
  const a = detector.assess(conversationFromText(text));
  return {
    id: `E${String(n).padStart(25, '0')}`,
    time: new Date(Date.UTC(2026, 10, 1) + n * 1000).toISOString(),
    features: a.features ?? null,
    labels: [{ verdict, note: null, time: 't', source: 'app' }],
  } as unknown as ClarionEvent;
}

const PARTIES = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Hooli', 'Vandelay'];
const CLAUSES = ['indemnity', 'termination', 'limitation of liability', 'governing law', 'confidentiality', 'assignment', 'force majeure', 'payment terms'];
const VERBS = ['Review', 'Summarize', 'Redline', 'Check', 'Flag issues in', 'Mark up'];
const legal: Array<[string, 'needed' | 'unneeded']> = [];
for (const v of VERBS) {
  for (const c of CLAUSES) legal.push([`${v} the ${c} clause of the agreement.`, 'unneeded'], [`${v} the ${c} language.`, 'needed']);
  for (const p of PARTIES) legal.push([`${v} the contract with ${p}.`, 'unneeded'], [`${v} ${p}'s latest one.`, 'needed']);
}

// (2) safety on the shipped evaluation sets: 80 labelled legal events.
const eighty = legal
  .filter((_, i) => i % 2 === 0)
  .slice(0, 80)
  .map(([t, v], n) => event(t, v, n));
const learned = learn({ base, events: eighty, corpus, holdout: 0.2 }).file;
const after = scoreWith(learned);
const before = scoreWith(base);
for (const [name, pick] of [
  ['CLAMBER', (i: (typeof all)[number]) => i.source === 'clamber'],
  ['ClariQ', (i: (typeof all)[number]) => i.source === 'clariq'],
  ['IN3', (i: (typeof all)[number]) => i.source === 'in3'],
  ['templates', (i: (typeof all)[number]) => i.source.startsWith('tmpl:')],
] as const) {
  const items = all.filter(pick);
  if (items.length === 0) continue;
  const xs = items.map((i) => featuresOf(i, scratch));
  const ys = items.map((i) => i.label);
  const b = auroc(xs.map(before), ys);
  const a = auroc(xs.map(after), ys);
  console.log(`${name.padEnd(10)} n=${items.length} AUROC shipped ${b.toFixed(4)} learned ${a.toFixed(4)} (${(a - b >= 0 ? '+' : '') + (a - b).toFixed(4)})`);
}
const heldout = [...EVERYDAY_CLEAR.map((t, i) => [t, 0, i] as const), ...EVERYDAY_UNDERSPECIFIED.map((t, i) => [t, 1, i] as const)].filter(
  ([, , i]) => i % 2 === 1,
);
const hx = heldout.map(([t]) => featureVectorOf(detector.assess(conversationFromText(t)).features ?? null)).filter((x) => x !== null);
const hy = heldout.map(([, y]) => y);
console.log(`everyday held-out n=${hx.length} AUROC shipped ${auroc(hx.map(before), hy).toFixed(4)} learned ${auroc(hx.map(after), hy).toFixed(4)}`);

// (1) cost: 100k labelled events.
const big: ClarionEvent[] = [];
for (let n = 0; n < 100_000; n++) {
  const [t, v] = legal[n % legal.length] as [string, 'needed' | 'unneeded'];
  big.push(event(`${t} (${n % 97})`, v, n));
}
const rss0 = process.memoryUsage().rss;
let peak = rss0;
const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const result = learn({ base, events: big, corpus, holdout: 0.2 });
const cpu = process.cpuUsage(cpu0);
const seconds = (performance.now() - t0) / 1000;
clearInterval(timer);
peak = Math.max(peak, process.memoryUsage().rss);
console.log(
  `hold-out AUROC ${result.report.before?.auroc.value.toFixed(4)} -> ${result.report.after?.auroc.value.toFixed(4)}; ${result.file.hashedIndex.length} hashed weights, bias ${result.file.bias}\n` +
    `learn on ${result.report.labelled} labelled events + ${corpus.length} shipped rows: ${seconds.toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU, peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB (process, events in memory included)`,
);
