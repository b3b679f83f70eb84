/**
 * Request tracing, as the request path sees it: one trace per proxied request, a child for the
 * assessment and one per upstream attempt. OpenTelemetry is only a possible implementation
 * (./otel.ts): it is loaded (`await import`) only when `OTEL_EXPORTER_OTLP_ENDPOINT` or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set, so with tracing off nothing of the SDK is loaded
 * and the request path pays one null check per stage.
 */
import type { Logger } from './logger.js';
import type { Tracing } from './trace-types.js';

export type { RequestSummary, RequestTrace, Tracing, UpstreamTarget } from './trace-types.js';

/** The OTLP traces endpoint the standard variables name, or undefined when tracing is off. */
export function tracesEndpoint(env: NodeJS.ProcessEnv): string | undefined {
  if (env.OTEL_SDK_DISABLED === 'true' || env.OTEL_TRACES_EXPORTER === 'none') return undefined;
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (traces !== undefined && traces !== '') return traces;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (base === undefined || base === '') return undefined;
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}

/** OpenTelemetry tracing when the environment asks for it, else null (and the SDK is never loaded). */
export async function loadTracing(env: NodeJS.ProcessEnv, logger: Logger): Promise<Tracing | null> {
  const endpoint = tracesEndpoint(env);
  if (endpoint === undefined) return null;
  const { createOtelTracing } = await import('./otel.js');
  const tracing = createOtelTracing({ endpoint, serviceName: env.OTEL_SERVICE_NAME ?? 'clarion', env });
  logger.info({ endpoint }, 'OpenTelemetry tracing on');
  return tracing;
}
