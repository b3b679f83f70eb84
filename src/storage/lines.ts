/**
 * Reading append-only JSONL files (file-store segments, spool files) with byte offsets, so a
 * reader can resume exactly where it stopped. A last line without its newline is not returned:
 * it is either still being written or was torn by a crash.
 */
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { PRIVATE_FILE } from './private-files.js';

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
 * Appends `text` to `path` (created 0600) in one write and returns the byte offset where `text`
 * starts. Never leaves a torn line behind:
 * - a file whose last byte is not a newline (a crash, or an earlier failed write that could not be
 *   cut back) gets one first, so the new records are not glued to the torn one (which readers then
 *   skip as one unparseable line);
 * - a write that fails part-way (ENOSPC, EIO...) is cut back to the size the file had before, and
 *   the error is thrown: the caller knows none of `text` is stored.
 * ENOENT (the directory is missing) is thrown as it is.
 */
export async function appendWhole(path: string, text: string): Promise<number> {
  const handle = await open(path, 'a+', PRIVATE_FILE.mode);
  try {
    const { size } = await handle.stat();
    const body = Buffer.from(text, 'utf8');
    let data = body;
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== NEWLINE) data = Buffer.concat([NEWLINE_BYTE, body]);
    }
    try {
      await handle.appendFile(data);
    } catch (error) {
      // Cut the partial write back; if even that fails, the next append's tail check repairs it.
      await handle.truncate(size).catch(() => undefined);
      throw error;
    }
    return size + data.length - body.length;
  } finally {
    await handle.close();
  }
}

const NEWLINE_BYTE = Buffer.from([NEWLINE]);

export interface LineBefore {
  text: string;
  /** Byte offset where this line starts: pass it as `end` to read on from the line before it. */
  start: number;
}

const BACKWARD_CHUNK = 64 * 1024;

/**
 * The lines of `path` that end before byte `end` (default: the file's size), last first, reading
 * the file backwards a chunk at a time: a newest-first reader touches only what it returns. A
 * last line without its newline (still being written, or torn) is skipped, as `readLines` does.
 */
export async function* readLinesBackward(path: string, end?: number): AsyncGenerator<LineBefore> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    let position = Math.min(end ?? Infinity, (await handle.stat()).size);
    // Bytes after the last newline seen so far (the tail of a line whose start is further back).
    let carry: Buffer = Buffer.alloc(0);
    let complete = false;
    while (position > 0) {
      const size = Math.min(BACKWARD_CHUNK, position);
      const chunk = Buffer.alloc(size);
      position -= size;
      const { bytesRead } = await handle.read(chunk, 0, size, position);
      const buffer: Buffer = carry.length === 0 ? chunk.subarray(0, bytesRead) : Buffer.concat([chunk.subarray(0, bytesRead), carry]);
      let lineEnd = buffer.length;
      for (let i = buffer.lastIndexOf(NEWLINE, lineEnd - 1); i !== -1; i = i === 0 ? -1 : buffer.lastIndexOf(NEWLINE, i - 1)) {
        // The piece after the file's last newline has none of its own: skip it.
        if (complete && lineEnd > i + 1) yield { text: buffer.toString('utf8', i + 1, lineEnd), start: position + i + 1 };
        complete = true;
        lineEnd = i;
      }
      carry = buffer.subarray(0, lineEnd);
    }
    if (complete && carry.length > 0) yield { text: carry.toString('utf8'), start: 0 };
  } finally {
    await handle.close();
  }
}
