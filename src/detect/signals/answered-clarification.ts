/**
 * answered_clarification: the assistant's previous turn asked a clarifying question and this user
 * turn answers it. A strong reason not to ask again.
 */
import type { RequestView } from '../view.js';
import type { FindingSink, Rule } from './rule.js';

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
  out.push({
    feature: 'answered_clarification',
    id: 'answered_clarification',
    category: null,
    evidence: `answers the assistant's question "${question.length > 100 ? `…${question.slice(question.length - 100)}` : question}"`,
  });
}

export const answeredClarification: Rule = { name: 'answered_clarification', reads: [], run };
