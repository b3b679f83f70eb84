/** Runs `clarion` commands in process, with captured output (no child process, no tsx start-up per call). */
import { Readable, Writable } from 'node:stream';
import type { CliIo } from '../../src/cli/framework/io.js';
import { runCli } from '../../src/cli/main.js';

export class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Text on stdin. */
  input?: string;
}

/** `clarion <argv>` in this process: exit code and what it printed. */
export async function clarion(argv: string[], options: CliRunOptions = {}): Promise<CliResult> {
  const stdout = new Capture();
  const stderr = new Capture();
  const io: CliIo = {
    stdout,
    stderr,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    stdin: Readable.from(options.input === undefined ? [] : [options.input]),
  };
  const code = await runCli(argv, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** The lines of `--json` output, each parsed (fails the test when one is not a JSON object). */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const value: unknown = JSON.parse(line);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`not a JSON object: ${line}`);
      return value as Record<string, unknown>;
    });
}
