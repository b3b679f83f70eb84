/**
 * `npm run eval`: measures the detector on every dataset it can see, on rows not trained on.
 * CLAMBER dev and ClariQ train: 5-fold stratified cross-validation with the shipped training
 * parameters (the same pipeline as `npm run train`), Platt-calibrated on out-of-fold scores and
 * judged at the shipped threshold (the everyday even half joins every training fold, as in
 * training). ClariQ dev: a model trained on CLAMBER + ClariQ train + the everyday even half.
 * Everyday (held-out half): the odd-indexed items of test/detect/fixtures/everyday.ts, never
 * trained on, scored by the shipped model: false-positive rate on clear, recall on underspecified.
 * Prints markdown tables (the ones in docs/detection.md). `--json` prints the numbers as JSON.
 */
import { datasetsDir, everydayRows, loadClamber, loadClariq, type LabelledRow } from '../src/detect/training/datasets.js';
import { EVERYDAY_CLEAR, EVERYDAY_UNDERSPECIFIED } from '../test/detect/fixtures/everyday.js';
import { fitLogistic, fitPlatt, raw, type TrainParams } from '../src/detect/training/logistic.js';
import { auroc, binary, ece, reliability, weightedF1 } from '../src/detect/training/metrics.js';
import { crossValidate, DEFAULT_PARAMS, FOLDS, scoresOf, toExample } from '../src/detect/training/pipeline.js';
import { clariqLevel, modelFromFile } from '../src/detect/model.js';
import { clariqLevelOfText } from '../src/detect/clariq.js';
import { readWeightsFile } from '../src/detect/weights.js';
import { createDetector } from '../src/detect/index.js';
import { CLEAR_FIXTURES, UNDERSPECIFIED_FIXTURES } from '../src/detect/training/fixtures.js';
import { conversationFromText } from '../src/conversation.js';

const f3 = (v: number): string => (Number.isNaN(v) ? 'n/a' : v.toFixed(3));

