/**
 * unfamiliar_entity: a name that looks garbled or misspelt, so the model cannot know what the
 * user means ("HCopotina", "Gia parvif nutans"): two capitals then lower case inside one word,
 * or a capitalised name broken by a stray single letter.
 */
import { SHAPE } from '../cues.js';
import type { RequestView } from '../view.js';
import type { FindingSink, Rule } from './rule.js';

const DOUBLE_CAPITAL = /\b[A-Z]{2}[a-z]{3,}\b/;
const STRAY_LETTER = /\b[A-Z][a-z]{2,}\s+[b-hj-z]\s+[a-z]{3,}\b/;
const KNOWN_DOUBLE_CAPITALS = /\b(?:PHd|PCs|IDs|URLs|APIs|CPUs|GPUs|VMs|PRs|SDKs|UIs|OSes|CDs|DVDs|TVs)\b/;

function run(view: RequestView, out: FindingSink): void {
  // Both shapes are noted by the cue scan of view.head, which starts with these 600 characters.
  if (view.empty || (view.cues & (SHAPE.doubleCapital | SHAPE.strayLetter)) === 0) return;
  const text = view.instruction.length > 600 ? view.instruction.slice(0, 600) : view.instruction;
  const m = DOUBLE_CAPITAL.exec(text) ?? STRAY_LETTER.exec(text);
  if (m === null || KNOWN_DOUBLE_CAPITALS.test(m[0])) return;
  out.push({
    feature: 'unfamiliar_entity',
    id: 'unfamiliar_entity',
    category: 'epistemic',
    evidence: `"${m[0]}" looks misspelt or unknown`,
    question: { template: 'unfamiliar_entity', vars: { entity: m[0] } },
  });
}

export const unfamiliarEntity: Rule = { name: 'unfamiliar_entity', reads: [], run };
