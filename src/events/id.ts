/**
 * Event ids: 26 characters of Crockford base32, sortable by time and unique across instances
 * without coordination (ULID layout):
 *
 *   TTTTTTTTTT IIIIII CCCCCCCCCC
 *   48-bit ms  30-bit per-process random  50-bit counter (random start, +1 per id)
 *
 * Ids from one process sort in creation order (the time never goes backwards and the counter
 * only grows); ids from different processes sort by millisecond. Two processes collide only if
 * they draw the same 30-bit instance entropy AND overlapping counter ranges in the same ms.
 */
import { randomInt } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const DECODE = new Map<string, number>([...ALPHABET].map((c, i) => [c, i]));
export const EVENT_ID_LENGTH = 26;
const ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

function encode(value: number, length: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < length; i++) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

export interface IdGenerator {
  (): string;
}

/** A generator with its own instance entropy and counter (one per event log). */
export function createIdGenerator(now: () => number = Date.now): IdGenerator {
  const instance = encode(randomInt(0, 2 ** 30), 6);
  // Start low enough in the 50-bit space that the counter cannot wrap in practice.
  let counter = randomInt(0, 2 ** 40);
  let lastMs = -1;
  let timePart = '';
  return () => {
    const ms = now();
    if (ms > lastMs) {
      lastMs = ms;
      timePart = encode(ms, 10);
    }
    counter++;
    return timePart + instance + encode(counter, 10);
  };
}

export function isEventId(value: string): boolean {
  return ID_PATTERN.test(value);
}

/** Epoch ms encoded in an event id, or null when it is not one. */
export function eventIdTime(id: string): number | null {
  if (!isEventId(id)) return null;
  let ms = 0;
  for (let i = 0; i < 10; i++) ms = ms * 32 + (DECODE.get(id[i] ?? '0') ?? 0);
  return ms;
}
