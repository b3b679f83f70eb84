/**
 * pino JSON logs. Credentials are redacted by path as a second line of defence: the request log
 * line never includes headers in the first place.
 */
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["api-key"]',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["api-key"]',
  'req.headers.cookie',
  'authorization',
  '["x-api-key"]',
  'cookie',
];

/** Longest a log line waits in the buffer before it is written. */
const FLUSH_INTERVAL_MS = 250;

export function createLogger(level: string, destination?: DestinationStream): Logger {
  if (destination === undefined) {
    // Lines are batched into 4 KiB writes: one write per request line would cost a syscall each
    // on the hot path. A timer bounds how long a line can wait; exit paths call flush().
    const stdout = pino.destination({ fd: 1, sync: false, minLength: 4096 });
    setInterval(() => stdout.flush(), FLUSH_INTERVAL_MS).unref();
    destination = stdout;
  }
  return pino(
    {
      level,
      base: { service: 'clarion' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}
