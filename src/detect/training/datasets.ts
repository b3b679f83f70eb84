/**
 * Readers for the public datasets under ../shared/datasets (or CLARION_DATASETS). Training and
 * evaluation only — never on the request path, and the data is never copied into the repo.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface LabelledRow {
  readonly id: string;
  readonly text: string;
  /** 1 = needs clarification. */
  readonly label: 0 | 1;
  readonly source: 'clamber' | 'clariq-train' | 'clariq-dev' | 'everyday';
  /** CLAMBER subclass (NK, ICL, what, ... none), `need<k>` for ClariQ, `clear` / `underspecified` for everyday rows. */
  readonly group: string;
  /** ClariQ clarification need 1-4 (0 for CLAMBER). */
  readonly need: number;
  /** CLAMBER's shipped LLM prediction (baseline), -1 when absent. */
  readonly baseline: number;
}

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export function datasetsDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CLARION_DATASETS;
  return fromEnv !== undefined && fromEnv !== '' ? resolve(fromEnv) : resolve(packageRoot, '..', 'shared', 'datasets');
}

export function loadClamber(dir: string): LabelledRow[] {
  const file = resolve(dir, 'clamber', 'dev.jsonl');
  if (!existsSync(file)) return [];
  const rows: LabelledRow[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      const r = JSON.parse(line) as { question: string; require_clarification: number; subclass: string; predict_ambiguous?: number };
      rows.push({
        id: `clamber:${i}`,
        text: r.question,
        label: r.require_clarification === 1 ? 1 : 0,
        source: 'clamber',
        group: r.subclass,
        need: 0,
        baseline: typeof r.predict_ambiguous === 'number' ? r.predict_ambiguous : -1,
      });
    });
  return rows;
}

/** One row per topic. Binarisation: clarification need >= 3 means "needs clarification". */
export function loadClariq(dir: string, split: 'train' | 'dev'): LabelledRow[] {
  const file = resolve(dir, 'clariq', `${split}.tsv`);
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n');
  const header = (lines[0] ?? '').split('\t');
  const col = (name: string): number => header.indexOf(name);
  const [cTopic, cRequest, cNeed] = [col('topic_id'), col('initial_request'), col('clarification_need')];
  const topics = new Map<string, LabelledRow>();
  for (const line of lines.slice(1)) {
    if (line.trim() === '') continue;
    const f = line.split('\t');
    const topic = f[cTopic] ?? '';
    if (topics.has(topic)) continue;
    const need = Number(f[cNeed] ?? '0');
    topics.set(topic, {
      id: `clariq-${split}:${topic}`,
      text: f[cRequest] ?? '',
      label: need >= 3 ? 1 : 0,
      source: split === 'train' ? 'clariq-train' : 'clariq-dev',
      group: `need${need}`,
      need,
      baseline: -1,
    });
  }
  return [...topics.values()];
}

/**
 * Hand-written everyday app requests (test/detect/fixtures/everyday.ts, passed in by the scripts so
 * that src/ does not import test/) as labelled rows. `half`: 'train' = the even-indexed items (the
 * only ones training may see), 'heldout' = the odd-indexed ones (evaluation and tests only).
 */
export function everydayRows(clear: readonly string[], underspecified: readonly string[], half: 'train' | 'heldout'): LabelledRow[] {
  const keep = (i: number): boolean => (half === 'train' ? i % 2 === 0 : i % 2 === 1);
  const rows: LabelledRow[] = [];
  clear.forEach((text, i) => {
    if (keep(i)) rows.push({ id: `everyday:clear:${i}`, text, label: 0, source: 'everyday', group: 'clear', need: 0, baseline: -1 });
  });
  underspecified.forEach((text, i) => {
    if (keep(i)) rows.push({ id: `everyday:underspecified:${i}`, text, label: 1, source: 'everyday', group: 'underspecified', need: 0, baseline: -1 });
  });
  return rows;
}
