/**
 * Modes of the files Clarion writes to disk (events, labels, reviews, the spool): they hold
 * request excerpts, so only Clarion's own user may read them, whatever the umask.
 */
export const PRIVATE_FILE = { mode: 0o600 } as const;
export const PRIVATE_DIR = { recursive: true, mode: 0o700 } as const;
