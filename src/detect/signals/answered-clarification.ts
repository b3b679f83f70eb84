/**
 * answered_clarification: the assistant's previous turn asked a clarifying question and this user
 * turn answers it. A strong reason not to ask again.
 */
import type { RequestView } from '../view.js';
import type { FindingSink, Rule } from './rule.js';

const DEFERRAL =
  /^\s*(?:(?:ok|okay|well|hmm|um|oh),?\s+)?(?:(?:just|please)\s+)?(?:you (?:decide|choose|pick|tell me)|whatever(?: is (?:good|best|fine))?|anything(?: is fine| works| good| nice)?|any(?:where|one)(?: is fine| works| good| nice)?|not sure|no idea|i (?:don'?t|do not) know|dunno|(?:it )?doesn'?t matter|up to you|surprise me|the usual(?: stuff)?|(?:do|book|send|pick|write|order) it|do what you think|sometime(?: soon)?|the (?:one|ones) (?:i said|you know|i mentioned)|something (?:good|nice))\s*[.!]*\s*$/i;
const CLARIFYING =
  /\b(?:which|what|who|whom|when|where|how many|how much|do you|did you|would you|could you|can you|are you|is it|is this|should i|shall i|clarify|specify|confirm|do you mean|did you mean|prefer|let me know|tell me)\b[^?]{0,300}\?/i;

function run(view: RequestView, out: FindingSink): void {
  const previous = view.previousAssistant;
  if (previous === null || view.empty) return;
  // The question must be in the assistant turn's last few sentences, and the user's reply short enough to be an answer.
  const tail = previous.length > 400 ? previous.slice(previous.length - 400) : previous;
  const q = CLARIFYING.exec(tail);
  if (q === null || view.fullLength > 1500) return;
  const question = q[0].replace(/\s+/g, ' ').trim();
  const quoted = question.length > 100 ? `…${question.slice(question.length - 100)}` : question;
  // "You decide.", "Just book it.", "Not sure.": a reply that hands the question back leaves its gap open.
  if (view.fullLength <= 60 && DEFERRAL.test(view.instruction)) {
    out.push({
      feature: 'deferred_answer',
      id: 'vague_request',
      category: 'aleatoric',
      evidence: `does not answer the assistant's question "${quoted}": what it asked is still open`,
    });
    return;
  }
  out.push({ feature: 'answered_clarification', id: 'answered_clarification', category: null, evidence: `answers the assistant's question "${quoted}"` });
}

export const answeredClarification: Rule = { name: 'answered_clarification', reads: [], run };
