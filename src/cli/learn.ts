/**
 * `clarion learn`: refit the detector to this deployment's labelled events (src/detect/training/learn.ts),
 * show before vs after on a time-ordered hold-out, and write a versioned model file only when the
 * new model is not worse (`--force` writes it anyway). Put it in force with `detector.model: FILE`
 * and SIGHUP / POST /admin/reload. See docs/learning.md.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveFromConfig } from '../config/load.js';
import { TokenScratch } from '../detect/scan.js';
import { loadCorpus } from '../detect/training/corpus.js';
import { datasetsDir } from '../detect/training/datasets.js';
import { learn, type LearnReport, type SideReport } from '../detect/training/learn.js';
import { featuresOf, itemWeight } from '../detect/training/loso.js';
import { DEFAULT_PARAMS } from '../detect/training/pipeline.js';
import { readWeightsFile } from '../detect/weights.js';
import { LabelSourceSchema, type ClarionEvent } from '../events/schema.js';
import { decide } from '../policy/decide.js';
import { loadPolicyFile } from '../policy/load.js';
import { assessmentOf, contextOf } from '../policy/replay.js';
import { command } from './framework/command.js';
import { jsonLine, write } from './framework/io.js';
import { flag, list, number, string } from './framework/options.js';
import { eventFilter, FILTER_OPTIONS } from './events/filters.js';
import { storeLocation, STORE_OPTIONS, withEventStore } from './sources.js';

function pct(v: number): string {
  return Number.isNaN(v) ? 'n/a' : `${(v * 100).toFixed(1)}%`;
}

function describeSide(name: string, s: SideReport | null): string {
  if (s === null) return `  ${name}: not evaluated\n`;
  const a = s.auroc;
  let out = `  ${name}: AUROC ${a.value.toFixed(3)} [${a.lo.toFixed(3)}, ${a.hi.toFixed(3)}]`;
  if (s.policy !== null) {
    const p = s.policy;
    out += `; acted on ${pct(p.actedOn.value)} [${pct(p.actedOn.lo)}, ${pct(p.actedOn.hi)}], touched ${pct(p.touched.value)}`;
    out += `; acted on needed ${pct(p.actedOnNeeded.value)}, unneeded ${pct(p.actedOnUnneeded.value)}`;
  }
  return `${out}\n`;
}

function describe(report: LearnReport, out: string | null): string {
  let text = `learned from ${report.labelled} labelled events (${report.positives} should have been asked about; weight ${report.eventWeight} each)`;
  text += ` + ${report.corpusRows} shipped training rows (weight ${report.corpusWeight.toFixed(0)})\n`;
  text += `base ${report.baseVersion}; hold-out: the newest ${report.holdout} labelled events (trained on the ${report.train} before them)\n`;
  text += describeSide('before', report.before);
  text += describeSide('after ', report.after);
  if (report.lift !== null) text += `  AUROC lift ${report.lift >= 0 ? '+' : ''}${report.lift.toFixed(3)}\n`;
  for (const w of report.warnings) text += `warning: ${w}\n`;
  text += out === null ? `not written: the new model is worse on the hold-out (--force writes it anyway)\n` : `wrote ${out} (${report.version})\n`;
  return text;
}

export default command({
  description: `Reads the labelled events (with --since, --tenant ... like clarion events), refits the
detector starting from the model in force (detector.model, else the shipped one), with the shipped
training data when it is found (CLARION_DATASETS), and evaluates both on the newest --holdout share.`,
  options: {
    out: string('FILE', 'where to write the model (default: clarion-model-<version>.json in the current directory)'),
    source: list('S[,T]', `only labels from these sources: ${LabelSourceSchema.options.join(', ')}`, { choices: LabelSourceSchema.options }),
    holdout: number('SHARE', 'share of the newest labelled events held out for evaluation', { min: 0, max: 0.5, default: 0.2 }),
    'event-weight': number('W', 'how many shipped training rows one labelled event weighs', { min: 0, default: 5 }),
    policy: string('FILE', "policy for the acted-on / touched rates (default: the config's)"),
    'no-shipped-data': flag('learn from the events alone (the shipped training data keeps the model good on what it already knew)'),
    force: flag('write the model even when it is worse on the hold-out'),
    json: flag('print the report as one JSON object'),
    ...FILTER_OPTIONS,
    ...STORE_OPTIONS,
  },
  async run({ values, io }) {
    const { loaded } = storeLocation(values, io);
    const { config } = loaded;
    const base = readWeightsFile(config.detector.model === undefined ? undefined : resolveFromConfig(loaded, config.detector.model));
    const policyFile = values.policy !== undefined ? resolve(io.cwd, values.policy) : resolveFromConfig(loaded, config.policy.file);
    const policy = existsSync(policyFile) ? loadPolicyFile(policyFile) : null;
    const events: ClarionEvent[] = [];
    await withEventStore(values, io, async (store) => {
      for await (const event of store.list({ ...eventFilter(values), order: 'asc' })) if (event.labels.length > 0) events.push(event);
    });
    const corpus = values['no-shipped-data'] ? [] : shippedRows();
    const { file, report } = learn({
      base,
      events,
      corpus,
      holdout: values.holdout,
      eventWeight: values['event-weight'],
      ...(values.source === undefined ? {} : { sources: values.source }),
      ...(policy === null
        ? {}
        : { decide: (event: ClarionEvent, score: number) => decide({ ...assessmentOf(event), score }, contextOf(event), policy).action }),
    });
    const write_ = report.notWorse || values.force;
    const out = write_ ? resolve(io.cwd, values.out ?? `clarion-model-${file.version}.json`) : null;
    if (out !== null) writeFileSync(out, `${JSON.stringify(file)}\n`);
    await write(io.stdout, values.json ? jsonLine({ ...report, written: out }) : describe(report, out));
    return write_ ? 0 : 1;
  },
});

/** The shipped training data (CLAMBER, ClariQ, IN3, template families) when the datasets are there; else only the template families. */
function shippedRows(): { x: ReturnType<typeof featuresOf>; y: number; w: number }[] {
  const items = loadCorpus(datasetsDir(), { clear: [], underspecified: [] }).filter((i) => i.trainable && itemWeight(i, DEFAULT_PARAMS) > 0);
  const scratch = new TokenScratch();
  return items.map((i) => ({ x: featuresOf(i, scratch), y: i.label, w: itemWeight(i, DEFAULT_PARAMS) }));
}
