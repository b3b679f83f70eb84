/**
 * Everything the detector is trained and measured on, as conversations with a source: the public
 * datasets (CLAMBER, ClariQ, IN3 with its minimal pairs), our hand-written everyday requests, the
 * template families (minimal pairs per gap) and conversational turns. Training and evaluation
 * only: read from ../shared/datasets (or CLARION_DATASETS) at run time, never copied into the repo.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { conversationFromText, type Conversation } from '../../conversation.js';
import { loadClamber, loadClariq } from './datasets.js';
import { conversationalTurns, FAMILIES } from './families.js';
import { AGENT_FAMILIES } from './families-agent.js';
import { FACTUAL_FAMILIES } from './families-factual.js';

export interface Item {
  readonly id: string;
  /** Leave-one-source-out unit: `clamber`, `clariq`, `in3`, `everyday`, `conversational` or a template family `tmpl:…`. */
  readonly source: string;
  /** Finer grouping for reports (CLAMBER subclass, ClariQ need, IN3 task/twin, everyday half...). */
  readonly group: string;
  /** 1 = needs clarification. */
  readonly label: 0 | 1;
  readonly conversation: Conversation;
  /** Items sharing a pair id form a minimal pair (one underspecified, one clear). */
  readonly pair?: string;
  /** ClariQ clarification need 1-4 (0 elsewhere). */
  readonly need: number;
  /** CLAMBER's shipped LLM prediction (baseline), -1 when absent. */
  readonly baseline: number;
  /** May training read this item? (false: the everyday odd half, held out for tests.) */
  readonly trainable: boolean;
}

interface In3Row {
  task: string;
  vague: boolean;
  category: string;
  missing_details?: Array<{ description: string; importance: string; options?: string[] }>;
}

function in3Rows(dir: string): In3Row[] {
  const file = resolve(dir, 'in3', 'train.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as In3Row);
}

/** The vague task with every missing detail filled from its options (a deterministic pick), in one of a few phrasings. */
function in3Twin(row: In3Row, i: number): string | undefined {
  const details = (row.missing_details ?? []).filter((d) => (d.options ?? []).length > 0);
  if (details.length === 0) return undefined;
  const filled = details.map((d, k) => {
    const options = d.options ?? [];
    return { what: d.description.replace(/\.$/, '').replace(/^the /i, ''), value: options[(i + k) % options.length] ?? '' };
  });
  const lower = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);
  switch (i % 3) {
    case 0:
      return `${row.task} ${filled.map((f) => `${f.what}: ${f.value}.`).join(' ')}`;
    case 1:
      return `${row.task} (${filled.map((f) => `${lower(f.what)}: ${f.value}`).join('; ')})`;
    default:
      return `${row.task} For the ${filled.map((f) => `${lower(f.what)}, ${f.value}`).join('; for the ')}.`;
  }
}

export function loadIn3(dir: string): Item[] {
  const items: Item[] = [];
  in3Rows(dir).forEach((row, i) => {
    const pair = row.vague ? `in3:${i}` : undefined;
    const base = { source: 'in3', need: 0, baseline: -1, trainable: true };
    items.push({ ...base, id: `in3:${i}`, group: 'task', label: row.vague ? 1 : 0, conversation: conversationFromText(row.task), ...(pair ? { pair } : {}) });
    const twin = row.vague ? in3Twin(row, i) : undefined;
    if (twin !== undefined && pair !== undefined)
      items.push({ ...base, id: `in3:${i}:twin`, group: 'twin', label: 0, conversation: conversationFromText(twin), pair });
  });
  return items;
}

export function templateItems(): Item[] {
  const items: Item[] = [];
  for (const family of [...FAMILIES, ...FACTUAL_FAMILIES, ...AGENT_FAMILIES]) {
    family.pairs().forEach((p, i) => {
      const pair = `${family.name}:${i}`;
      const base = { source: family.name, group: family.gap, need: 0, baseline: -1, trainable: true, pair };
      items.push({ ...base, id: `${pair}:under`, label: 1, conversation: p.under });
      items.push({ ...base, id: `${pair}:clear`, label: 0, conversation: p.clear });
    });
  }
  conversationalTurns().forEach((c, i) => {
    items.push({ id: `conversational:${i}`, source: 'conversational', group: 'turn', label: 0, conversation: c, need: 0, baseline: -1, trainable: true });
  });
  return items;
}

/** The everyday fixtures (passed in: src/ does not import test/): even-indexed items trainable, odd-indexed held out. */
export function everydayItems(clear: readonly string[], underspecified: readonly string[]): Item[] {
  const items: Item[] = [];
  const add = (texts: readonly string[], label: 0 | 1, kind: string): void => {
    texts.forEach((text, i) => {
      const half = i % 2 === 0 ? 'even' : 'odd';
      items.push({
        id: `everyday:${kind}:${i}`,
        source: 'everyday',
        group: half,
        label,
        conversation: conversationFromText(text),
        need: 0,
        baseline: -1,
        trainable: half === 'even',
      });
    });
  };
  add(clear, 0, 'clear');
  add(underspecified, 1, 'underspecified');
  return items;
}

export function loadCorpus(dir: string, everyday: { clear: readonly string[]; underspecified: readonly string[] }): Item[] {
  const items: Item[] = [];
  for (const r of loadClamber(dir)) {
    items.push({
      id: r.id,
      source: 'clamber',
      group: r.group,
      label: r.label,
      conversation: conversationFromText(r.text),
      need: 0,
      baseline: r.baseline,
      trainable: true,
    });
  }
  for (const r of [...loadClariq(dir, 'train'), ...loadClariq(dir, 'dev')]) {
    items.push({
      id: r.id,
      source: 'clariq',
      group: r.source === 'clariq-train' ? 'train' : 'dev',
      label: r.label,
      conversation: conversationFromText(r.text),
      need: r.need,
      baseline: -1,
      trainable: true,
    });
  }
  items.push(...loadIn3(dir));
  items.push(...everydayItems(everyday.clear, everyday.underspecified));
  items.push(...templateItems());
  return items;
}

/** The text of the last user turn (for listings). */
export function itemText(item: Item): string {
  const turns = item.conversation.turns;
  for (let i = turns.length - 1; i >= 0; i--) {
    const t = turns[i];
    if (t?.role !== 'user') continue;
    let out = '';
    for (const p of t.parts) if (p.type === 'text') out += p.text;
    return out;
  }
  return '';
}
