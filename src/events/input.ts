/**
 * What the request pipeline hands to the event log: raw material, collected on the hot path
 * without copying. Building the stored event (redaction, truncation, schema v1) happens in the
 * writer, off the request path.
 */
import type { Conversation } from '../conversation.js';
import type { Assessment } from '../detect/assessment.js';
import type { SecondOpinion } from '../judge/second-opinion.js';
import type { Decision, RequestContext } from '../policy/decision.js';
import type { TokenUsage } from '../protocols/observe.js';

export interface EventInput {
  /** Assigned synchronously before the response headers go out (`x-clarion-event-id`). */
  id: string;
  /** Epoch milliseconds when the request arrived. */
  time: number;
  requestId: string;
  context: RequestContext;
  /** Name of the upstream the request went to (null when Clarion answered itself). */
  upstream: string | null;
  conversation: Conversation;
  assessment: Assessment;
  decision: Decision;
  /** Detector wall time in microseconds. */
  detectorMicros: number;
  /** Upstream HTTP status (null when not called or failed before a status). */
  upstreamStatus: number | null;
  /** Milliseconds from sending upstream until its body ended (null when not called). */
  upstreamMs: number | null;
  /** Clarion error code when the request failed inside Clarion (e.g. CLARION_UPSTREAM_TIMEOUT). */
  errorCode: string | null;
  /** Tokens consumed (zeros when Clarion answered itself; null when the upstream reported none). */
  usage?: TokenUsage | null;
  /** The upstream response's id, when the response observer read one. */
  responseId?: string | null;
  /** The inline second opinion, when one was asked. */
  secondOpinion?: SecondOpinion | null;
}

/** The event log as the pipeline sees it. Implementations never block and never throw. */
export interface EventSink {
  /** Sync: whether this decision is recorded (config: non-pass actions, score floor, sampling). */
  shouldRecord(decision: Decision, assessment: Assessment, sampleKey: string): boolean;
  /** Sync: a new sortable, unique event id. */
  newId(): string;
  /** Sync, non-blocking: queue the event for writing. Never throws. */
  record(input: EventInput): void;
}
