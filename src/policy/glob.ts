/**
 * Globs as the policy and the routing rules write them: `*` any run of characters, `?` exactly
 * one, everything else literal, case-insensitive. Matched without a regex: the pattern is split
 * at its stars and each piece is found leftmost in turn, which is correct for star-separated
 * pieces and costs at most (value length x pattern length) — never the exponential backtracking
 * a `.*a.*b.*` regex does on a long value that almost matches.
 */

export type GlobMatcher = (value: string) => boolean;

/** True when `piece` (which may hold `?`) matches `value` at `at`. */
function pieceAt(value: string, at: number, piece: string): boolean {
  for (let i = 0; i < piece.length; i++) {
    const p = piece.charCodeAt(i);
    if (p !== 0x3f && p !== value.charCodeAt(at + i)) return false;
  }
  return true;
}

/** Leftmost position >= `from` where `piece` matches and ends by `end`, or -1. */
function findPiece(value: string, piece: string, from: number, end: number): number {
  if (!piece.includes('?')) {
    const at = value.indexOf(piece, from);
    return at !== -1 && at + piece.length <= end ? at : -1;
  }
  for (let at = from; at + piece.length <= end; at++) if (pieceAt(value, at, piece)) return at;
  return -1;
}

export function compileGlob(glob: string): GlobMatcher {
  const pieces = glob.toLowerCase().split('*');
  const first = pieces[0] ?? '';
  if (pieces.length === 1) {
    return (raw) => {
      const value = raw.toLowerCase();
      return value.length === first.length && pieceAt(value, 0, first);
    };
  }
  const last = pieces[pieces.length - 1] ?? '';
  const middle = pieces.slice(1, -1).filter((piece) => piece !== '');
  const fixed = first.length + last.length;
  return (raw) => {
    const value = raw.toLowerCase();
    if (value.length < fixed) return false;
    if (!pieceAt(value, 0, first)) return false;
    const end = value.length - last.length;
    if (!pieceAt(value, end, last)) return false;
    let at = first.length;
    for (const piece of middle) {
      const found = findPiece(value, piece, at, end);
      if (found === -1) return false;
      at = found + piece.length;
    }
    return true;
  };
}

/** A matcher true when any of `globs` matches. */
export function compileGlobs(globs: string | readonly string[]): GlobMatcher {
  const matchers = (typeof globs === 'string' ? [globs] : globs).map(compileGlob);
  if (matchers.length === 1) return matchers[0] as GlobMatcher;
  return (value) => {
    for (const matcher of matchers) if (matcher(value)) return true;
    return false;
  };
}
