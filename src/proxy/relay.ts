/**
 * The relay under the forward stage: sends one request upstream and streams the reply to the
 * client as it arrives. Bytes are copied, never re-serialised; backpressure is the client's (a
 * write that does not drain holds the upstream read); a client that goes away aborts the upstream
 * request.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { ClarionError, type ErrorCode } from '../errors.js';
import { observeResponse, type ObservedResponse, type ResponseObserver, type ResponseReader } from '../protocols/observe.js';
import type { ProtocolAdapter } from '../protocols/types.js';
import { clientResponseHeaders } from './headers.js';
import type { Upstream } from './upstreams.js';

export interface RelayRequest {
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
  /** Reads a 2xx response as it streams through (id, model, text, usage); null to read nothing (pass-through). */
  reader: ResponseReader | null;
  /** Keep the assistant's text as the response streams (false: only id, model and usage are read). */
  keepText: boolean;
  /**
   * Asked when the upstream failed before anything reached the client (a connect error, a 429 or
   * 5xx status): true drops this response, unseen by the client, so the caller can try again.
   * Absent: every response is relayed.
   */
  retryWanted?: (cause: RetryCause) => boolean;
}

/** Why an attempt was dropped for another: the upstream's status (and its headers, for retry-after), or a connect-phase error code. */
export type RetryCause = { kind: 'status'; status: number; headers: Record<string, string | string[] | undefined> } | { kind: 'connect'; code: string };

/** Failures before a response whose request can be sent again: nothing was answered (refused, unresolvable, reset before any byte). */
const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'ECONNRESET',
  'UND_ERR_SOCKET',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
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
  /** Set when the attempt was dropped for a retry (nothing reached the client); the other fields then describe the dropped attempt. */
  retry: RetryCause | null;
  /** What the response observer learnt (2xx responses on the protocol routes), else null. */
  observed: ObservedResponse | null;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

class ClientGoneError extends Error {
  override readonly name = 'ClientGoneError';
}

function isEventStream(headers: OutgoingHttpHeaders): boolean {
  const type = headers['content-type'];
  return typeof type === 'string' && type.includes('text/event-stream');
}

export function relay(request: RelayRequest): Promise<ForwardResult> {
  return new Promise((settle) => new ResponseRelay(request, settle).start());
}

/**
 * An undici dispatch handler that relays the upstream response straight onto the client's
 * response: no intermediate stream objects per request. A client write that does not drain
 * pauses the upstream read until it does; a client that goes away aborts the upstream request.
 */
class ResponseRelay implements Dispatcher.DispatchHandler {
  private readonly started = performance.now();
  private controller: Dispatcher.DispatchController | null = null;
  private upstreamStatus: number | null = null;
  private responseHeaders: OutgoingHttpHeaders | null = null;
  private clientGone = false;
  private settled = false;
  /** The response is being drained, unseen, because the caller retries. */
  private dropped: RetryCause | null = null;
  private observer: ResponseObserver | null = null;

  constructor(
    private readonly request: RelayRequest,
    private readonly settle: (result: ForwardResult) => void,
  ) {}

  start(): void {
    const { request } = this;
    request.res.once('close', this.onClientClose);
    request.upstream.pool.dispatch({ path: request.path, method: request.method, headers: request.headers, body: request.body }, this);
  }

  private readonly onClientClose = (): void => {
    if (this.request.res.writableFinished || this.settled) return;
    this.clientGone = true;
    this.controller?.abort(new ClientGoneError('client closed the connection'));
  };

