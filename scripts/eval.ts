/**
 * `npm run eval`: how well the detector generalises to traffic it was not trained on.
 *
 * 1. Leave-one-source-out: for each source (CLAMBER, ClariQ, IN3, the everyday requests, each
 *    template family, the conversational turns) a model trained on all the other sources — the
 *    same `trainOn` as `npm run train`, with the shipped training parameters — scores it. AUROC
 *    with a stratified bootstrap 95% interval, precision / recall / false-positive rate at the
 *    shipped threshold, and the mean over sources (a change that lifts one source while lowering
 *    the mean is a regression).
 * 2. Minimal pairs: over pairs that differ only in the missing piece (IN3's filled-in twins, the
 *    template families), the share where the underspecified member scores higher, with an interval.
 * 3. The shipped policy (config/policy.yaml) through the real decide(), on the held-out scores:
 *    per source, the share of underspecified requests acted on (and clarified) and of clear ones touched.
 * 3b. Sets never trained on, scored by the shipped model: generated tool requests and the fresh app / tool / agent pairs.
 * 4. Details: CLAMBER subclasses, ClariQ levels, the everyday held-out half and the misses by kind.
 *
 * Options: `--params JSON` overrides training parameters (e.g. '{"in3Weight":0}'), `--policy FILE`,
 * `--sources a,b` limits the held-out sources, `--json FILE` writes the numbers, `--misses N` lists N misses per source,
 * `--save FILE` writes the held-out assessments, `--load FILE` reads them instead of training (to try policies quickly),
 * `--fresh` prints only the sets never trained on (generated tool requests, fresh pairs), scored by the shipped model.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EVERYDAY_CLEAR, EVERYDAY_UNDERSPECIFIED } from '../test/detect/fixtures/everyday.js';
import type { Assessment } from '../src/detect/assessment.js';
import { clariqLevelOfText } from '../src/detect/clariq.js';
import { createDetector } from '../src/detect/index.js';
import { modelFromFile } from '../src/detect/model.js';
import { datasetsDir } from '../src/detect/training/datasets.js';
import { itemText, loadCorpus, type Item } from '../src/detect/training/corpus.js';
import type { TrainParams } from '../src/detect/training/logistic.js';
import { featuresOf, leaveOneSourceOut } from '../src/detect/training/loso.js';
import { aurocInterval, binary, pairAccuracy, weightedF1, type Interval } from '../src/detect/training/metrics.js';
import { DEFAULT_PARAMS, weightsFile } from '../src/detect/training/pipeline.js';
import { prng } from '../src/detect/training/random.js';
import { toolCases } from '../src/detect/training/tool-cases.js';
import { FRESH_FAMILIES } from '../src/detect/training/families-agent.js';
import type { Detector } from '../src/detect/index.js';
import type { Policy } from '../src/policy/schema.js';
import { readWeightsFile } from '../src/detect/weights.js';
import { TokenScratch } from '../src/detect/scan.js';
import { decide } from '../src/policy/decide.js';
import type { Decision, RequestContext } from '../src/policy/decision.js';
import { loadPolicyFile } from '../src/policy/load.js';

const root = resolve(fileURLToPath(import.meta.url), '..', '..');
const BOOTSTRAP = 1000;
/** A pass at or above this score is still recorded as an event (events.record.passScoreFloor default). */
const EVENT_FLOOR = 0.3;
const INNER_FOLDS = 3;

const f3 = (v: number): string => (Number.isNaN(v) ? 'n/a' : v.toFixed(3));
const pct = (k: number, n: number): string => (n === 0 ? '–' : `${((100 * k) / n).toFixed(1)}%`);
const ci = (i: Interval): string => (Number.isNaN(i.value) ? 'n/a' : `${f3(i.value)} [${f3(i.lo)}, ${f3(i.hi)}]`);

