/**
 * `npm run train`: trains the detector's combiner from the public datasets (plus the even-indexed
 * half of the everyday app requests in test/detect/fixtures/everyday.ts; the odd half is held out) and writes
 * models/detector.json (+ src/detect/shipped.ts with the threshold). Deterministic (fixed seed,
 * full-batch optimiser). Datasets come from ../shared/datasets or CLARION_DATASETS and are never
 * copied into the repository.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { datasetsDir, everydayRows, loadClamber, loadClariq } from '../src/detect/training/datasets.js';
import { EVERYDAY_CLEAR, EVERYDAY_UNDERSPECIFIED } from '../test/detect/fixtures/everyday.js';
import { fitLogistic, fitPlatt, type TrainParams } from '../src/detect/training/logistic.js';
import { auroc, binary } from '../src/detect/training/metrics.js';
import {
  chooseThreshold,
  crossValidate,
  DEFAULT_PARAMS,
  fitClariqCuts,
  MIN_PRECISION,
  scoresOf,
  SEED,
  toExample,
  weightsFile,
  FOLDS,
  CLARIQ_RIDGE,
} from '../src/detect/training/pipeline.js';
import { clariqFeatures } from '../src/detect/clariq.js';
import { fitClariqLevelModel } from '../src/detect/training/clariq-fit.js';

const root = resolve(fileURLToPath(import.meta.url), '..', '..');

/** Mean log-loss, each row weighted by its training importance (CLAMBER 1, ClariQ clariqWeight, everyday everydayWeight). */
function logLoss(scores: readonly number[], labels: readonly number[], weights?: readonly number[]): number {
  let s = 0;
  let total = 0;
  scores.forEach((p, i) => {
    const q = Math.min(Math.max(p, 1e-6), 1 - 1e-6);
    const w = weights?.[i] ?? 1;
    s -= w * (labels[i] === 1 ? Math.log(q) : Math.log(1 - q));
    total += w;
  });
  return s / Math.max(total, 1e-12);
}

