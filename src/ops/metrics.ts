/**
 * Prometheus metrics. One Registry per server instance (tests run several in one process), so
 * modules receive the registry and register their own metrics on it.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export type { Registry };

export interface CoreMetrics {
  registry: Registry;
  requests: Counter<'route' | 'status' | 'upstream' | 'action'>;
  requestSeconds: Histogram<'route'>;
  overheadSeconds: Histogram<'route'>;
  upstreamErrors: Counter<'upstream' | 'kind'>;
  upstreamRetries: Counter<'upstream' | 'reason'>;
  upstreamFallbacks: Counter<'from' | 'to'>;
  openStreams: Gauge;
  pipelineFailures: Counter<'stage'>;
  inputTokens: Counter<TokenLabel>;
  outputTokens: Counter<TokenLabel>;
  contextMemory: Counter<'source' | 'result'>;
}

/** Labels of the token counters. */
export type TokenLabel = 'upstream' | 'model' | 'tenant' | 'action';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
// The time Clarion itself adds is measured in microseconds to a few milliseconds.
const OVERHEAD_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1];

export function createCoreMetrics(registry: Registry = new Registry()): CoreMetrics {
  return {
    registry,
    requests: new Counter({
      name: 'clarion_requests_total',
      help: 'Proxied requests by route, final status, upstream and policy action',
      labelNames: ['route', 'status', 'upstream', 'action'],
      registers: [registry],
    }),
    requestSeconds: new Histogram({
      name: 'clarion_request_duration_seconds',
      help: 'Total time from request received to response end',
      labelNames: ['route'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    overheadSeconds: new Histogram({
      name: 'clarion_overhead_seconds',
      help: 'Time Clarion itself adds (parsing, detection, policy, forwarding), upstream wait excluded',
      labelNames: ['route'],
      buckets: OVERHEAD_BUCKETS,
      registers: [registry],
    }),
    upstreamErrors: new Counter({
      name: 'clarion_upstream_errors_total',
      help: 'Upstream failures by kind (connect, timeout, reset, status_5xx)',
      labelNames: ['upstream', 'kind'],
      registers: [registry],
    }),
    upstreamRetries: new Counter({
      name: 'clarion_upstream_retries_total',
      help: 'Attempts dropped before any byte reached the client and sent again (same upstream or a fallback), by upstream and reason (connect, status_429, status_5xx)',
      labelNames: ['upstream', 'reason'],
      registers: [registry],
    }),
    upstreamFallbacks: new Counter({
      name: 'clarion_upstream_fallbacks_total',
      help: 'Requests moved from one upstream to the next in its routing rule fallbacks',
      labelNames: ['from', 'to'],
      registers: [registry],
    }),
    openStreams: new Gauge({
      name: 'clarion_open_streams',
      help: 'Responses currently streaming to clients',
      registers: [registry],
    }),
    pipelineFailures: new Counter({
      name: 'clarion_pipeline_failures_total',
      help: 'Detector or policy failures (the request failed open unless a norm says failClosed)',
      labelNames: ['stage'],
      registers: [registry],
    }),
    inputTokens: new Counter({
      name: 'clarion_input_tokens_total',
      help: 'Input (prompt) tokens upstreams reported, cached ones included, by upstream, response model, tenant and policy action',
      labelNames: ['upstream', 'model', 'tenant', 'action'],
      registers: [registry],
    }),
    outputTokens: new Counter({
      name: 'clarion_output_tokens_total',
      help: 'Output (completion) tokens upstreams reported, by upstream, response model, tenant and policy action',
      labelNames: ['upstream', 'model', 'tenant', 'action'],
      registers: [registry],
    }),
    contextMemory: new Counter({
      name: 'clarion_context_memory_total',
      help: 'Look-ups of remembered earlier turns by what pointed at them (previous_response_id, conversation, header) and result (hit, miss)',
      labelNames: ['source', 'result'],
      registers: [registry],
    }),
  };
}
