/**
 * The feedback capability. Event ids are sortable and partly sequential, so knowing one says a lot
 * about its neighbours: an id alone must not let anyone label an event. The `x-clarion-event-id`
 * header an app receives is `<event id>.<mac>`, where mac is HMAC-SHA256(key, id) cut to 128 bits
 * (base64url); the feedback endpoint accepts only that full token. Analysts (CLI, console) use the
 * bare id: they are already trusted by the store they read.
 *
 * The key: `events.feedback.secret` (or CLARION_FEEDBACK_SECRET) when set — required for several
 * instances behind one load balancer, so that any instance accepts any instance's tokens; else a
 * random key kept in `<dataDir>/feedback.key` (mode 0600), created on first use.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isEventId } from './id.js';

const MAC_BYTES = 16;
const SEPARATOR = '.';

export interface EventCapability {
  /** The token sent to the app for this event id. */
  token(id: string): string;
  /** The event id a token grants, or null when the token is malformed or forged (a bare id included). */
  verify(token: string): string | null;
}

export function eventCapability(key: Buffer): EventCapability {
  const mac = (id: string): Buffer => createHmac('sha256', key).update(id).digest().subarray(0, MAC_BYTES);
  return {
    token: (id) => `${id}${SEPARATOR}${mac(id).toString('base64url')}`,
    verify(token) {
      const at = token.indexOf(SEPARATOR);
      if (at < 0) return null;
      const id = token.slice(0, at);
      if (!isEventId(id)) return null;
      const given = Buffer.from(token.slice(at + 1), 'base64url');
      if (given.length !== MAC_BYTES) return null;
      return timingSafeEqual(given, mac(id)) ? id : null;
    },
  };
}

/** The event id of a header value or bare id (`ID.mac` -> `ID`): for trusted callers (CLI, console). */
export function bareEventId(value: string): string {
  const at = value.indexOf(SEPARATOR);
  return at < 0 ? value : value.slice(0, at);
}

/** The HMAC key: from the configured secret, else the data directory's key file (created when missing). */
export function capabilityKey(secret: string | undefined, dataDir: string): Buffer {
  if (secret !== undefined && secret !== '') return createHash('sha256').update(`clarion-feedback:${secret}`).digest();
  const file = join(dataDir, 'feedback.key');
  try {
    const hex = readFileSync(file, 'utf8').trim();
    if (/^[0-9a-f]{64}$/.test(hex)) return Buffer.from(hex, 'hex');
  } catch {
    // Not there yet: created below.
  }
  const key = randomBytes(32);
  try {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch {
    // Read-only or raced by another process: a process-local key still protects this instance's events.
    try {
      const hex = readFileSync(file, 'utf8').trim();
      if (/^[0-9a-f]{64}$/.test(hex)) return Buffer.from(hex, 'hex');
    } catch {
      // Unreadable: keep the process-local key.
    }
  }
  return key;
}
