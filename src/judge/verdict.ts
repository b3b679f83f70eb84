/**
 * What an inline second opinion does to the assessment. Pure.
 *
 * The band is where the local score is unsure; the verdict moves the score out of it: an
 * "underspecified" verdict raises the score to at least the band's top (and its question and
 * missing details become the assessment's), a "clear" verdict lowers it to at most the band's
 * bottom. So the policy decides as it would for a confident local score on that side — choose the
 * band around the threshold the policy acts on.
 */
import type { Assessment } from '../detect/assessment.js';
import type { JudgeVerdict } from './prompt.js';

export function withVerdict(assessment: Assessment, verdict: JudgeVerdict, band: readonly [number, number]): Assessment {
  const [lo, hi] = band;
  if (!verdict.underspecified) return { ...assessment, score: Math.min(assessment.score, lo) };
  const missing = [...assessment.missingSlots];
  for (const item of verdict.missing) if (item !== '' && !missing.includes(item)) missing.push(item);
  return {
    ...assessment,
    score: Math.max(assessment.score, hi),
    missingSlots: missing,
    suggestedQuestion: verdict.question !== '' ? verdict.question : assessment.suggestedQuestion,
  };
}

/** The verdict as a feedback label: `needed` (a clarification was needed) or `unneeded`, with a note. */
export function verdictLabel(verdict: JudgeVerdict): { verdict: 'needed' | 'unneeded'; note: string } {
  if (!verdict.underspecified) return { verdict: 'unneeded', note: 'second opinion: clear' };
  const missing = verdict.missing.length > 0 ? `; missing: ${verdict.missing.join(', ')}` : '';
  const question = verdict.question !== '' ? `; question: ${verdict.question}` : '';
  return { verdict: 'needed', note: `second opinion: underspecified${missing}${question}` };
}
