/**
 * The second opinion on the request path (the service is src/judge/second-opinion.ts). In the
 * grey band: `inline` waits for the verdict (at most `timeoutMs`, then the local score decides)
 * and lets it move the score; `background` decides on the local score and, when the decision is
 * recorded, labels the event with the verdict (source `second-opinion`) once it arrives.
 * Requests carrying `x-clarion-second-opinion` (Clarion's own judge calls, should they come back
 * through a Clarion) never ask for one.
 */
import type { Conversation } from '../conversation.js';
import type { Assessment } from '../detect/assessment.js';
import { SECOND_OPINION_HEADER, type SecondOpinion } from '../judge/second-opinion.js';
import { verdictLabel, withVerdict } from '../judge/verdict.js';
import type { PipelineDeps } from './deps.js';
import type { ProtocolState } from './state.js';

export interface Consulted {
  assessment: Assessment;
  /** The inline opinion (verdict or why none), for the event. */
  inline: SecondOpinion | null;
  /** A background opinion still on its way. */
  background: Promise<SecondOpinion> | null;
}

/** Outside the grey band (most requests) the answer is immediate: no promise, no microtask hop. */
export function consult(deps: PipelineDeps, state: ProtocolState, conversation: Conversation, assessment: Assessment): Consulted | Promise<Consulted> {
  const service = deps.secondOpinion;
  const none: Consulted = { assessment, inline: null, background: null };
  if (service === null || !service.inBand(assessment.score) || state.headers[SECOND_OPINION_HEADER] !== undefined) return none;
  if (service.config.mode === 'background') return { ...none, background: service.ask(conversation) };
  return consultInline(service, conversation, assessment);
}

async function consultInline(service: NonNullable<PipelineDeps['secondOpinion']>, conversation: Conversation, assessment: Assessment): Promise<Consulted> {
  const inline = await service.ask(conversation);
  const judged = inline.verdict === null ? assessment : withVerdict(assessment, inline.verdict, service.config.band);
  return { assessment: judged, inline, background: null };
}

/** Labels the recorded event with the background verdict when it arrives; nothing when the decision is not recorded. */
export function labelLater(deps: PipelineDeps, eventId: string | null, background: Promise<SecondOpinion> | null): void {
  if (background === null || eventId === null) return;
  void background.then((opinion) => {
    if (opinion.verdict === null) return;
    const label = verdictLabel(opinion.verdict);
    deps.labelEvent(eventId, label.verdict, label.note, 'second-opinion');
  });
}
