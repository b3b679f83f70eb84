/**
 * Reading append-only JSONL files (file-store segments, spool files) with byte offsets, so a
 * reader can resume exactly where it stopped. A last line without its newline is not returned:
 * it is either still being written or was torn by a crash.
 */
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

export interface Line {
  text: string;
  /** Byte offset just past this line's newline. */
  end: number;
}

const NEWLINE = 0x0a;

export async function* readLines(path: string, start = 0, end?: number): AsyncGenerator<Line> {
  if (end !== undefined && end <= start) return;
  const stream = createReadStream(path, end === undefined ? { start } : { start, end: end - 1 });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let offset = start;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let from = 0;
      for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, from)) {
        const piece = chunk.subarray(from, i);
        const bytes = pendingBytes + piece.length + 1;
        const text = pending.length === 0 ? piece.toString('utf8') : Buffer.concat([...pending, piece]).toString('utf8');
        pending = [];
        pendingBytes = 0;
        offset += bytes;
        from = i + 1;
        if (text.length > 0) yield { text, end: offset };
      }
      if (from < chunk.length) {
        pending.push(chunk.subarray(from));
        pendingBytes += chunk.length - from;
      }
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  } finally {
    stream.destroy();
  }
}

/** Parses one stored JSON line, or null when it is not JSON (a torn write). */
export function parseJsonLine(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/**
 * Whether appending to `path` must start with a newline: the file exists and its last byte is
 * not one (a crash tore the last write). Without it the next record would be glued to the torn one.
 */
export async function endsMidLine(path: string): Promise<boolean> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    const { size } = await handle.stat();
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] !== NEWLINE;
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}
