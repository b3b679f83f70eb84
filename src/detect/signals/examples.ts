/**
 * unlabelled_examples (reported as contradiction, epistemic): the request asks the model to infer
 * a rule, category or pattern from examples, and the examples carry no labels ("The following
 * two examples share a category. You need to first infer the category from the examples…
 * Examples: A. B."). Two unlabelled examples fit more than one rule, so the answer depends on a
 * guess; with their outputs given ("A (Output: X)") the rule is pinned down.
 */
import { snippet } from '../text.js';
import type { RequestView } from '../view.js';
import type { FindingSink, Rule } from './rule.js';

const EXAMPLES = /\bexamples?\s*:/i;
const INFER = /\b(?:infer|figure out|work out|deduce|guess)\b/i;
/** A label on an example: "(Output: X)", "Label: Y", "-> Z", "=> Z". */
const LABELLED = /\b(?:output|label|answer|category|class)\s*:|->|=>|→/i;
/** The candidate rules, when the request names them: either "A" or "B". */
const EITHER = /\beither\s+["“]([^"”\n]{1,60})["”]\s+or\s+["“]([^"”\n]{1,60})["”]/i;

function run(view: RequestView, out: FindingSink): void {
  if (view.empty) return;
  const text = view.head;
  // Each pattern needs its word: most requests have no "example" at all.
  if (!view.headLower.includes('example')) return;
  const header = EXAMPLES.exec(text);
  if (header === null || !INFER.test(text) || LABELLED.test(text.slice(header.index))) return;
  const either = EITHER.exec(text);
  const choices = either === null ? '' : ` (“${either[1] ?? ''}” or “${either[2] ?? ''}”)`;
  out.push({
    feature: 'unlabelled_examples',
    id: 'contradiction',
    category: 'epistemic',
    evidence: `asks to infer a rule from examples that carry no labels ("${snippet(text, header.index, header[0].length)}"): more than one rule fits${choices}`,
    question: { template: 'examples.rule', vars: { choices } },
  });
}

export const unlabelledExamples: Rule = { name: 'unlabelled_examples', reads: [], run };
