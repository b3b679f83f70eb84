/**
 * Real child processes for tests and the bench: `clarion serve` (or any node script) started from
 * the repository root, its output collected, and a wait until the output says it is ready.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');

/** Node arguments that run the CLI from source (tests); the bench runs the build, `dist/cli.js`. */
export const CLI_FROM_SOURCE = ['--import', 'tsx', 'src/cli.ts'];

/** The address in `clarion serve`'s "clarion listening" log line. */
export const LISTENING_ADDRESS = /"address":"(http:\/\/[^"]+)"/;

export interface NodeProcess {
  child: ChildProcess;
  /** What the process wrote so far (stdout, and stderr unless inherited). */
  output(): string;
  /** Stops keeping output (the pipes are still drained), for long runs that would pile it up. */
  stopCollecting(): void;
  /** The exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

export interface SpawnOptions {
  /** `inherit` shows the child's stderr on ours instead of collecting it. */
  stderr?: 'pipe' | 'inherit';
}

/** `node <args>` in the repository root, with `env` over ours. */
export function spawnNode(args: string[], env: NodeJS.ProcessEnv = {}, options: SpawnOptions = {}): NodeProcess {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', options.stderr ?? 'pipe'] });
  let out = '';
  let collecting = true;
  const onData = (chunk: Buffer): void => {
    if (collecting) out += chunk.toString();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  return { child, output: () => out, stopCollecting: () => (collecting = false), exited };
}

/**
 * Resolves with the first match of `ready` in the output; throws (naming `name` and quoting the
 * output's end) when the process exits first or `timeoutMs` passes.
 */
export async function waitForOutput(proc: NodeProcess, ready: RegExp, name: string, timeoutMs = 20_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = ready.exec(proc.output());
    if (match !== null) return match;
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
      throw new Error(`${name} exited early with ${proc.child.exitCode ?? proc.child.signalCode}: ${proc.output().slice(-500)}`);
    }
    if (Date.now() > deadline) throw new Error(`${name} did not start: ${proc.output().slice(-500)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** `clarion serve` from source with `configFile` on a free port; resolves once it logged its address. */
export async function spawnServe(configFile: string, env: NodeJS.ProcessEnv = {}): Promise<NodeProcess & { url: string }> {
  const proc = spawnNode([...CLI_FROM_SOURCE, 'serve'], { CLARION_CONFIG: configFile, PORT: '0', ...env });
  const match = await waitForOutput(proc, LISTENING_ADDRESS, 'clarion serve');
  return { ...proc, url: match[1] as string };
}

export interface ServeConfig {
  /** Further `server` fields in flow style, e.g. `shutdownGraceMs: 10000` (host is always 127.0.0.1). */
  server?: string;
  /** One flow-style mapping per upstream, e.g. `{ name: openai, api: openai, baseUrl: "…" }`. */
  upstreams: string[];
  /** The `policy` section in flow style, e.g. `{ file: policy.yaml }`. */
  policy: string;
  dataDir: string;
  /** Further top-level lines, e.g. a `redis:` section. */
  extra?: string[];
}

/** Writes a minimal config file for a `clarion serve` process. */
export function writeServeConfig(file: string, config: ServeConfig): void {
  const lines = [
    config.server === undefined ? 'server: { host: 127.0.0.1 }' : `server: { host: 127.0.0.1, ${config.server} }`,
    'upstreams:',
    ...config.upstreams.map((upstream) => `  - ${upstream}`),
    ...(config.extra ?? []),
    `policy: ${config.policy}`,
    `storage: { dataDir: "${config.dataDir}" }`,
    '',
  ];
  writeFileSync(file, lines.join('\n'));
}
