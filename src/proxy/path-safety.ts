/**
 * Paths Clarion refuses to forward. The proxy routes on the path as received, but upstreams (and
 * anything between) resolve dot-segments and often decode `%2e` and `%2f` first: a path Clarion
 * sees as pass-through could be served as a chat completion, unassessed, or climb out of the
 * upstream's base path with the server-side key. So a path segment that is `.` or `..` (as-is or
 * percent-encoded in any case), or that carries an encoded or literal backslash or an encoded
 * slash, is refused before routing. Legitimate API paths never contain one.
 */

const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;
const HIDDEN_SEPARATOR = /%2f|%5c|\\/i;

/** True when any `/`-separated segment of `path` (no query string) is unsafe to forward. */
export function hasUnsafeSegment(path: string): boolean {
  // Fast path: most paths contain neither a dot nor an escape nor a backslash.
  if (!path.includes('.') && !path.includes('%') && !path.includes('\\')) return false;
  for (const segment of path.split('/')) {
    if (HIDDEN_SEPARATOR.test(segment)) return true;
    if (segment.length <= 6 && DOT_SEGMENT.test(segment)) return true;
  }
  return false;
}
