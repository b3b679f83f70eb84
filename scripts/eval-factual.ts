/**
 * `npx tsx scripts/eval-factual.ts`: the shipped detector (models/detector.json) on the EVAL-ONLY
 * held-out factual and open-domain questions (src/detect/training/heldout-factual.ts, never
 * trained on): AUROC per kind and per variant (lower case / sentence case), minimal-pair
 * accuracy, and the share flagged at the shipped threshold and at 0.5. `--list` prints every
 * item with its score.
 */
import { conversationFromText } from '../src/conversation.js';
import { createDetector, DEFAULT_THRESHOLD } from '../src/detect/index.js';
import { heldOutFactual, type HeldOutItem } from '../src/detect/training/heldout-factual.js';
import { auroc } from '../src/detect/training/metrics.js';

const detector = createDetector();
const items = heldOutFactual().map((item) => ({ item, score: detector.assess(conversationFromText(item.text)).score }));
const f3 = (v: number): string => (Number.isNaN(v) ? 'n/a' : v.toFixed(3));
const pct = (k: number, n: number): string => (n === 0 ? '–' : `${((100 * k) / n).toFixed(1)}%`);

function report(name: string, keep: (i: HeldOutItem) => boolean): void {
  const rows = items.filter((r) => keep(r.item));
  const under = rows.filter((r) => r.item.label === 1);
  const clear = rows.filter((r) => r.item.label === 0);
  const flagged = (list: typeof rows, t: number): number => list.filter((r) => r.score >= t).length;
  const pairs = new Map<string, { u?: number; c?: number }>();
  for (const r of rows) {
    if (r.item.pair === undefined) continue;
    const p = pairs.get(r.item.pair) ?? {};
    if (r.item.label === 1) p.u = r.score;
    else p.c = r.score;
    pairs.set(r.item.pair, p);
  }
  let won = 0;
  let n = 0;
  for (const p of pairs.values()) {
    if (p.u === undefined || p.c === undefined) continue;
    n++;
    if (p.u > p.c) won++;
    else if (p.u === p.c) won += 0.5;
  }
  console.log(
    `| ${name} | ${under.length} / ${clear.length} | ${f3(
      auroc(
        rows.map((r) => r.score),
        rows.map((r) => r.item.label),
      ),
    )} | ${n === 0 ? '–' : f3(won / n)} | ` +
      `${pct(flagged(under, DEFAULT_THRESHOLD), under.length)} / ${pct(flagged(clear, DEFAULT_THRESHOLD), clear.length)} | ` +
      `${pct(flagged(under, 0.5), under.length)} / ${pct(flagged(clear, 0.5), clear.length)} |`,
  );
}

console.log(`shipped threshold ${DEFAULT_THRESHOLD.toFixed(3)}\n`);
console.log('| held-out set | n (under / clear) | AUROC | pairs | flagged at threshold (under / clear) | flagged at 0.5 (under / clear) |');
console.log('|---|---|---|---|---|---|');
report('factual place/time/work, all', (i) => i.kind === 'factual');
report('factual, lower case', (i) => i.kind === 'factual' && i.variant === 'lower');
report('factual, sentence case', (i) => i.kind === 'factual' && i.variant === 'cased');
report('open-domain several readings vs single answer, all', (i) => i.kind === 'open');
report('open-domain, lower case', (i) => i.kind === 'open' && i.variant === 'lower');
report('open-domain, sentence case', (i) => i.kind === 'open' && i.variant === 'cased');
report('open-domain, minimal pairs only', (i) => i.kind === 'open' && i.pair !== undefined);
report('everything', () => true);

const turns = ['hi', 'Hi!', 'hello', 'thanks!', 'thank you', 'ok', 'OK.', 'okay thanks', 'continue', 'go on', 'got it', 'cool'];
const turnScores = turns.map((t) => detector.assess(conversationFromText(t)).score);
console.log(
  `\nconversational turns: max score ${f3(Math.max(...turnScores))}, flagged ${turnScores.filter((s) => s >= DEFAULT_THRESHOLD).length}/${turns.length}`,
);

if (process.argv.includes('--list')) {
  for (const r of [...items].sort((a, b) => a.item.label - b.item.label || b.score - a.score))
    console.log(`${r.item.label} ${r.item.kind.padEnd(7)} ${r.score.toFixed(3)}  ${r.item.text}`);
}
