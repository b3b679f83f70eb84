/**
 * The request path's view of tracing (see ./tracing.ts): what a request trace records. Its own
 * module so the lazily loaded implementation (./otel.ts) and the loader share it without a cycle.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** What finish knows about a whole request, for the request span's attributes. */
export interface RequestSummary {
  kind: string;
  method: string;
  path: string;
  family: string;
  status: number;
  requestModel: string | undefined;
  responseModel: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  upstream: string | null;
  action: string;
  score: number | undefined;
  norm: string | null;
  policyVersion: string;
  eventId: string | null;
  shadow: boolean;
  errorCode: string | null;
}

/** Where an attempt goes, for the upstream span (`server.address`, `server.port`). */
export interface UpstreamTarget {
  name: string;
  baseUrl: string;
}

export interface RequestTrace {
  /** The assessment as a child span, from its measured bounds (`performance.now()` values). */
  assessed(startedAt: number, endedAt: number): void;
  /** Starts the upstream-wait span of one attempt; returns the `traceparent` (and `tracestate`) to send upstream. */
  upstreamStarted(target: UpstreamTarget): Record<string, string>;
  /** Ends the current attempt's span: the upstream's status (null: none) and Clarion's error code, if any. */
  upstreamEnded(status: number | null, errorCode: string | null, retried: boolean): void;
  /** Ends the request span with the whole request's facts. */
  end(summary: RequestSummary): void;
}

export interface Tracing {
  /** A trace for a request that just arrived, continuing its incoming `traceparent` when it has one. */
  start(headers: IncomingHttpHeaders, startedAt: number): RequestTrace;
  /** Exports what is buffered and stops. */
  shutdown(): Promise<void>;
}
