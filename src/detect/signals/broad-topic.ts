/**
 * Broad topic (reported as vague_request): an open request about a bare topic ("tell me about
 * diversity", "I'm interested in dinosaurs", "figs") that names no aspect, purpose or angle, so
 * the answer has to guess what the user wants to know. Stronger the fewer topic words there are.
 */
import { FRAME_VERBS, STOPWORDS } from '../lexicon.js';
import { tokenize } from '../text.js';
import type { RequestView } from '../view.js';
import type { FindingSink, PriorFindings, Rule } from './rule.js';

export const OPEN_FRAME =
  /^\s*(?:please\s+)?(?:tell me (?:more |something |everything |all )?(?:about|on)|(?:can you |could you )?(?:give|find|show|get) me (?:some |more )?(?:information|info|details) (?:about|on|for)|(?:find |give me |get me |show me )?(?:some |more )?(?:information|info|details) (?:about|on|for)|i(?:'m| am) (?:looking for(?: information (?:about|on))?|interested in|curious about|researching)|i (?:want|would like|'d like) to (?:know|learn|read|find out) (?:more )?about|what (?:do you know|can you tell me) about|(?:search|look) (?:for|up)|find(?: me)?)\s+(.+?)\s*[.?!]*\s*$/i;

// "the history of X", "the planet mercury and its orbit": the topic names its aspect.
const LATIN_LETTER = /[A-Za-z]/;
const NAMES_ASPECT = /\b(?:of|its|their)\s+\S/i;

function run(view: RequestView, out: FindingSink, prior: PriorFindings): void {
  // Only when no other rule already explains the request, and not for a bare command ("Summarize this").
  if (view.empty || prior.any() || view.material.length > 0 || view.hasEarlierTurns || view.instruction.length > 200) return;
  const m = OPEN_FRAME.exec(view.instruction);
  const bare = view.tokens.length <= 3 && !FRAME_VERBS.has(view.tokens[0] ?? '') && !STOPWORDS.has(view.tokens[0] ?? '');
  const topicText = m !== null ? (m[1] ?? '') : bare ? view.instruction.trim().replace(/[.?!]+$/, '') : '';
  // The English rules do not apply to text without Latin letters ("今天北京的天气怎么样？").
  if (topicText === '' || NAMES_ASPECT.test(topicText) || !LATIN_LETTER.test(topicText)) return;
  let content = 0;
  for (const t of tokenize(topicText.toLowerCase())) if (!STOPWORDS.has(t)) content++;
  if (content === 0 || content > 3) return;
  out.push({
    feature: 'broad_topic',
    id: 'vague_request',
    category: 'aleatoric',
    evidence: `open request about "${topicText}" names no aspect or purpose`,
    value: content === 1 ? 1 : content === 2 ? 0.67 : 0.33,
    question: { template: 'vague_request.topic', vars: { topic: topicText } },
  });
}

/** Reads every rule before it: a request another rule explains is not a bare topic. */
export const broadTopic: Rule = {
  name: 'broad_topic',
  reads: [
    'conversational',
    'missing_input',
    'unresolved_reference',
    'missing_slot',
    'tool_slots',
    'unanchored',
    'polysemy',
    'contradiction',
    'unfamiliar_entity',
    'open_task',
  ],
  run,
};
