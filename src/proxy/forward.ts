/**
 * Sends one request upstream and streams the reply to the client as it arrives: bytes are
 * copied, never re-serialised; backpressure is the client's (a write that does not drain holds
 * the upstream read); a client that goes away aborts the upstream request.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { Writable } from 'node:stream';
import { ClarionError, type ErrorCode } from '../errors.js';
import type { ProtocolAdapter } from '../protocols/types.js';
import { clientResponseHeaders } from './headers.js';
import type { Upstream } from './upstreams.js';

export interface ForwardRequest {
  upstream: Upstream;
  method: string;
  /** Path on the upstream (base path included) plus query string. */
  path: string;
  headers: Record<string, string | string[]>;
  body: Buffer | string | Readable | null;
  res: ServerResponse;
  /** Headers Clarion adds to the response (x-clarion-*, x-request-id...). */
  extraHeaders: OutgoingHttpHeaders;
  /** Renders Clarion's own errors (502/504, mid-stream) in the route's protocol shape. */
  errors: ProtocolAdapter;
  /** Called when the upstream's response headers arrive, just before ours go out; returns the overhead header value. */
  onUpstreamHeaders(statusCode: number): string;
}

export interface ForwardResult {
  /** Status the client got (upstream's, or Clarion's 502/504). 499 when the client went away first. */
  status: number;
  upstreamStatus: number | null;
  /** Milliseconds from dispatch until the upstream body ended or failed. */
  upstreamMs: number;
  errorCode: ErrorCode | null;
  /** Kind of upstream failure for metrics: connect, timeout, reset, aborted. */
  failure: 'connect' | 'timeout' | 'reset' | 'aborted' | null;
  streamed: boolean;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** Writes upstream chunks to the client response, holding the upstream while the client is slow. */
class ClientSink extends Writable {
  private readonly res: ServerResponse;

  constructor(res: ServerResponse) {
    super({ highWaterMark: 64 * 1024 });
    this.res = res;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.res.write(chunk)) callback();
    else this.res.once('drain', () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    callback();
  }
}

function isEventStream(headers: OutgoingHttpHeaders): boolean {
  const type = headers['content-type'];
  return typeof type === 'string' && type.includes('text/event-stream');
}

export async function forward(request: ForwardRequest): Promise<ForwardResult> {
  const { res, upstream } = request;
  const started = performance.now();
  // undici accepts any EventEmitter that emits 'abort' as a signal; the response itself serves,
  // which saves an AbortController per request.
  let aborted = false;
  const onClientClose = (): void => {
    if (!res.writableFinished) {
      aborted = true;
      res.emit('abort');
    }
  };
  res.once('close', onClientClose);

  let upstreamStatus: number | null = null;
  let responseHeaders: OutgoingHttpHeaders | null = null;
  try {
    await upstream.pool.stream(
      {
        path: request.path,
        method: request.method as 'POST',
        headers: request.headers,
        body: request.body,
        signal: res,
      },
      ({ statusCode, headers }) => {
        upstreamStatus = statusCode;
        const out = clientResponseHeaders(headers);
        const ours = request.extraHeaders;
        for (const name in ours) {
          // The upstream's own request id wins (providers' support needs it); ours is kept alongside.
          if (name === 'x-request-id' && out['x-request-id'] !== undefined) {
            out['x-clarion-request-id'] = ours[name];
            continue;
          }
          const value = ours[name];
          if (value !== undefined) out[name] = value;
        }
        out['x-clarion-overhead-ms'] = request.onUpstreamHeaders(statusCode);
        responseHeaders = out;
        res.writeHead(statusCode, out);
        return new ClientSink(res);
      },
    );
    res.end();
    return {
      status: upstreamStatus ?? 502,
      upstreamStatus,
      upstreamMs: performance.now() - started,
      errorCode: null,
      failure: null,
      streamed: responseHeaders !== null && isEventStream(responseHeaders),
    };
  } catch (error) {
    const upstreamMs = performance.now() - started;
    if (aborted || res.destroyed) {
      return { status: 499, upstreamStatus, upstreamMs, errorCode: null, failure: 'aborted', streamed: false };
    }
    const code = (error as { code?: string }).code ?? '';
    const timeout = TIMEOUT_CODES.has(code);
    const clarionError = timeout
      ? new ClarionError('CLARION_UPSTREAM_TIMEOUT', describeTimeout(code), { cause: error })
      : new ClarionError('CLARION_UPSTREAM_UNREACHABLE', `${upstream.config.name}: ${code !== '' ? code : (error as Error).message}`, { cause: error });
    const failure = timeout ? 'timeout' : code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'connect' : 'reset';

    if (!res.headersSent) {
      // Failed before any byte reached the client: answer with Clarion's error in the route's shape.
      const rendered = request.errors.renderError(clarionError);
      const headers: OutgoingHttpHeaders = { ...request.extraHeaders, 'content-type': rendered.contentType };
      headers['x-clarion-overhead-ms'] = request.onUpstreamHeaders(rendered.status);
      res.writeHead(rendered.status, headers);
      res.end(rendered.chunks.join(''));
      return { status: rendered.status, upstreamStatus, upstreamMs, errorCode: clarionError.code, failure, streamed: false };
    }
    // Failed mid-body. For SSE, end with an error event the SDKs raise; otherwise cut the
    // connection so the client cannot mistake a truncated body for a complete one.
    if (responseHeaders !== null && isEventStream(responseHeaders)) {
      res.end(`\n\n${request.errors.renderStreamError(clarionError)}`);
    } else {
      res.destroy(clarionError);
    }
    return { status: upstreamStatus ?? 502, upstreamStatus, upstreamMs, errorCode: clarionError.code, failure, streamed: true };
  } finally {
    res.removeListener('close', onClientClose);
  }
}

function describeTimeout(code: string): string {
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return 'connect timeout';
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return 'no response headers within the first-byte timeout';
  return 'no data within the idle timeout';
}