function main(): void {
  const started = Date.now();
  const dir = datasetsDir();
  const clamber = loadClamber(dir);
  const clariqTrain = loadClariq(dir, 'train');
  const clariqDev = loadClariq(dir, 'dev');
  if (clamber.length === 0) {
    process.stderr.write(`train: no CLAMBER data under ${dir} (set CLARION_DATASETS)\n`);
    process.exitCode = 1;
    return;
  }
  // The even half of the everyday app requests joins the cross-validation (so its out-of-fold
  // scores are honest); the odd half is never read here.
  const everyday = everydayRows(EVERYDAY_CLEAR, EVERYDAY_UNDERSPECIFIED, 'train');
  const cvRows = [...clamber, ...clariqTrain, ...everyday];
  const nData = clamber.length + clariqTrain.length;
  const labels = cvRows.map((r) => r.label);
  const dataLabels = labels.slice(0, nData);

  // A small grid, scored by out-of-fold weighted log-loss (a proper scoring rule) over the datasets and the everyday half.
  const grid: TrainParams[] = [];
  const only = process.argv.includes('--no-grid');
  const weightArg = process.argv.find((a) => a.startsWith('--everyday-weight='));
  const everydayWeight = weightArg === undefined ? (DEFAULT_PARAMS.everydayWeight ?? 0) : Number(weightArg.slice('--everyday-weight='.length));
  for (const lambdaHash of only ? [DEFAULT_PARAMS.lambdaHash] : [3e-4, 1e-3, 3e-3]) {
    for (const clariqWeight of only ? [DEFAULT_PARAMS.clariqWeight] : [1, 3]) grid.push({ ...DEFAULT_PARAMS, lambdaHash, clariqWeight, everydayWeight });
  }
  let best: { params: TrainParams; oof: Float64Array; loss: number } | undefined;
  for (const params of grid) {
    const examples = cvRows.map((r) => toExample(r, params));
    const oof = crossValidate(cvRows, examples, [], params);
    const platt = fitPlatt(Array.from(oof.subarray(0, nData)), dataLabels);
    const scores = scoresOf(oof, platt);
    // Scored over every cross-validated row with the weights training gives it, so the grid
    // answers to app traffic (the everyday half) as much as training does.
    const loss = logLoss(
      scores,
      labels,
      examples.map((e) => e.w),
    );
    const ca = auroc(scores.slice(0, clamber.length), labels.slice(0, clamber.length));
    const t = chooseThreshold(scores.slice(0, clamber.length), labels.slice(0, clamber.length), MIN_PRECISION);
    const e = binary(
      scores.slice(nData).map((v) => (v >= t ? 1 : 0)),
      labels.slice(nData),
    );
    process.stdout.write(
      `grid lambdaHash=${params.lambdaHash} lambdaRule=${params.lambdaRule} clariqWeight=${params.clariqWeight} everydayWeight=${params.everydayWeight}: OOF log-loss ${loss.toFixed(4)}, CLAMBER AUROC ${ca.toFixed(3)}; everyday (even half, OOF) clear flagged ${e.fp}/${e.fp + e.tn}, underspecified caught ${e.tp}/${e.tp + e.fn}\n`,
    );
    if (process.env.CLARION_TRAIN_VERBOSE === '1') {
      cvRows.slice(nData).forEach((r, i) => {
        const v = scores[nData + i] ?? 0;
        if (v >= t !== (r.label === 1)) process.stdout.write(`  everyday OOF ${r.label === 1 ? 'missed' : 'flagged'} ${v.toFixed(2)} ${r.text}\n`);
      });
    }
    if (best === undefined || loss < best.loss) best = { params, oof, loss };
  }
  if (best === undefined) return;
  const { params, oof } = best;

  // Calibration and threshold are fitted on the public datasets only (everyday rows are too few and hand-picked).
  const platt = fitPlatt(Array.from(oof.subarray(0, nData)), dataLabels);
  const scores = scoresOf(oof, platt);
  // The precision floor is judged on CLAMBER, the set with clear rows of every kind.
  const threshold = chooseThreshold(scores.slice(0, clamber.length), labels.slice(0, clamber.length), MIN_PRECISION);
  const clariqScores = scores.slice(clamber.length, nData);
  const cuts =
    clariqTrain.length > 0
      ? fitClariqCuts(
          clariqScores,
          clariqTrain.map((r) => r.need),
        )
      : [0.3, 0.5, 0.7];
  // The ClariQ level model: the out-of-fold score plus the request's shape, fitted on ClariQ train only.
  const level =
    clariqTrain.length > 0
      ? fitClariqLevelModel(
          clariqTrain.map((r, i) => clariqFeatures(r.text, clariqScores[i] ?? 0.5)),
          clariqTrain.map((r) => r.need),
          CLARIQ_RIDGE,
        )
      : undefined;

  const allRows = [...cvRows, ...clariqDev];
  const final = fitLogistic(
    allRows.map((r) => toExample(r, params)),
    params,
  );

  const clamberScores = scores.slice(0, clamber.length);
  const clamberLabels = labels.slice(0, clamber.length);
  const m = binary(
    clamberScores.map((s) => (s >= threshold ? 1 : 0)),
    clamberLabels,
  );
  const ev = binary(
    scores.slice(nData).map((s) => (s >= threshold ? 1 : 0)),
    labels.slice(nData),
  );
  const summary = {
    data: {
      clamber: `clamber/dev.jsonl (${clamber.length} rows)`,
      clariq: `clariq train.tsv (${clariqTrain.length} topics) + dev.tsv (${clariqDev.length} topics); need >= 3 = needs clarification`,
      everyday: `test/detect/fixtures/everyday.ts, even-indexed items only (${everyday.length} rows); odd-indexed items held out`,
    },
    seed: SEED,
    folds: FOLDS,
    params,
    minPrecision: MIN_PRECISION,
    cv: {
      clamberAuroc: Math.round(auroc(clamberScores, clamberLabels) * 1000) / 1000,
      clamberPrecision: Math.round(m.precision * 1000) / 1000,
      clamberRecall: Math.round(m.recall * 1000) / 1000,
      clamberF1: Math.round(m.f1 * 1000) / 1000,
      everydayTrainHalfClearFlagged: `${ev.fp}/${ev.fp + ev.tn}`,
      everydayTrainHalfUnderspecifiedCaught: `${ev.tp}/${ev.tp + ev.fn}`,
    },
  };
  const file = weightsFile(final, platt, threshold, cuts, summary, level);
  writeFileSync(resolve(root, 'models', 'detector.json'), `${JSON.stringify(file)}\n`);
  writeFileSync(
    resolve(root, 'src', 'detect', 'shipped.ts'),
    `// Generated by \`npm run train\` together with models/detector.json. Do not edit by hand.\nexport const SHIPPED_THRESHOLD = ${file.threshold};\nexport const SHIPPED_VERSION = '${file.version}';\n`,
  );
  process.stdout.write(
    `wrote models/detector.json (${file.version}, ${file.hashedIndex.length} hashed weights)\n` +
      `params ${JSON.stringify(params)}; Platt a=${file.calibration.a} b=${file.calibration.b}; threshold ${file.threshold}; ClariQ cuts ${file.clariqCuts.join(', ')}; ClariQ level model ${JSON.stringify(file.clariqLevel ?? null)}\n` +
      `CLAMBER ${FOLDS}-fold CV: AUROC ${summary.cv.clamberAuroc}, P ${summary.cv.clamberPrecision}, R ${summary.cv.clamberRecall}, F1 ${summary.cv.clamberF1}\n` +
      `took ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
}

main();
