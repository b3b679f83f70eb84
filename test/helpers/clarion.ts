/**
 * Starts a real Clarion server (in process, on a free port) in front of a fake upstream, with a
 * policy and config of the test's choosing and the logs captured for inspection.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseConfig, type LoadedConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/ops/logger.js';
import { buildServer, type ClarionServer } from '../../src/server.js';
import type { FakeUpstream } from '../fixtures/fake-upstream.js';
import type { Detector } from '../../src/detect/index.js';

export const PASS_POLICY = 'version: test-pass\nnorms: []\n';

export interface StartOptions {
  upstream: FakeUpstream;
  /** Policy YAML (default: pass everything). */
  policy?: string;
  /** Extra top-level YAML appended to the generated config (sections not generated here). */
  extraConfig?: string;
  /** YAML for the `server` section's extra fields, e.g. `bodyLimitBytes: 1000`. */
  serverConfig?: string;
  /** YAML lines for the first (openai) upstream's extra fields, e.g. `timeouts: { firstByteMs: 200 }`. */
  openaiUpstreamExtra?: string;
  /** More upstreams, as YAML list items (`- name: judge` ...), after `openai` and `anthropic`. */
  moreUpstreams?: string;
  env?: NodeJS.ProcessEnv;
  detector?: Detector;
}

export interface RunningClarion {
  url: string;
  /** `${url}/v1` for the OpenAI SDK. */
  openaiBaseUrl: string;
  server: ClarionServer;
  dir: string;
  policyFile: string;
  logs: Array<Record<string, unknown>>;
  rawLogs: string[];
  close(graceMs?: number): Promise<void>;
}

export function writeConfig(dir: string, options: StartOptions): LoadedConfig {
  const policyFile = join(dir, 'policy.yaml');
  writeFileSync(policyFile, options.policy ?? PASS_POLICY);
  const text = [
    'server:',
    '  host: 127.0.0.1',
    '  port: 0',
    ...(options.serverConfig === undefined ? [] : options.serverConfig.split('\n').map((l) => `  ${l}`)),
    'upstreams:',
    '  - name: openai',
    '    api: openai',
    `    baseUrl: ${options.upstream.openaiBaseUrl}`,
    ...(options.openaiUpstreamExtra === undefined ? [] : options.openaiUpstreamExtra.split('\n').map((l) => `    ${l}`)),
    '  - name: anthropic',
    '    api: anthropic',
    `    baseUrl: ${options.upstream.anthropicBaseUrl}`,
    ...(options.moreUpstreams === undefined ? [] : options.moreUpstreams.split('\n').map((l) => `  ${l}`)),
    'policy:',
    '  file: policy.yaml',
    '  watch: true',
    'storage:',
    `  dataDir: ${join(dir, 'data')}`,
    options.extraConfig ?? '',
  ].join('\n');
  const file = join(dir, 'clarion.yaml');
  writeFileSync(file, text);
  return { config: parseConfig(text, file, options.env ?? {}), file, dir };
}

export async function startClarion(options: StartOptions): Promise<RunningClarion> {
  const dir = mkdtempSync(join(tmpdir(), 'clarion-test-'));
  const loaded = writeConfig(dir, options);
  const rawLogs: string[] = [];
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line === '') continue;
        rawLogs.push(line);
        try {
          logs.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // not JSON: kept in rawLogs only
        }
      }
      callback();
    },
  });
  const server = await buildServer(loaded, {
    logger: createLogger('info', sink),
    dataDir: join(dir, 'data'),
    ...(options.detector === undefined ? {} : { detector: options.detector }),
    env: options.env ?? {},
  });
  const url = await server.listen();
  return {
    url,
    openaiBaseUrl: `${url}/v1`,
    server,
    dir,
    policyFile: join(dir, 'policy.yaml'),
    logs,
    rawLogs,
    async close(graceMs = 2_000) {
      await server.close(graceMs);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