function arg(name: string): string | undefined {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  if (a !== undefined) return a.slice(name.length + 3);
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function contextOf(item: Pick<Item, 'conversation' | 'id'>): RequestContext {
  return {
    protocol: item.conversation.protocol,
    route: '/v1/chat/completions',
    model: item.conversation.model,
    tenant: null,
    headers: {},
    metadata: {},
    conversationId: item.id,
    clarificationsSoFar: 0,
    optOut: false,
  };
}

/** Source order in the tables: public sets, our own, then the template families. */
function sourceOrder(a: string, b: string): number {
  const rank = (s: string): number => ['clamber', 'clariq', 'in3', 'everyday', 'conversational'].indexOf(s);
  const ra = rank(a);
  const rb = rank(b);
  if (ra >= 0 || rb >= 0) return (ra < 0 ? 99 : ra) - (rb < 0 ? 99 : rb);
  return a.localeCompare(b);
}

interface Scored {
  readonly item: Item;
  readonly assessment: Assessment;
  readonly decision: Decision;
}

/** Generated tool requests (never trained on), shipped model: a required argument removed vs the complete request. */
function toolSection(out: (s?: string) => void, detector: Detector, policy: Policy): Record<string, unknown> {
  out('## Tool requests (generated, `src/detect/training/tool-cases.ts`; never trained on; shipped model and policy)');
  out();
  out(
    '| set | removed argument: flagged (missing_slot of that tool) | removed: clarified by the policy | complete: flagged | complete: touched by the policy |',
  );
  out('|---|---|---|---|---|');
  const toolJson: Record<string, unknown> = {};
  for (const set of ['tune', 'heldout', 'fresh'] as const) {
    const cases = toolCases(set);
    let removed = 0;
    let caught = 0;
    let clarified = 0;
    let complete = 0;
    let falseFlags = 0;
    let touched = 0;
    cases.forEach((c, i) => {
      const a = detector.assess(c.conversation);
      const flagged = a.missingSlots.some((slot) => slot.startsWith(`tool:${c.tool}.`));
      const d = decide(a, contextOf({ conversation: c.conversation, id: `tool:${set}:${i}` }), policy);
      if (c.removed === null) {
        complete++;
        if (flagged) falseFlags++;
        if (d.action !== 'pass') touched++;
      } else {
        removed++;
        if (flagged) caught++;
        if (d.action === 'clarify') clarified++;
      }
    });
    out(
      `| ${set} | ${pct(caught, removed)} (${caught}/${removed}) | ${pct(clarified, removed)} | ${pct(falseFlags, complete)} (${falseFlags}/${complete}) | ${pct(touched, complete)} |`,
    );
    toolJson[set] = { removed, caught, clarified, complete, falseFlags, touched };
  }
  out();
  return toolJson;
}

/**
 * The fresh families (src/detect/training/families-agent.ts: app requests, tool calls, agent tasks; never trained
 * on, written with other wording): scored by the shipped model, acted on by the policy.
 */
function freshSection(out: (s?: string) => void, detector: Detector, policy: Policy): Record<string, unknown> {
  out('## Fresh pairs (`FRESH_FAMILIES`, never trained on; shipped model and policy)');
  out();
  out('| family | pairs | AUROC [95% CI] | underspecified member higher | under acted on (clarified) | clear touched | misses (under passed) |');
  out('|---|---|---|---|---|---|---|');
  const result: Record<string, unknown> = {};
  for (const family of FRESH_FAMILIES) {
    const pairs = family.pairs();
    const under: number[] = [];
    const clear: number[] = [];
    let acted = 0;
    let clarified = 0;
    let touched = 0;
    const missed: string[] = [];
    pairs.forEach((p, i) => {
      const u = detector.assess(p.under);
      const c = detector.assess(p.clear);
      under.push(u.score);
      clear.push(c.score);
      const du = decide(u, contextOf({ conversation: p.under, id: `${family.name}:${i}:u` }), policy);
      const dc = decide(c, contextOf({ conversation: p.clear, id: `${family.name}:${i}:c` }), policy);
      if (du.action !== 'pass') acted++;
      else missed.push(`${u.score.toFixed(2)} "${lastUserText(p.under).slice(0, 60)}"`);
      if (du.action === 'clarify') clarified++;
      if (dc.action !== 'pass') touched++;
    });
    const auc = aurocInterval([...under, ...clear], [...under.map(() => 1), ...clear.map(() => 0)], BOOTSTRAP, prng(17));
    const pa = pairAccuracy(under, clear, BOOTSTRAP, prng(19));
    out(
      `| ${family.name} | ${pairs.length} | ${ci(auc)} | ${f3(pa.value)} | ${pct(acted, pairs.length)} (${pct(clarified, pairs.length)}) | ${pct(touched, pairs.length)} | ${missed.slice(0, 3).join('; ')} |`,
    );
    result[family.name] = { pairs: pairs.length, auroc: auc, pairAccuracy: pa.value, acted, clarified, touched };
  }
  out();
  return result;
}

function lastUserText(c: Item['conversation']): string {
  for (let i = c.turns.length - 1; i >= 0; i--) {
    const t = c.turns[i];
    if (t?.role === 'user') return t.parts.map((p) => (p.type === 'text' ? p.text : '')).join('');
  }
  return '';
}

function main(): void {
  const started = Date.now();
  const dir = datasetsDir();
  const shipped = readWeightsFile();
  const threshold = shipped.threshold;
  const shippedParams = (shipped.training.params as TrainParams | undefined) ?? DEFAULT_PARAMS;
  const overrides = arg('params');
  const params: TrainParams = { ...shippedParams, ...(overrides === undefined ? {} : (JSON.parse(overrides) as Partial<TrainParams>)) };
  const policyFile = arg('policy') ?? resolve(root, 'config', 'policy.yaml');
  const policy = loadPolicyFile(policyFile);
  const misses = Number(arg('misses') ?? '3');

  const items = loadCorpus(dir, { clear: EVERYDAY_CLEAR, underspecified: EVERYDAY_UNDERSPECIFIED });
  const scratch = new TokenScratch();
  const only = arg('sources')?.split(',');
  const sources = [...new Set(items.map((i) => i.source))].filter((s) => only === undefined || only.includes(s)).sort(sourceOrder);
  const lines: string[] = [];
  const out = (s = ''): void => {
    lines.push(s);
  };
  out(`Detector ${shipped.version}; threshold ${threshold}; policy ${policy.version}; datasets ${dir}`);
  out(`Training parameters: ${JSON.stringify(params)}`);
  out();

  if (process.argv.includes('--fresh')) {
    // Only the sections that need no training: the never-trained-on sets, scored by the shipped model.
    toolSection(out, createDetector(), policy);
    freshSection(out, createDetector(), policy);
    process.stdout.write(`${lines.join('\n')}\n`);
    return;
  }
  const scored = new Map<string, Scored[]>();
  const load = arg('load');
  if (load !== undefined) {
    // Held-out assessments saved by an earlier run (--save): only the policy is applied again.
    const saved = JSON.parse(readFileSync(load, 'utf8')) as Record<string, Assessment>;
    for (const item of items) {
      const assessment = saved[item.id];
      if (assessment === undefined || !sources.includes(item.source)) continue;
      const list = scored.get(item.source) ?? [];
      list.push({ item, assessment, decision: decide(assessment, contextOf(item), policy) });
      scored.set(item.source, list);
    }
  } else {
    const xs = items.map((item) => featuresOf(item, scratch));
    const folds = leaveOneSourceOut(items, xs, params, sources, INNER_FOLDS, (s) => process.stderr.write(`eval: holding out ${s}\n`));
    for (const fold of folds) {
      const detector = createDetector({ weights: weightsFile(fold.trained.weights, fold.trained.platt, threshold, shipped.clariqCuts, {}), threshold });
      const list: Scored[] = [];
      for (const item of items) {
        if (item.source !== fold.source) continue;
        const assessment = detector.assess(item.conversation);
        list.push({ item, assessment, decision: decide(assessment, contextOf(item), policy) });
      }
      scored.set(fold.source, list);
    }
  }
  const save = arg('save');
  if (save !== undefined) {
    const saved: Record<string, Assessment> = {};
    for (const list of scored.values()) for (const x of list) saved[x.item.id] = x.assessment;
    writeFileSync(save, JSON.stringify(saved));
  }

  // 1. Leave-one-source-out.
  out('## Leave-one-source-out (each source scored by a model trained on all the others)');
  out();
  out(`| held-out source | underspecified / clear | AUROC [95% CI] | precision | recall | FPR on clear | at threshold ${threshold} |`);
  out('|---|---|---|---|---|---|---|');
  const json: Record<string, unknown> = { threshold, params, policy: policy.version, sources: {} };
  const means: Record<string, number[]> = { public: [], own: [], all: [] };
  for (const source of sources) {
    const list = (scored.get(source) ?? []).filter((s) => !(s.item.source === 'in3' && s.item.group === 'twin'));
    const s = list.map((x) => x.assessment.score);
    const y = list.map((x) => x.item.label);
    const pos = y.filter((v) => v === 1).length;
    const auc = aurocInterval(s, y, BOOTSTRAP, prng(7));
    const m = binary(
      s.map((v) => (v >= threshold ? 1 : 0)),
      y,
    );
    out(
      `| ${source}${source === 'in3' ? ' (tasks)' : ''} | ${pos} / ${y.length - pos} | ${ci(auc)} | ${pos === 0 || m.tp + m.fp === 0 ? '–' : f3(m.precision)} | ${pos === 0 ? '–' : f3(m.recall)} | ${y.length === pos ? '–' : f3(m.fp / Math.max(m.fp + m.tn, 1))} | |`,
    );
    if (!Number.isNaN(auc.value)) {
      means.all?.push(auc.value);
      (['clamber', 'clariq', 'in3'].includes(source) ? means.public : means.own)?.push(auc.value);
    }
    (json.sources as Record<string, unknown>)[source] = {
      auroc: auc,
      precision: m.precision,
      recall: m.recall,
      fpr: m.fp / Math.max(m.fp + m.tn, 1),
      n: y.length,
    };
  }
  const mean = (v: number[] | undefined): string => (v === undefined || v.length === 0 ? 'n/a' : f3(v.reduce((a, b) => a + b, 0) / v.length));
  out();
  out(
    `Mean AUROC over held-out sources: public (CLAMBER, ClariQ, IN3) **${mean(means.public)}**; our own sources ${mean(means.own)}; all ${mean(means.all)} (${means.all?.length ?? 0} sources).`,
  );
  json.meanAuroc = { public: means.public, own: means.own, all: means.all };
  out();

  // 2. Minimal pairs.
  out('## Minimal pairs (same request with and without the missing piece; scored by the model that did not see the source)');
  out();
  out('| source | gap | pairs | underspecified member scores higher [95% CI] | both sides of the threshold |');
  out('|---|---|---|---|---|');
  const allUnder: number[] = [];
  const allClear: number[] = [];
  for (const source of sources) {
    const byPair = new Map<string, { under?: number; clear?: number; gap: string }>();
    for (const x of scored.get(source) ?? []) {
      if (x.item.pair === undefined) continue;
      const p = byPair.get(x.item.pair) ?? { gap: x.item.source === 'in3' ? 'IN3 missing details' : x.item.group };
      if (x.item.label === 1) p.under = x.assessment.score;
      else p.clear = x.assessment.score;
      byPair.set(x.item.pair, p);
    }
    const complete = [...byPair.values()].filter((p) => p.under !== undefined && p.clear !== undefined);
    if (complete.length === 0) continue;
    const u = complete.map((p) => p.under ?? 0);
    const c = complete.map((p) => p.clear ?? 0);
    allUnder.push(...u);
    allClear.push(...c);
    const split = complete.filter((p) => (p.under ?? 0) >= threshold && (p.clear ?? 0) < threshold).length;
    out(`| ${source} | ${complete[0]?.gap ?? ''} | ${complete.length} | ${ci(pairAccuracy(u, c, BOOTSTRAP, prng(11)))} | ${pct(split, complete.length)} |`);
  }
  const templateUnder: number[] = [];
  const templateClear: number[] = [];
  for (const source of sources) {
    if (!source.startsWith('tmpl:')) continue;
    const list = scored.get(source) ?? [];
    for (const x of list) if (x.item.label === 1) templateUnder.push(x.assessment.score);
    for (const x of list) if (x.item.label === 0) templateClear.push(x.assessment.score);
  }
  out(`| **all pairs** | | ${allUnder.length} | **${ci(pairAccuracy(allUnder, allClear, BOOTSTRAP, prng(13)))}** | |`);
  out();
  json.pairs = pairAccuracy(allUnder, allClear, BOOTSTRAP, prng(13));

  // 3. The shipped policy.
  out(`## The shipped policy (${policyFile.replace(`${root}/`, '')}, version ${policy.version}) on held-out scores, through decide()`);
  out();
  out(
    '| source | underspecified acted on | of which clarified | clear touched | clear recorded as events (action, or score ≥ 0.3) | missing a required tool parameter: clarified |',
  );
  out('|---|---|---|---|---|---|');
  const policyJson: Record<string, unknown> = {};
  const totals = { under: 0, acted: 0, clarified: 0, clear: 0, touched: 0 };
  for (const source of sources) {
    const list = scored.get(source) ?? [];
    const under = list.filter((x) => x.item.label === 1);
    const clear = list.filter((x) => x.item.label === 0);
    const acted = under.filter((x) => x.decision.action !== 'pass').length;
    const clarified = under.filter((x) => x.decision.action === 'clarify').length;
    const touched = clear.filter((x) => x.decision.action !== 'pass').length;
    const recorded = clear.filter((x) => x.decision.action !== 'pass' || x.assessment.score >= EVENT_FLOOR).length;
    const toolGap = source.startsWith('tmpl:tool') ? `${pct(clarified, under.length)}` : '';
    out(
      `| ${source} | ${pct(acted, under.length)} (${acted}/${under.length}) | ${pct(clarified, under.length)} | ${pct(touched, clear.length)} (${touched}/${clear.length}) | ${pct(recorded, clear.length)} | ${toolGap} |`,
    );
    totals.under += under.length;
    totals.acted += acted;
    totals.clarified += clarified;
    totals.clear += clear.length;
    totals.touched += touched;
    policyJson[source] = { under: under.length, acted, clarified, clear: clear.length, touched, recorded };
  }
  out(`| **all** | **${pct(totals.acted, totals.under)}** | ${pct(totals.clarified, totals.under)} | **${pct(totals.touched, totals.clear)}** | | |`);
  out();
  json.policy = policyJson;

  json.tools = toolSection(out, createDetector(), policy);
  json.fresh = freshSection(out, createDetector(), policy);

  // 4. Details.
  const clamber = scored.get('clamber') ?? [];
  if (clamber.length > 0) {
    out('CLAMBER (held out) recall per ambiguous subclass and false-positive rate on its clear rows, at the shipped threshold:');
    out();
    out('| subclass | ambiguous n | recall | clear n | FPR | LLM baseline recall |');
    out('|---|---|---|---|---|---|');
    for (const sub of ['NK', 'ICL', 'what', 'when', 'where', 'whom', 'co-reference', 'polysemy', 'none']) {
      const rows = clamber.filter((x) => x.item.group === sub);
      const pos = rows.filter((x) => x.item.label === 1);
      const neg = rows.filter((x) => x.item.label === 0);
      const rec = pos.filter((x) => x.assessment.score >= threshold).length;
      const fp = neg.filter((x) => x.assessment.score >= threshold).length;
      const base = pos.filter((x) => x.item.baseline === 1).length;
      out(
        `| ${sub} | ${pos.length} | ${pos.length === 0 ? '–' : f3(rec / pos.length)} | ${neg.length} | ${neg.length === 0 ? '–' : f3(fp / neg.length)} | ${pos.length === 0 ? '–' : f3(base / pos.length)} |`,
      );
    }
    const b = binary(
      clamber.map((x) => (x.item.baseline === 1 ? 1 : 0)),
      clamber.map((x) => x.item.label),
    );
    out();
    out(`CLAMBER baseline (the LLM predictions shipped with the dataset): precision ${f3(b.precision)}, recall ${f3(b.recall)}, F1 ${f3(b.f1)}.`);
    out();
  }
  const clariq = (scored.get('clariq') ?? []).filter((x) => x.item.group === 'dev');
  const level = modelFromFile(shipped).clariqLevel;
  if (clariq.length > 0 && level !== undefined) {
    const gold = clariq.map((x) => x.item.need);
    const predicted = clariq.map((x) => clariqLevelOfText(level, itemText(x.item), x.assessment.score));
    out(
      `ClariQ dev (held out with all of ClariQ), official 4-class weighted F1 with the shipped level model: ${f3(weightedF1(predicted, gold))} (majority class: ${f3(
        weightedF1(
          gold.map(() => 2),
          gold,
        ),
      )}).`,
    );
    out();
  }
  const everyday = scored.get('everyday') ?? [];
  if (everyday.length > 0) {
    const odd = everyday.filter((x) => x.item.group === 'odd');
    const flagged = (x: Scored): boolean => x.assessment.score >= threshold;
    const c = odd.filter((x) => x.item.label === 0);
    const u = odd.filter((x) => x.item.label === 1);
    out(
      `Everyday odd half (never trained on; here also the even half is held out): clear flagged ${c.filter(flagged).length}/${c.length}, underspecified caught ${u.filter(flagged).length}/${u.length}.`,
    );
    out();
  }

  if (misses > 0) {
    out('Misses at the shipped threshold, per source (held-out scores):');
    out();
    for (const source of sources) {
      const list = scored.get(source) ?? [];
      const fn = list.filter((x) => x.item.label === 1 && x.assessment.score < threshold).sort((a, b) => a.assessment.score - b.assessment.score);
      const fp = list.filter((x) => x.item.label === 0 && x.assessment.score >= threshold).sort((a, b) => b.assessment.score - a.assessment.score);
      const show = (xs: Scored[]): string =>
        xs
          .slice(0, misses)
          .map((x) => `${x.assessment.score.toFixed(2)} "${itemText(x.item).replace(/\s+/g, ' ').slice(0, 90)}"`)
          .join('; ');
      if (fn.length + fp.length === 0) continue;
      out(`- ${source}: missed ${fn.length}${fn.length > 0 ? ` (${show(fn)})` : ''}; flagged clear ${fp.length}${fp.length > 0 ? ` (${show(fp)})` : ''}`);
    }
    out();
  }
  out(`took ${((Date.now() - started) / 1000).toFixed(0)} s`);
  process.stdout.write(`${lines.join('\n')}\n`);
  const jsonFile = arg('json');
  if (jsonFile !== undefined) writeFileSync(jsonFile, `${JSON.stringify(json, null, 1)}\n`);
}

main();
