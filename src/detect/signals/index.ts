/**
 * Runs every signal rule over a request view. Each rule declares the rules whose findings it
 * reads; the order below satisfies those declarations (checked when this module loads), and a
 * rule sees only the findings it declared.
 */
import type { Finding } from '../finding.js';
import type { RequestView } from '../view.js';
import { answeredClarification } from './answered-clarification.js';
import { broadTopic } from './broad-topic.js';
import { clarity } from './clarity.js';
import { contradiction } from './contradiction.js';
import { unlabelledExamples } from './examples.js';
import { conversational } from './conversational.js';
import { missingInput } from './missing-input.js';
import { missingSlot } from './missing-slot.js';
import { openTask } from './open-task.js';
import { polysemy } from './polysemy.js';
import type { FindingSink, PriorFindings, Rule } from './rule.js';
import { specificity } from './specificity.js';
import { toolSlots } from './tool-slots.js';
import { unanchored } from './unanchored.js';
import { unfamiliarEntity } from './unfamiliar-entity.js';
import { unresolvedReference } from './unresolved-reference.js';

const RULES: readonly Rule[] = [
  conversational,
  missingInput,
  unresolvedReference,
  missingSlot,
  toolSlots,
  unanchored,
  polysemy,
  contradiction,
  unlabelledExamples,
  unfamiliarEntity,
  openTask,
  broadTopic,
  answeredClarification,
  specificity,
  clarity,
];

/** For each rule, the bit mask (by rule index) of the rules it reads. */
const READS: readonly number[] = RULES.map((rule, i) => {
  let mask = 0;
  for (const name of rule.reads) {
    const j = RULES.findIndex((r) => r.name === name);
    if (j < 0 || j >= i) throw new Error(`signal rule "${rule.name}" reads "${name}", which must be a rule listed before it`);
    mask |= 1 << j;
  }
  return mask;
});

/** The findings of one run, each with the index of the rule that reported it. */
class Findings implements FindingSink, PriorFindings {
  readonly items: Finding[] = [];
  private readonly owners: number[] = [];
  owner = 0;
  readMask = 0;

  push(finding: Finding): void {
    this.items.push(finding);
    this.owners.push(this.owner);
  }

  private visible(i: number): boolean {
    return ((this.readMask >>> (this.owners[i] ?? 0)) & 1) !== 0;
  }

  has(feature: Finding['feature']): boolean {
    for (let i = 0; i < this.items.length; i++) if (this.visible(i) && (this.items[i] as Finding).feature === feature) return true;
    return false;
  }

  anyGap(): boolean {
    for (let i = 0; i < this.items.length; i++) if (this.visible(i) && (this.items[i] as Finding).category !== null) return true;
    return false;
  }

  any(): boolean {
    for (let i = 0; i < this.items.length; i++) if (this.visible(i)) return true;
    return false;
  }
}

export function runSignals(view: RequestView): Finding[] {
  const findings = new Findings();
  for (let i = 0; i < RULES.length; i++) {
    findings.owner = i;
    findings.readMask = READS[i] ?? 0;
    (RULES[i] as Rule).run(view, findings, findings);
  }
  const out = findings.items;
  // Material being present makes a task self-contained only when nothing else it needs is missing.
  for (let i = 0; i < out.length; i++) {
    const feature = (out[i] as Finding).feature;
    if (feature === 'slot_action' || feature === 'slot_tool') return out.filter((f) => f.feature !== 'material_for_action');
  }
  return out;
}
