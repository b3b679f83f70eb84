/**
 * `npm run train`: trains the detector's combiner and writes models/detector.json (+
 * src/detect/shipped.ts with the threshold and version). Data (src/detect/training/corpus.ts):
 * CLAMBER, ClariQ (train + dev), IN3 (tasks and their filled-in twins), the even half of the
 * everyday requests (the odd half is held out), the template families and conversational turns.
 * Datasets come from ../shared/datasets or CLARION_DATASETS and are never copied into the repo.
 *
 * Deterministic (fixed seed, full-batch optimiser): the same data gives byte-identical files.
 * Calibration: Platt on 5-fold out-of-fold scores of CLAMBER and ClariQ. Threshold: the best-F1
 * point of CLAMBER's out-of-fold scores with precision >= MIN_PRECISION.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EVERYDAY_CLEAR, EVERYDAY_UNDERSPECIFIED } from '../test/detect/fixtures/everyday.js';
import { clariqFeatures } from '../src/detect/clariq.js';
import { TokenScratch } from '../src/detect/scan.js';
import { fitClariqLevelModel } from '../src/detect/training/clariq-fit.js';
import { itemText, loadCorpus, type Item } from '../src/detect/training/corpus.js';
import { datasetsDir } from '../src/detect/training/datasets.js';
import { fitLogistic, fitPlatt, raw, type Example } from '../src/detect/training/logistic.js';
import { featuresOf, itemWeight } from '../src/detect/training/loso.js';
import { auroc, binary } from '../src/detect/training/metrics.js';
import {
  assignFolds,
  chooseThreshold,
  CLARIQ_RIDGE,
  DEFAULT_PARAMS,
  fitClariqCuts,
  FOLDS,
  MIN_PRECISION,
  scoresOf,
  SEED,
  weightsFile,
} from '../src/detect/training/pipeline.js';

const root = resolve(fileURLToPath(import.meta.url), '..', '..');

function main(): void {
  const started = Date.now();
  const dir = datasetsDir();
  const all = loadCorpus(dir, { clear: EVERYDAY_CLEAR, underspecified: EVERYDAY_UNDERSPECIFIED });
  if (!all.some((i) => i.source === 'clamber')) {
    process.stderr.write(`train: no CLAMBER data under ${dir} (set CLARION_DATASETS)\n`);
    process.exitCode = 1;
    return;
  }
  const params = DEFAULT_PARAMS;
  const items: Item[] = all.filter((i) => i.trainable && itemWeight(i, params) > 0);
  const scratch = new TokenScratch();
  const examples: Example[] = items.map((i) => ({ x: featuresOf(i, scratch), y: i.label, w: itemWeight(i, params) }));

  // Out-of-fold raw scores (stratified by source, group and label) for calibration, threshold and ClariQ levels.
  const fold = assignFolds(items, FOLDS, SEED);
  const oof = new Float64Array(items.length);
  for (let f = 0; f < FOLDS; f++) {
    const w = fitLogistic(
      examples.filter((_, k) => fold[k] !== f),
      params,
    );
    examples.forEach((e, k) => {
      if (fold[k] === f) oof[k] = raw(w, e.x);
    });
  }
  const cal = items.map((it, k) => (it.source === 'clamber' || it.source === 'clariq' ? k : -1)).filter((k) => k >= 0);
  const platt = fitPlatt(
    cal.map((k) => oof[k] ?? 0),
    cal.map((k) => items[k]?.label ?? 0),
  );
  const scores = scoresOf(oof, platt);
  const pick = (pred: (i: Item) => boolean): { s: number[]; y: number[]; rows: Item[] } => {
    const out = { s: [] as number[], y: [] as number[], rows: [] as Item[] };
    items.forEach((it, k) => {
      if (!pred(it)) return;
      out.s.push(scores[k] ?? 0);
      out.y.push(it.label);
      out.rows.push(it);
    });
    return out;
  };
  const clamber = pick((i) => i.source === 'clamber');
  const threshold = chooseThreshold(clamber.s, clamber.y, MIN_PRECISION);
  const clariqTrain = pick((i) => i.source === 'clariq' && i.group === 'train');
  const cuts = fitClariqCuts(
    clariqTrain.s,
    clariqTrain.rows.map((r) => r.need),
  );
  const level = fitClariqLevelModel(
    clariqTrain.rows.map((r, k) => clariqFeatures(itemText(r), clariqTrain.s[k] ?? 0.5)),
    clariqTrain.rows.map((r) => r.need),
    CLARIQ_RIDGE,
  );
  const final = fitLogistic(examples, params);

  const m = binary(
    clamber.s.map((v) => (v >= threshold ? 1 : 0)),
    clamber.y,
  );
  const count = (source: string): number => items.filter((i) => i.source === source).length;
  const summary = {
    data: {
      clamber: `clamber/dev.jsonl (${count('clamber')} rows)`,
      clariq: `clariq train.tsv + dev.tsv (${count('clariq')} topics); need >= 3 = needs clarification`,
      in3: `in3/train.jsonl (${items.filter((i) => i.source === 'in3' && i.group === 'task').length} tasks + ${items.filter((i) => i.group === 'twin').length} filled-in twins)`,
      everyday: `test/detect/fixtures/everyday.ts, even-indexed items only (${count('everyday')} rows); odd-indexed items held out`,
      templates: `src/detect/training/families.ts (${items.filter((i) => i.source.startsWith('tmpl:')).length} items in ${new Set(items.filter((i) => i.source.startsWith('tmpl:')).map((i) => i.source)).size} families)`,
      conversational: `conversational turns (${count('conversational')})`,
    },
    seed: SEED,
    folds: FOLDS,
    params,
    minPrecision: MIN_PRECISION,
    cv: {
      clamberAuroc: Math.round(auroc(clamber.s, clamber.y) * 1000) / 1000,
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
      `params ${JSON.stringify(params)}; Platt a=${file.calibration.a} b=${file.calibration.b}; threshold ${file.threshold}\n` +
      `CLAMBER ${FOLDS}-fold CV (all other data in every fold): AUROC ${summary.cv.clamberAuroc}, P ${summary.cv.clamberPrecision}, R ${summary.cv.clamberRecall}, F1 ${summary.cv.clamberF1}\n` +
      `took ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
}

main();
