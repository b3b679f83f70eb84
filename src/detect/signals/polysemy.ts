/**
 * polysemy: a head term with several common senses and nothing around it that settles which
 * ("tell me about mercury"), or a bare title that could name several works ("what is the plot
 * of Shopgirl?" — the novel or the film?).
 */
import type { Finding } from '../finding.js';
import { FRAME_VERBS, POLYSEMOUS, STOPWORDS, WORK_KINDS } from '../lexicon.js';
import { tokenize } from '../text.js';
import type { RequestView } from '../view.js';

const TITLE_QUESTION =
  /\b(?:plot|genre|author|director|theme|themes|main character|characters|cast|ending|setting|premise|storyline|moral)\s+(?:of|in)\s+(?:the\s+)?["“]?([A-Z][\p{L}\d'’-]*(?:\s+[A-Z][\p{L}\d'’-]*){0,4})/u;
// Words of the question frame that do not settle a sense.
const FRAME = new Set(['meaning', 'mean', 'means', 'definition', 'define', 'facts', 'fact', 'common', 'features', 'uses', 'use', 'purpose', 'significance', 'importance', 'history', 'overview', 'everything', 'more', 'learn', 'interested', 'looking', 'search', 'symptoms', 'value', 'process', 'types', 'examples', 'example']);

export function polysemy(view: RequestView, out: Finding[]): void {
  if (view.empty || view.tokens.length > 40) return;
  const tokens = view.tokens;
  let context: ReadonlySet<string> | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const raw = tokens[i] ?? '';
    const t = POLYSEMOUS.has(raw) ? raw : raw.endsWith('s') && POLYSEMOUS.has(raw.slice(0, -1)) ? raw.slice(0, -1) : '';
    if (t === '') continue;
    const entry = POLYSEMOUS.get(t);
    if (entry === undefined) continue;
    let cued = false;
    let content = 0;
    for (const u of tokens) {
      if (entry.cues.has(u)) cued = true;
      if (u !== raw && !STOPWORDS.has(u) && !FRAME_VERBS.has(u) && !FRAME.has(u) && u.length > 2) content++;
    }
    if (!cued && view.contextCased.length > 0) {
      context ??= new Set(tokenize(view.contextLower));
      for (const cue of entry.cues) if (context.has(cue)) cued = true;
    }
    if (cued || content > 1) continue;
    out.push({
      feature: 'polysemy_term',
      id: 'polysemy',
      category: 'linguistic',
      evidence: `"${raw}" has several common senses (${entry.senses}) and nothing says which`,
      question: { template: 'polysemy', vars: { term: raw, senses: entry.senses } },
    });
    return;
  }
  const title = TITLE_QUESTION.exec(view.head);
  if (title !== null && !view.hasEarlierTurns) {
    for (const t of tokens) if (WORK_KINDS.has(t)) return;
    const name = title[1] ?? '';
    out.push({
      feature: 'polysemy_title',
      id: 'polysemy',
      category: 'linguistic',
      evidence: `"${name}" could name a book, a film or another work, and the request does not say which`,
      question: { template: 'polysemy.title', vars: { term: name } },
    });
  }
}
