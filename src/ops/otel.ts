/**
 * The OpenTelemetry implementation of ./tracing.ts, with the OTel JS SDK: a tracer provider of its
 * own (not registered globally), batched OTLP/HTTP export, W3C trace context in and out. Loaded
 * only when tracing is on.
 *
 * Spans: the request (SERVER, named `{gen_ai.operation.name} {model}` per the GenAI semantic
 * conventions, else `{method} {path}`), its child `clarion.assess` (detector and policy), and one
 * CLIENT child per upstream attempt (`clarion.upstream {name}`), whose context goes upstream as
 * `traceparent`.
 */
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  defaultTextMapGetter,
  defaultTextMapSetter,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { RequestSummary, RequestTrace, Tracing, UpstreamTarget } from './trace-types.js';

export interface OtelOptions {
  /** Full OTLP/HTTP traces URL (`.../v1/traces`). */
  endpoint: string;
  serviceName: string;
  env: NodeJS.ProcessEnv;
}

const propagator = new W3CTraceContextPropagator();

/** `performance.now()` -> epoch milliseconds, the SDK's time unit. */
function epochMs(perfNow: number): number {
  return performance.timeOrigin + perfNow;
}

function positiveInt(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** The GenAI operation a route stands for, when it is one. */
function operationOf(kind: string, path: string): string | undefined {
  if (kind === 'chat' || kind === 'responses' || kind === 'messages') return 'chat';
  if (path === '/v1/embeddings') return 'embeddings';
  return undefined;
}

function serverOf(baseUrl: string): Attributes {
  const url = new URL(baseUrl);
  const port = url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return { 'server.address': url.hostname, 'server.port': port };
}

class OtelRequestTrace implements RequestTrace {
  private readonly context: Context;
  private attempt: Span | null = null;
  private server: Attributes = {};

  constructor(
    private readonly tracer: Tracer,
    private readonly span: Span,
    parent: Context,
  ) {
    this.context = trace.setSpan(parent, span);
  }

  assessed(startedAt: number, endedAt: number): void {
    this.tracer.startSpan('clarion.assess', { kind: SpanKind.INTERNAL, startTime: epochMs(startedAt) }, this.context).end(epochMs(endedAt));
  }

  upstreamStarted(target: UpstreamTarget): Record<string, string> {
    this.server = serverOf(target.baseUrl);
    const span = this.tracer.startSpan(
      `clarion.upstream ${target.name}`,
      { kind: SpanKind.CLIENT, attributes: { ...this.server, 'clarion.upstream': target.name } },
      this.context,
    );
    this.attempt = span;
    const carrier: Record<string, string> = {};
    propagator.inject(trace.setSpan(this.context, span), carrier, defaultTextMapSetter);
    return carrier;
  }

  upstreamEnded(status: number | null, errorCode: string | null, retried: boolean): void {
    const span = this.attempt;
    if (span === null) return;
    this.attempt = null;
    if (status !== null) span.setAttribute('http.response.status_code', status);
    if (retried) span.setAttribute('clarion.retried', true);
    if (errorCode !== null || (status !== null && status >= 500)) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.setAttribute('error.type', errorCode ?? String(status));
    }
    span.end();
  }

  end(summary: RequestSummary): void {
    const { span } = this;
    const operation = operationOf(summary.kind, summary.path);
    const model = summary.requestModel;
    span.updateName(operation !== undefined && model !== undefined ? `${operation} ${model}` : `${summary.method} ${summary.path}`);
    const attributes: Attributes = {
      ...this.server,
      'http.request.method': summary.method,
      'url.path': summary.path,
      'http.response.status_code': summary.status,
      'clarion.action': summary.action,
      'clarion.policy_version': summary.policyVersion,
      'clarion.shadow': summary.shadow,
    };
    if (operation !== undefined) {
      attributes['gen_ai.operation.name'] = operation;
      attributes['gen_ai.provider.name'] = summary.family;
      attributes['gen_ai.system'] = summary.family;
    }
    if (model !== undefined) attributes['gen_ai.request.model'] = model;
    if (summary.responseModel !== null) attributes['gen_ai.response.model'] = summary.responseModel;
    if (summary.inputTokens !== null) attributes['gen_ai.usage.input_tokens'] = summary.inputTokens;
    if (summary.outputTokens !== null) attributes['gen_ai.usage.output_tokens'] = summary.outputTokens;
    if (summary.score !== undefined) attributes['clarion.score'] = Math.round(summary.score * 1000) / 1000;
    if (summary.norm !== null) attributes['clarion.norm'] = summary.norm;
    if (summary.eventId !== null) attributes['clarion.event_id'] = summary.eventId;
    if (summary.upstream !== null) attributes['clarion.upstream'] = summary.upstream;
    span.setAttributes(attributes);
    if (summary.status >= 500 || summary.errorCode !== null) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.setAttribute('error.type', summary.errorCode ?? String(summary.status));
    }
    this.attempt?.end();
    span.end();
  }
}

export function createOtelTracing(options: OtelOptions): Tracing {
  const { env } = options;
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: options.endpoint }), {
        scheduledDelayMillis: positiveInt(env.OTEL_BSP_SCHEDULE_DELAY, 5_000),
        maxQueueSize: positiveInt(env.OTEL_BSP_MAX_QUEUE_SIZE, 2_048),
        maxExportBatchSize: positiveInt(env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE, 512),
      }),
    ],
  });
  const tracer = provider.getTracer('clarion');
  return {
    start(headers, startedAt) {
      const parent = headers.traceparent === undefined ? ROOT_CONTEXT : propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
      const span = tracer.startSpan('clarion.request', { kind: SpanKind.SERVER, startTime: epochMs(startedAt) }, parent);
      return new OtelRequestTrace(tracer, span, parent);
    },
    async shutdown() {
      await provider.shutdown();
    },
  };
}
