/**
 * What the request path is built from: the components the composition root (`src/server.ts`)
 * creates once and every request shares. Stages take them as their first argument.
 */
import type { Limits } from '../config/limits.js';
import type { RouteKind } from '../config/schema.js';
import type { Detector } from '../detect/index.js';
import type { EventSink } from '../events/input.js';
import type { Verdict } from '../events/schema.js';
import type { SecondOpinionService } from '../judge/second-opinion.js';
import type { Logger } from '../ops/logger.js';
import type { CoreMetrics } from '../ops/metrics.js';
import type { RequestLog } from '../ops/request-log.js';
import type { Tracing } from '../ops/tracing.js';
import type { PolicyHolder } from '../policy/load.js';
import type { ConversationMemory } from '../policy/memory.js';
import type { ReviewQueue } from '../policy/reviews.js';
import type { ProtocolAdapter } from '../protocols/types.js';
import type { Router } from './routing.js';
import type { Upstreams } from './upstreams.js';

export interface PipelineDeps {
  router: Router;
  upstreams: Upstreams;
  detector: Detector;
  policy: PolicyHolder;
  memory: ConversationMemory;
  reviews: ReviewQueue;
  events: EventSink;
  metrics: CoreMetrics;
  logger: Logger;
  /** Writes the request's one log line (a no-op when request logging is off). */
  requestLog: RequestLog;
  /** Request tracing (OpenTelemetry), or null when off: the stages then skip it with one check. */
  tracing: Tracing | null;
  tenantHeader: string;
  /** `server.trustClientHeaders`: read the tenant and conversation id headers (only behind a trusted gateway). */
  trustClientHeaders: boolean;
  /** The `limits` config section. */
  limits: Limits;
  /** Header names Clarion reads and never forwards (tenant header). */
  controlHeaders: ReadonlySet<string>;
  /** The grey-band second opinion (`detector.secondOpinion`); null when not configured. */
  secondOpinion: SecondOpinionService | null;
  /** Labels a recorded event (fire-and-forget, never throws): how a background verdict reaches it. */
  labelEvent(eventId: string, verdict: Verdict, note: string, source: string): void;
}

/** One of the three assessed routes and the adapter that speaks its wire format. */
export interface ProtocolRoute {
  kind: RouteKind;
  path: string;
  adapter: ProtocolAdapter;
}
