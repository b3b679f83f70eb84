/** Runs every signal rule over a request view, in a fixed order (later rules may read earlier findings). */
import type { Finding } from '../finding.js';
import type { RequestView } from '../view.js';
import { answeredClarification } from './answered-clarification.js';
import { broadTopic } from './broad-topic.js';
import { clarity } from './clarity.js';
import { contradiction } from './contradiction.js';
import { missingInput } from './missing-input.js';
import { missingSlot } from './missing-slot.js';
import { polysemy } from './polysemy.js';
import { specificity } from './specificity.js';
import { toolSlots } from './tool-slots.js';
import { unanchored } from './unanchored.js';
import { unfamiliarEntity } from './unfamiliar-entity.js';
import { unresolvedReference } from './unresolved-reference.js';

function withoutMaterial(findings: Finding[]): Finding[] {
  const kept: Finding[] = [];
  for (const f of findings) if (f.feature !== 'material_for_action') kept.push(f);
  return kept;
}

export function runSignals(view: RequestView): Finding[] {
  const out: Finding[] = [];
  missingInput(view, out);
  unresolvedReference(view, out);
  missingSlot(view, out);
  toolSlots(view, out);
  unanchored(view, out);
  polysemy(view, out);
  contradiction(view, out);
  unfamiliarEntity(view, out);
  broadTopic(view, out);
  answeredClarification(view, out);
  specificity(view, out);
  clarity(view, out);
  // Material being present makes a task self-contained only when nothing else it needs is missing.
  for (let i = 0; i < out.length; i++) {
    const feature = (out[i] as Finding).feature;
    if (feature === 'slot_action' || feature === 'slot_tool') return withoutMaterial(out);
  }
  return out;
}
