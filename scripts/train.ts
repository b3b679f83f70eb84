/**
 * `npm run train`: trains the detector's combiner from the public datasets and writes
 * models/detector.json (+ src/detect/shipped.ts with the threshold). Deterministic (fixed seed,
 * full-batch optimiser). Datasets come from ../shared/datasets or CLARION_DATASETS and are never
 * copied into the repository.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { datasetsDir, loadClamber, loadClariq } from '../src/detect/training/datasets.js';
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

function logLoss(scores: readonly number[], labels: readonly number[]): number {
  let s = 0;
  scores.forEach((p, i) => {
    const q = Math.min(Math.max(p, 1e-6), 1 - 1e-6);
    s -= labels[i] === 1 ? Math.log(q) : Math.log(1 - q);
  });
  return s / Math.max(scores.length, 1);
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
  const cvRows = [...clamber, ...clariqTrain];
  const labels = cvRows.map((r) => r.label);

  // A small grid, scored by out-of-fold log-loss (a proper scoring rule) over both datasets.
  const grid: TrainParams[] = [];
  const only = process.argv.includes('--no-grid');
  for (const lambdaHash of only ? [DEFAULT_PARAMS.lambdaHash] : [3e-4, 1e-3, 3e-3]) {
    for (const clariqWeight of only ? [DEFAULT_PARAMS.clariqWeight] : [1, 3]) grid.push({ ...DEFAULT_PARAMS, lambdaHash, clariqWeight });
  }
  let best: { params: TrainParams; oof: Float64Array; loss: number } | undefined;
  for (const params of grid) {
    const examples = cvRows.map((r) => toExample(r, params));
    const oof = crossValidate(cvRows, examples, [], params);
    const platt = fitPlatt(Array.from(oof), labels);
    const scores = scoresOf(oof, platt);
    const loss = logLoss(scores, labels);
    const ca = auroc(scores.slice(0, clamber.length), labels.slice(0, clamber.length));
    process.stdout.write(`grid lambdaHash=${params.lambdaHash} lambdaRule=${params.lambdaRule} clariqWeight=${params.clariqWeight}: OOF log-loss ${loss.toFixed(4)}, CLAMBER AUROC ${ca.toFixed(3)}\n`);
    if (best === undefined || loss < best.loss) best = { params, oof, loss };
  }
  if (best === undefined) return;
  const { params, oof } = best;

  const platt = fitPlatt(Array.from(oof), labels);
  const scores = scoresOf(oof, platt);
  // The precision floor is judged on CLAMBER, the set with clear rows of every kind.
  const threshold = chooseThreshold(scores.slice(0, clamber.length), labels.slice(0, clamber.length), MIN_PRECISION);
  const clariqScores = scores.slice(clamber.length);
  const cuts = clariqTrain.length > 0 ? fitClariqCuts(clariqScores, clariqTrain.map((r) => r.need)) : [0.3, 0.5, 0.7];
  // The ClariQ level model: the out-of-fold score plus the request's shape, fitted on ClariQ train only.
  const level =
    clariqTrain.length > 0
      ? fitClariqLevelModel(clariqTrain.map((r, i) => clariqFeatures(r.text, clariqScores[i] ?? 0.5)), clariqTrain.map((r) => r.need), CLARIQ_RIDGE)
      : undefined;

  const allRows = [...cvRows, ...clariqDev];
  const final = fitLogistic(allRows.map((r) => toExample(r, params)), params);

  const clamberScores = scores.slice(0, clamber.length);
  const clamberLabels = labels.slice(0, clamber.length);
  const m = binary(clamberScores.map((s) => (s >= threshold ? 1 : 0)), clamberLabels);
  const summary = {
    data: {
      clamber: `clamber/dev.jsonl (${clamber.length} rows)`,
      clariq: `clariq train.tsv (${clariqTrain.length} topics) + dev.tsv (${clariqDev.length} topics); need >= 3 = needs clarification`,
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