  private readonly onDrain = (): void => {
    this.controller?.resume();
  };

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.clientGone) controller.abort(new ClientGoneError('client closed the connection'));
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    if (statusCode < 200) return; // informational; the final response follows
    const { request } = this;
    this.upstreamStatus = statusCode;
    if (request.retryWanted !== undefined && isRetryableStatus(statusCode)) {
      const cause: RetryCause = { kind: 'status', status: statusCode, headers };
      if (request.retryWanted(cause)) {
        this.dropped = cause; // drained (keeps the connection) and never written
        return;
      }
    }
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
    this.responseHeaders = out;
    request.res.writeHead(statusCode, out);
    if (request.reader !== null && statusCode < 300) {
      this.observer = observeResponse(request.reader, headerText(headers['content-type']), headerText(headers['content-encoding']), request.keepText);
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.dropped !== null) return;
    const { res } = this.request;
    const drained = res.write(chunk);
    // After the write: the client's bytes never wait for the observer.
    this.observer?.write(chunk);
    if (!drained) {
      controller.pause();
      res.once('drain', this.onDrain);
    }
  }

  onResponseEnd(): void {
    if (this.dropped !== null) {
      this.finishDropped(this.dropped);
      return;
    }
    const { res } = this.request;
    res.end();
    this.finish({
      status: this.upstreamStatus ?? 502,
      upstreamStatus: this.upstreamStatus,
      upstreamMs: performance.now() - this.started,
      errorCode: null,
      failure: null,
      streamed: this.responseHeaders !== null && isEventStream(this.responseHeaders),
      retry: null,
    });
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, error: Error): void {
    const { request } = this;
    const { res, upstream } = request;
    const upstreamMs = performance.now() - this.started;
    const upstreamStatus = this.upstreamStatus;
    if (this.clientGone || res.destroyed) {
      this.finish({ status: 499, upstreamStatus, upstreamMs, errorCode: null, failure: 'aborted', streamed: false, retry: null });
      return;
    }
    const code = (error as { code?: string }).code ?? '';
    if (this.dropped !== null) {
      this.finishDropped(this.dropped);
      return;
    }
    if (this.responseHeaders === null && !res.headersSent && CONNECT_CODES.has(code) && request.retryWanted?.({ kind: 'connect', code }) === true) {
      this.finishDropped({ kind: 'connect', code });
      return;
    }
    const timeout = TIMEOUT_CODES.has(code);
    const clarionError = timeout
      ? new ClarionError('CLARION_UPSTREAM_TIMEOUT', describeTimeout(code), { cause: error })
      : new ClarionError('CLARION_UPSTREAM_UNREACHABLE', `${upstream.config.name}: ${code !== '' ? code : error.message}`, { cause: error });
    const failure = timeout ? 'timeout' : code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'connect' : 'reset';

    if (!res.headersSent && this.responseHeaders === null) {
      // Failed before any byte reached the client: answer with Clarion's error in the route's shape.
      const rendered = request.errors.renderError(clarionError);
      const headers: OutgoingHttpHeaders = { ...request.extraHeaders, 'content-type': rendered.contentType };
      headers['x-clarion-overhead-ms'] = request.onUpstreamHeaders(rendered.status);
      res.writeHead(rendered.status, headers);
      res.end(rendered.chunks.join(''));
      this.finish({ status: rendered.status, upstreamStatus, upstreamMs, errorCode: clarionError.code, failure, streamed: false, retry: null });
      return;
    }
    // Failed mid-body. For SSE, end with an error event the SDKs raise; otherwise cut the
    // connection so the client cannot mistake a truncated body for a complete one.
    if (this.responseHeaders !== null && isEventStream(this.responseHeaders)) {
      res.end(`\n\n${request.errors.renderStreamError(clarionError)}`);
    } else {
      res.destroy(clarionError);
    }
    this.finish({ status: upstreamStatus ?? 502, upstreamStatus, upstreamMs, errorCode: clarionError.code, failure, streamed: true, retry: null });
  }

  private finishDropped(cause: RetryCause): void {
    const upstreamMs = performance.now() - this.started;
    this.finish({
      status: this.upstreamStatus ?? 502,
      upstreamStatus: this.upstreamStatus,
      upstreamMs,
      errorCode: null,
      failure: null,
      streamed: false,
      retry: cause,
    });
  }

  private finish(outcome: Omit<ForwardResult, 'observed'>): void {
    if (this.settled) return;
    this.settled = true;
    const result: ForwardResult = { ...outcome, observed: this.observer?.end() ?? null };
    const { res } = this.request;
    res.removeListener('close', this.onClientClose);
    res.removeListener('drain', this.onDrain);
    this.settle(result);
  }
}

function headerText(value: string | string[] | undefined): string {
  return typeof value === 'string' ? value : Array.isArray(value) ? value.join(', ') : '';
}

function describeTimeout(code: string): string {
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return 'connect timeout';
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return 'no response headers within the first-byte timeout';
  return 'no data within the idle timeout';
}
