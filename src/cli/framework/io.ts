/** Where a command reads and writes: the process's streams in the `clarion` binary, captures in tests. */
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  /** Input of `score --jsonl` and `--request -` (default: the process's stdin). */
  stdin?: Readable;
  env: NodeJS.ProcessEnv;
  /** Relative paths in arguments are resolved against it. */
  cwd: string;
  /** Stops a command that runs until interrupted (`events tail`); without it, the command wires SIGINT itself. */
  signal?: AbortSignal;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
}

/** Writes, waiting for the stream to drain when its buffer is full (a large export into a slow pipe). */
export async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

/** One `--json` record: a JSON object on one line. */
export function jsonLine(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
