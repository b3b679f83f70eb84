/**
 * OpenTelemetry end to end, against an in-process OTLP/HTTP receiver: one span per proxied
 * request with the GenAI semantic conventions and clarion.* attributes, children for the
 * assessment and the upstream wait, the incoming traceparent continued and forwarded. Off (and
 * the SDK never loaded) without an endpoint.
 */
import { bareEventId } from '../../src/events/capability.js';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import { loadTracing, tracesEndpoint } from '../../src/ops/tracing.js';
import { createLogger } from '../../src/ops/logger.js';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream.js';
import { startClarion, type RunningClarion } from '../helpers/clarion.js';

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Array<{ key: string; value: OtlpValue }>;
  status?: { code?: number };
}

function attrs(span: OtlpSpan): Record<string, string | number | boolean | undefined> {
  const out: Record<string, string | number | boolean | undefined> = {};
  for (const { key, value } of span.attributes) {
    out[key] = value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : (value.doubleValue ?? value.boolValue));
  }
  return out;
}

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';

describe('OpenTelemetry traces', () => {
  let upstream: FakeUpstream;
  let clarion: RunningClarion;
  let receiver: Server;
  const spans: OtlpSpan[] = [];
  const exportPaths: string[] = [];

  before(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        exportPaths.push(`${req.url} ${req.headers['content-type']}`);
        const parsed = JSON.parse(body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }> };
        for (const rs of parsed.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const { port } = receiver.address() as { port: number };
    upstream = await startFakeUpstream();
    clarion = await startClarion({
      upstream,
      policy:
        'version: traced-1\nnorms:\n  - name: t-annotate\n    when: { headers: { x-test-action: annotate } }\n    then: { action: annotate, instruction: "State your assumptions." }\n',
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_BSP_SCHEDULE_DELAY: '20' },
    });
  });
  after(async () => {
    await upstream.close();
    await new Promise<void>((r) => receiver.close(() => r()));
  });

  test('a proxied chat request: request, assessment and upstream spans, traceparent continued and forwarded', async () => {
    const res = await fetch(`${clarion.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-action': 'annotate', traceparent: `00-${TRACE_ID}-${CLIENT_SPAN}-01` },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Write a short poem about the sea.' }] }),
    });
    assert.equal(res.status, 200);
    await res.text();
    const eventId = bareEventId(res.headers.get('x-clarion-event-id') ?? ''); // the header is ID.mac; spans carry the id
    await clarion.close(); // flushes the batch

    const sent = upstream.requests.at(-1)?.headers.traceparent ?? '';
    const [, sentTrace, sentParent] = sent.split('-');
    assert.equal(sentTrace, TRACE_ID, 'the upstream call continues the client trace');
    assert.notEqual(sentParent, CLIENT_SPAN, 'and names Clarion’s upstream span as its parent');
    assert.ok(
      exportPaths.every((p) => p.startsWith('/v1/traces application/json')),
      exportPaths.join(),
    );

    const ours = spans.filter((s) => s.traceId === TRACE_ID);
    const request = ours.find((s) => s.parentSpanId === CLIENT_SPAN);
    assert.ok(request !== undefined, ours.map((s) => s.name).join());
    assert.equal(request.name, 'chat gpt-4o-mini');
    assert.equal(request.kind, 2, 'SERVER');
    const a = attrs(request);
    assert.equal(a['gen_ai.operation.name'], 'chat');
    assert.equal(a['gen_ai.request.model'], 'gpt-4o-mini');
    assert.equal(typeof a['gen_ai.response.model'], 'string');
    assert.ok(Number(a['gen_ai.usage.input_tokens']) > 0);
    assert.ok(Number(a['gen_ai.usage.output_tokens']) > 0);
    assert.equal(a['server.address'], '127.0.0.1');
    assert.equal(typeof a['server.port'], 'number');
    assert.equal(a['clarion.action'], 'annotate');
    assert.equal(a['clarion.norm'], 't-annotate');
    assert.equal(a['clarion.policy_version'], 'traced-1');
    assert.equal(typeof a['clarion.score'], 'number');
    assert.equal(a['clarion.event_id'], eventId);
    assert.equal(a['http.response.status_code'], 200);

    const assess = ours.find((s) => s.name === 'clarion.assess');
    assert.equal(assess?.parentSpanId, request.spanId);
    const wait = ours.find((s) => s.name === 'clarion.upstream openai');
    assert.equal(wait?.parentSpanId, request.spanId);
    assert.equal(wait?.kind, 3, 'CLIENT');
    assert.equal(wait?.spanId, sentParent, 'the forwarded traceparent is the upstream span');
    assert.equal(attrs(wait!)['http.response.status_code'], 200);
  });
});

test('tracing is off without an endpoint; the SDK is imported only by the lazily loaded module', async () => {
  assert.equal(tracesEndpoint({}), undefined);
  assert.equal(tracesEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/' }), 'http://c:4318/v1/traces');
  assert.equal(tracesEndpoint({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/x' }), 'http://c:4318/x');
  assert.equal(tracesEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }), undefined);
  assert.equal(await loadTracing({}, createLogger('silent')), null);
  const src = resolve(import.meta.dirname, '..', '..', 'src');
  const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  const importers = files.filter((f) => /from '@opentelemetry\//.test(readFileSync(join(src, f), 'utf8')));
  assert.deepEqual(importers, [join('ops', 'otel.ts')]);
  assert.match(readFileSync(join(src, 'ops', 'tracing.ts'), 'utf8'), /await import\('\.\/otel\.js'\)/);
  assert.doesNotMatch(readFileSync(join(src, 'ops', 'tracing.ts'), 'utf8'), /^import .*otel/m);
});
