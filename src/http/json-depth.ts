/**
 * How deep a JSON body nests, found in one pass over its bytes before anything parses it.
 * JSON.parse (and JSON.stringify on the way back out) cost more than linear time on deeply nested
 * input and throw beyond a few thousand levels, so a body nested millions deep would hold the
 * event loop for seconds; this scan costs one comparison per byte and stops at the limit.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/**
 * Whether `bytes` holds more than `limit` opening brackets (strings included): found with the
 * native indexOf, ~40x faster than the byte loop below. Nesting can never be deeper than that
 * count, so most bodies (a conversation of a few dozen turns) are cleared without the loop.
 */
function openersExceed(bytes: Uint8Array, limit: number): boolean {
  let count = 0;
  for (let i = bytes.indexOf(OPEN_OBJECT); i !== -1; i = bytes.indexOf(OPEN_OBJECT, i + 1)) if (++count > limit) return true;
  for (let i = bytes.indexOf(OPEN_ARRAY); i !== -1; i = bytes.indexOf(OPEN_ARRAY, i + 1)) if (++count > limit) return true;
  return false;
}

/** True when arrays and objects in `bytes` nest deeper than `maxDepth` (brackets inside strings do not count). */
export function jsonDepthExceeds(bytes: Uint8Array, maxDepth: number): boolean {
  if (!openersExceed(bytes, maxDepth)) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (++depth > maxDepth) return true;
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}