function main(): void {
  const dir = datasetsDir();
  const clamber = loadClamber(dir);
  const clariqTrain = loadClariq(dir, 'train');
  const clariqDev = loadClariq(dir, 'dev');
  const shipped = readWeightsFile();
  const params = (shipped.training.params as TrainParams | undefined) ?? DEFAULT_PARAMS;
  const threshold = shipped.threshold;
  const cuts = shipped.clariqCuts;
  const lines: string[] = [];
  const out = (s = ''): void => {
    lines.push(s);
  };
  out(`Detector ${shipped.version}; threshold ${threshold}; ClariQ cuts ${cuts.join(' / ')}; datasets ${dir}`);
  out();
  // Everyday app requests: the even half is trained on (as in `npm run train`, cross-validated
  // with the datasets); the odd half is held out and only scored by the shipped model below.
  const everydayTrain = everydayRows(EVERYDAY_CLEAR, EVERYDAY_UNDERSPECIFIED, 'train');
  const everydayHeldOut = everydayRows(EVERYDAY_CLEAR, EVERYDAY_UNDERSPECIFIED, 'heldout');
  const nData = clamber.length + clariqTrain.length;
  const cvRows = [...clamber, ...clariqTrain, ...everydayTrain];
  if (nData === 0) {
    out('No datasets found (set CLARION_DATASETS).');
    process.stdout.write(`${lines.join('\n')}\n`);
    return;
  }
  const labels = cvRows.map((r) => r.label);
  const examples = cvRows.map((r) => toExample(r, params));
  const oof = crossValidate(cvRows, examples, [], params);
  const platt = fitPlatt(Array.from(oof.subarray(0, nData)), labels.slice(0, nData));
  const scores = scoresOf(oof, platt);

  const pick = (pred: (r: LabelledRow) => boolean): { s: number[]; y: number[]; rows: LabelledRow[] } => {
    const s: number[] = [];
    const y: number[] = [];
    const rows: LabelledRow[] = [];
    cvRows.forEach((r, i) => {
      if (!pred(r)) return;
      s.push(scores[i] ?? 0);
      y.push(r.label);
      rows.push(r);
    });
    return { s, y, rows };
  };

  out('| dataset (rows not trained on) | n | AUROC | precision | recall | F1 | FPR on clear rows |');
  out('|---|---|---|---|---|---|---|');
  const row = (name: string, s: number[], y: number[]): void => {
    const m = binary(
      s.map((v) => (v >= threshold ? 1 : 0)),
      y,
    );
    out(`| ${name} | ${y.length} | ${f3(auroc(s, y))} | ${f3(m.precision)} | ${f3(m.recall)} | ${f3(m.f1)} | ${f3(m.fp / Math.max(m.fp + m.tn, 1))} |`);
  };
  const c = pick((r) => r.source === 'clamber');
  if (c.y.length > 0) row(`CLAMBER dev, ${FOLDS}-fold CV`, c.s, c.y);
  const q = pick((r) => r.source === 'clariq-train');
  if (q.y.length > 0) row(`ClariQ train, ${FOLDS}-fold CV (need >= 3)`, q.s, q.y);

  let devLevels: number[] = [];
  let devScores: number[] = [];
  let devModelLevels: number[] = [];
  const level = modelFromFile(shipped).clariqLevel;
  if (clariqDev.length > 0) {
    const w = fitLogistic(examples, params);
    devScores = scoresOf(
      clariqDev.map((r) => raw(w, toExample(r, params).x)),
      platt,
    );
    row(
      'ClariQ dev, trained on CLAMBER + ClariQ train (need >= 3)',
      devScores,
      clariqDev.map((r) => r.label),
    );
    devLevels = devScores.map((s) => clariqLevel(cuts, s));
    if (level !== undefined) devModelLevels = clariqDev.map((r, i) => clariqLevelOfText(level, r.text, devScores[i] ?? 0.5));
  }
  if (c.y.length > 0) {
    const baseline = c.rows.map((r) => r.baseline);
    const mb = binary(baseline, c.y);
    out(
      `| CLAMBER dev, shipped LLM predictions (baseline) | ${c.y.length} | n/a | ${f3(mb.precision)} | ${f3(mb.recall)} | ${f3(mb.f1)} | ${f3(mb.fp / Math.max(mb.fp + mb.tn, 1))} |`,
    );
  }
  out();

  if (c.y.length > 0) {
    out('CLAMBER recall per ambiguous subclass, and false-positive rate on the clear rows of each subclass (CV, shipped threshold):');
    out();
    out('| subclass | ambiguous n | recall | clear n | FPR | LLM baseline recall |');
    out('|---|---|---|---|---|---|');
    for (const sub of ['NK', 'ICL', 'what', 'when', 'where', 'whom', 'co-reference', 'polysemy', 'none']) {
      const idx = c.rows.map((r, i) => (r.group === sub ? i : -1)).filter((i) => i >= 0);
      const pos = idx.filter((i) => c.y[i] === 1);
      const neg = idx.filter((i) => c.y[i] === 0);
      const rec = pos.filter((i) => (c.s[i] ?? 0) >= threshold).length / Math.max(pos.length, 1);
      const fpr = neg.filter((i) => (c.s[i] ?? 0) >= threshold).length / Math.max(neg.length, 1);
      const base = pos.filter((i) => c.rows[i]?.baseline === 1).length / Math.max(pos.length, 1);
      out(
        `| ${sub} | ${pos.length} | ${pos.length === 0 ? '–' : f3(rec)} | ${neg.length} | ${neg.length === 0 ? '–' : f3(fpr)} | ${pos.length === 0 ? '–' : f3(base)} |`,
      );
    }
    out();
  }

  if (clariqDev.length > 0) {
    const gold = clariqDev.map((r) => r.need);
    const majority = weightedF1(
      gold.map(() => 2),
      gold,
    );
    const spread = (levels: readonly number[]): string => [1, 2, 3, 4].map((k) => levels.filter((l) => l === k).length).join('/');
    out(`ClariQ dev (${spread(gold)} topics at need 1/2/3/4), official 4-class weighted F1; majority class 2: ${f3(majority)}`);
    out();
    out(
      '| level mapping (fitted on ClariQ train out-of-fold scores) | ClariQ dev weighted F1 | dev predictions 1/2/3/4 | ClariQ train weighted F1 (where it was fitted) |',
    );
    out('|---|---|---|---|');
    const needs = q.rows.map((r) => r.need);
    if (devModelLevels.length > 0 && level !== undefined) {
      const trainLevels = q.rows.map((r, i) => clariqLevelOfText(level, r.text, q.s[i] ?? 0.5));
      out(
        `| level model (score + request shape, shipped) | **${f3(weightedF1(devModelLevels, gold))}** | ${spread(devModelLevels)} | ${q.y.length > 0 ? f3(weightedF1(trainLevels, needs)) : 'n/a'} |`,
      );
    }
    out(
      `| score cut points only | ${f3(weightedF1(devLevels, gold))} | ${spread(devLevels)} | ${
        q.y.length > 0
          ? f3(
              weightedF1(
                q.s.map((s) => clariqLevel(cuts, s)),
                needs,
              ),
            )
          : 'n/a'
      } |`,
    );
    out();
  }

  // App-style traffic the public sets lack (hand-written, see src/detect/training/fixtures.ts), shipped model.
  const detector = createDetector();
  const clearFlagged = CLEAR_FIXTURES.filter((t) => detector.assess(conversationFromText(t)).score >= threshold);
  const vagueFlagged = UNDERSPECIFIED_FIXTURES.filter((t) => detector.assess(conversationFromText(t)).score >= threshold);
  out(
    `App-style fixtures (ours, shipped model): clear requests flagged ${clearFlagged.length}/${CLEAR_FIXTURES.length}${clearFlagged.length > 0 ? ` (${clearFlagged.map((t) => `"${t}"`).join(', ')})` : ''}; underspecified requests flagged ${vagueFlagged.length}/${UNDERSPECIFIED_FIXTURES.length}`,
  );
  out();

  // Everyday app traffic (hand-written, test/detect/fixtures/everyday.ts).
  const rate = (rows: readonly LabelledRow[], label: 0 | 1, flagged: (r: LabelledRow) => boolean): string => {
    const of = rows.filter((r) => r.label === label);
    const k = of.filter(flagged).length;
    return `${k}/${of.length} = ${f3(k / Math.max(of.length, 1))}`;
  };
  const shippedFlags = (r: LabelledRow): boolean => detector.assess(conversationFromText(r.text)).score >= threshold;
  out('Everyday app requests (test/detect/fixtures/everyday.ts):');
  out();
  out('| everyday | clear n | false-positive rate on clear | underspecified n | recall on underspecified |');
  out('|---|---|---|---|---|');
  out(
    `| **everyday (held-out half)**: odd-indexed items, never trained on, shipped model | ${everydayHeldOut.filter((r) => r.label === 0).length} | **${rate(everydayHeldOut, 0, shippedFlags)}** | ${everydayHeldOut.filter((r) => r.label === 1).length} | **${rate(everydayHeldOut, 1, shippedFlags)}** |`,
  );
  const oofFlags = new Map(everydayTrain.map((r, i) => [r.id, (scores[nData + i] ?? 0) >= threshold]));
  out(
    `| everyday (trained half, ${FOLDS}-fold CV): even-indexed items | ${everydayTrain.filter((r) => r.label === 0).length} | ${rate(everydayTrain, 0, (r) => oofFlags.get(r.id) === true)} | ${everydayTrain.filter((r) => r.label === 1).length} | ${rate(everydayTrain, 1, (r) => oofFlags.get(r.id) === true)} |`,
  );
  const heldOutFp = everydayHeldOut.filter((r) => r.label === 0 && shippedFlags(r)).map((r) => `"${r.text}"`);
  const heldOutFn = everydayHeldOut.filter((r) => r.label === 1 && !shippedFlags(r)).map((r) => `"${r.text}"`);
  out();
  out(
    `Held-out clear flagged: ${heldOutFp.length === 0 ? 'none' : heldOutFp.join(', ')}; held-out underspecified missed: ${heldOutFn.length === 0 ? 'none' : heldOutFn.join(', ')}`,
  );
  out();

  out('Reliability of the calibrated score (all out-of-fold rows; CLAMBER and ClariQ train):');
  out();
  out('| score bin | n | mean score | observed rate needing clarification | CLAMBER n / rate | ClariQ n / rate |');
  out('|---|---|---|---|---|---|');
  const bins = reliability(scores.slice(0, nData), labels.slice(0, nData));
  const binsC = reliability(c.s, c.y);
  const binsQ = reliability(q.s, q.y);
  bins.forEach((b, i) => {
    if (b.n === 0) return;
    const bc = binsC[i];
    const bq = binsQ[i];
    out(
      `| ${b.lo.toFixed(1)}–${b.hi.toFixed(1)} | ${b.n} | ${f3(b.meanScore)} | ${f3(b.positiveRate)} | ${bc?.n ?? 0} / ${bc && bc.n > 0 ? f3(bc.positiveRate) : '–'} | ${bq?.n ?? 0} / ${bq && bq.n > 0 ? f3(bq.positiveRate) : '–'} |`,
    );
  });
  out();
  out(`Expected calibration error: all ${f3(ece(bins))}, CLAMBER ${f3(ece(binsC))}, ClariQ ${f3(ece(binsQ))}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

main();
