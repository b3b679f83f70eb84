/**
 * The one log line per proxied request. It is written on every request, so it skips pino's
 * generic object serialiser: the fields are known, and only the strings a client controls
 * (request id, model) or that vary (route, upstream, error) go through JSON.stringify. The line is
 * pino-compatible (same `level`, `time`, base fields and `msg`) and goes to the logger's own
 * destination, so it is batched and ordered with every other log line. It never carries a header;
 * the identifiers a client chooses (request id, model, path) are hashed when they carry a
 * credential or an e-mail address (protectIdentifier).
 */
import { pino, type Logger } from 'pino';
import { protectIdentifier } from '../events/redact.js';
import type { TokenUsage } from '../protocols/observe.js';

export interface RequestLogLine {
  reqId: string;
  route: string;
  method?: string;
  model: string | undefined;
  upstream: string | null;
  status: number;
  action: string;
  shadow: boolean;
  score: number | undefined;
  eventId: string | null;
  error: string | null;
  totalMs: number;
  overheadMs: number;
  upstreamMs: number | undefined;
  /** Tokens the upstream reported (zeros when Clarion answered itself); absent when unknown. */
  usage?: TokenUsage | null;
}

export type RequestLog = (line: RequestLogLine) => void;

interface Destination {
  write(chunk: string): unknown;
}

function isDestination(value: unknown): value is Destination {
  return typeof value === 'object' && value !== null && typeof (value as { write?: unknown }).write === 'function';
}

const round3 = (value: number): number => Math.round(value * 1000) / 1000;

/** A writer for request lines, or a no-op when request logging is off or `info` is disabled. */
export function createRequestLog(logger: Logger, enabled: boolean): RequestLog {
  const destination: unknown = Reflect.get(logger, pino.symbols.streamSym);
  if (!enabled || !logger.isLevelEnabled('info')) return () => {};
  if (!isDestination(destination)) {
    // Not a pino logger with a plain destination (e.g. a transport): use the generic path.
    return ({ usage, ...line }) => {
      const rest = {
        ...line,
        reqId: protectIdentifier(line.reqId),
        route: protectIdentifier(line.route),
        model: line.model === undefined ? undefined : protectIdentifier(line.model),
      };
      logger.info(
        usage === undefined || usage === null
          ? rest
          : { ...rest, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, cachedInputTokens: usage.cachedInputTokens },
        'request',
      );
    };
  }
  const level = logger.levels.values.info ?? 30;
  // The base bindings (`"service":"clarion"`, ...) exactly as pino renders them.
  const chindings: unknown = Reflect.get(logger, pino.symbols.chindingsSym);
  const bindings = typeof chindings === 'string' ? chindings : '';
  // Many lines share a millisecond under load: the ISO time string is built once per millisecond.
  let lastMs = -1;
  let lastTime = '';
  return (line) => {
    const now = Date.now();
    if (now !== lastMs) {
      lastMs = now;
      lastTime = new Date(now).toISOString();
    }
    let out = `{"level":${level},"time":"${lastTime}"${bindings},"reqId":${JSON.stringify(protectIdentifier(line.reqId))},"route":${JSON.stringify(protectIdentifier(line.route))}`;
    if (line.method !== undefined) out += `,"method":${JSON.stringify(line.method)}`;
    if (line.model !== undefined) out += `,"model":${JSON.stringify(protectIdentifier(line.model))}`;
    out += `,"upstream":${line.upstream === null ? 'null' : JSON.stringify(line.upstream)},"status":${line.status},"action":"${line.action}","shadow":${line.shadow}`;
    if (line.score !== undefined) out += `,"score":${line.score}`;
    if (line.eventId !== null) out += `,"eventId":"${line.eventId}"`;
    if (line.error !== null) out += `,"error":${JSON.stringify(line.error)}`;
    out += `,"totalMs":${round3(line.totalMs)},"overheadMs":${round3(line.overheadMs)}`;
    if (line.upstreamMs !== undefined) out += `,"upstreamMs":${round3(line.upstreamMs)}`;
    const usage = line.usage;
    if (usage !== undefined && usage !== null) {
      out += `,"inputTokens":${usage.inputTokens},"outputTokens":${usage.outputTokens},"cachedInputTokens":${usage.cachedInputTokens}`;
    }
    destination.write(`${out},"msg":"request"}\n`);
  };
}
