/**
 * The spool: where events go when Redis is down or slow, so none is lost and memory stays bounded.
 *
 * Files in the spool directory:
 *   <instance>.jsonl              this instance's active spool (appended in batches, one event per line)
 *   <instance>.<ms>-<n>.replay    a spool file claimed for replay (renamed atomically, so only one replayer owns it)
 *   <file>.offset                 bytes of <file> already confirmed in Redis
 *
 * Replay reads a claimed file in order, writes each batch to Redis, then records the offset. A crash
 * between the write and the offset update replays that batch again; the Redis writer skips event ids
 * it already stored, so the stream still holds every event exactly once. A file is removed when done.
 * Spool files of other instances (restarted processes get new ids) are adopted once neither the file
 * nor its offset has changed for `orphanAfterMs`.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { appendWhole, parseJsonLine, readLines } from '../storage/lines.js';
import { ClarionEventSchema, type ClarionEvent } from './schema.js';
import { PRIVATE_DIR, PRIVATE_FILE } from '../storage/private-files.js';

const UNSAFE_NAME = /[^A-Za-z0-9_.-]/g;

export interface SpoolBatch {
  events: ClarionEvent[];
  /** The raw lines, so the writer does not serialise again. */
  lines: string[];
  /** Lines that were not valid events (torn by a crash mid-write); skipped. */
  corrupt: number;
  /** Records the batch as replayed. Call only after Redis confirmed every event. */
  commit(): Promise<void>;
}

interface ReplayCursor {
  path: string;
  offset: number;
}

export class Spool {
  readonly file: string;
  private readonly name: string;
  private pendingLines = 0;
  private claimSeq = 0;
  private cursor: ReplayCursor | null = null;
  /** Files whose lines are already counted in `pending`. */
  private readonly counted = new Set<string>();

  constructor(
    readonly dir: string,
    instanceId: string,
    private readonly orphanAfterMs: number,
  ) {
    this.name = instanceId.replace(UNSAFE_NAME, '_') || 'clarion';
    this.file = join(dir, `${this.name}.jsonl`);
    this.counted.add(this.file);
  }

  /** Events on disk waiting for replay (this instance's files and adopted ones). */
  get pending(): number {
    return this.pendingLines;
  }

  /** Creates the directory and counts what an earlier run of this instance (or dead instances) left. */
  async init(): Promise<void> {
    await mkdir(this.dir, PRIVATE_DIR);
    this.pendingLines += await countLines(this.file);
    for (const path of await this.candidates(true)) await this.count(path);
  }

  private async count(path: string): Promise<void> {
    if (this.counted.has(path)) return;
    this.counted.add(path);
    const offset = await readOffset(path);
    this.pendingLines += await countLines(path, offset);
  }

  /**
   * Appends serialized events (each ending in a newline) in one write. Throws on I/O errors, and
   * then none of them is in the file: a partial write (disk full) is cut back, and a torn tail left
   * by a crash is closed with a newline first, so a later record is never glued to it (appendWhole).
   */
  async append(text: string, events: number): Promise<void> {
    await appendWhole(this.file, text);
    this.pendingLines += events;
  }

  appendSync(text: string, events: number): void {
    mkdirSync(this.dir, PRIVATE_DIR);
    appendFileSync(this.file, text, PRIVATE_FILE);
    this.pendingLines += events;
  }

  /** Whether anything is waiting: this process's counter, or (cheaply) orphans found at start. */
  hasPending(): boolean {
    return this.pendingLines > 0 || this.cursor !== null;
  }

  /** Replay files of dead instances and unfinished replays, oldest first; `orphansOnly` skips this instance's active file. */
  private async candidates(orphansOnly: boolean): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const now = Date.now();
    const found: { path: string; mtime: number }[] = [];
    for (const name of names) {
      if (name.endsWith('.offset')) continue;
      if (!name.endsWith('.jsonl') && !name.endsWith('.replay')) continue;
      const path = join(this.dir, name);
      if (path === this.file) {
        if (!orphansOnly) found.push({ path, mtime: now });
        continue;
      }
      const own = name.startsWith(`${this.name}.`) && name.endsWith('.replay');
      const mtime = await lastTouched(path);
      if (mtime === null) continue;
      if (own || now - mtime >= this.orphanAfterMs) found.push({ path, mtime });
    }
    return found.sort((a, b) => a.mtime - b.mtime).map((f) => f.path);
  }

  /** Claims the next file for replay by renaming it to a name only this instance uses. */
  private async claim(): Promise<ReplayCursor | null> {
    for (const path of await this.candidates(false)) {
      if (path.startsWith(join(this.dir, `${this.name}.`)) && path.endsWith('.replay')) {
        return { path, offset: await readOffset(path) };
      }
      const claimed = join(this.dir, `${this.name}.${Date.now()}-${this.claimSeq++}.replay`);
      const wasCounted = this.counted.has(path);
      if (!wasCounted) await this.count(path);
      try {
        await rename(path, claimed);
        // An unfinished replay's offset moves with it.
        await rename(`${path}.offset`, `${claimed}.offset`).catch(() => undefined);
      } catch {
        continue; // another instance claimed it first
      }
      if (path !== this.file) this.counted.delete(path);
      this.counted.add(claimed);
      return { path: claimed, offset: await readOffset(claimed) };
    }
    return null;
  }

  /** The next batch to replay, in spool order, or null when the spool is empty. */
  async nextBatch(max: number): Promise<SpoolBatch | null> {
    for (;;) {
      if (this.cursor === null) this.cursor = await this.claim();
      const cursor = this.cursor;
      if (cursor === null) {
        this.pendingLines = 0;
        return null;
      }
      const events: ClarionEvent[] = [];
      const lines: string[] = [];
      let corrupt = 0;
      let end = cursor.offset;
      for await (const line of readLines(cursor.path, cursor.offset)) {
        end = line.end;
        const parsed = ClarionEventSchema.safeParse(parseJsonLine(line.text));
        if (parsed.success) {
          events.push(parsed.data);
          lines.push(line.text);
        } else corrupt++;
        if (events.length + corrupt >= max) break;
      }
      if (events.length === 0 && corrupt === 0) {
        await unlink(cursor.path).catch(() => undefined);
        await unlink(`${cursor.path}.offset`).catch(() => undefined);
        this.counted.delete(cursor.path);
        this.cursor = null;
        continue;
      }
      const replayed = events.length + corrupt;
      return {
        events,
        lines,
        corrupt,
        commit: async () => {
          cursor.offset = end;
          await writeFile(`${cursor.path}.offset`, String(end), PRIVATE_FILE);
          this.pendingLines = Math.max(0, this.pendingLines - replayed);
        },
      };
    }
  }
}

async function readOffset(path: string): Promise<number> {
  try {
    const value = Number((await readFile(`${path}.offset`, 'utf8')).trim());
    return Number.isSafeInteger(value) && value >= 0 ? value : 0;
  } catch {
    return 0;
  }
}

async function lastTouched(path: string): Promise<number | null> {
  try {
    const file = await stat(path);
    const offset = await stat(`${path}.offset`).catch(() => null);
    return Math.max(file.mtimeMs, offset?.mtimeMs ?? 0);
  } catch {
    return null;
  }
}

async function countLines(path: string, start = 0): Promise<number> {
  let n = 0;
  for await (const _ of readLines(path, start)) n++;
  return n;
}
