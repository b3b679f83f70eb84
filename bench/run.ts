/**
 * `npm run bench`: the proxy benchmark (plus the detector and event-writer sections).
 *
 * Starts the fake upstream, the bare fastify+undici pass-through (bench/bare-proxy.ts) and
 * Clarion (compiled, shipped policy active, events on) as separate processes — and a second
 * Clarion that records every request as an event, for the latency at concurrency 1 of a request
 * whose decision is recorded — then measures in
 * alternating rounds (direct, bare, clarion, direct, bare, ...) so drift hits all three alike:
 * non-streaming and streaming, at concurrency 1 and 64. Prints medians and ratios, then the RSS
 * growth of Clarion over BENCH_RSS_REQUESTS (default 100k) requests, after a settling phase of
 * half as many (V8 sizes its heap first; that growth is reported too).
 *
 * Environment: BENCH_ROUNDS (5), BENCH_RSS_REQUESTS (100000), BENCH_QUICK=1 (a smoke run),
 * REDIS_URL (events to Redis instead of the embedded store).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { ROOT, spawnNode, waitForOutput, writeServeConfig } from '../test/helpers/spawn.js';
import { freePort } from '../test/helpers/redis-server.js';
import { closePools, median, percentile, runLoad, type LoadResult } from './load.js';

const quick = process.env.BENCH_QUICK === '1';
const rounds = Number(process.env.BENCH_ROUNDS ?? (quick ? 2 : 5));
const rssRequests = Number(process.env.BENCH_RSS_REQUESTS ?? (quick ? 10_000 : 100_000));
const scale = quick ? 0.2 : 1;

/** Starts `node <args>` in the repository root and resolves once its stdout matches `ready`. */
async function start(name: string, args: string[], env: Record<string, string>, ready: RegExp): Promise<ChildProcess> {
  const proc = spawnNode(args, env, { stderr: 'inherit' });
  await waitForOutput(proc, ready, name);
  // The pipe keeps draining, but a 100k-request run's logs are not kept in the bench's memory.
  proc.stopCollecting();
  return proc.child;
}

/** CPU time (user + system) the process has used so far, in ms, from /proc (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match === null ? Number.NaN : Number(match[1]) / 1024;
}

const PROMPT =
  'Summarize the following release note in two sentences for a customer newsletter.\n\n' +
  'Version 4.2 adds offline mode to the mobile app: notes, checklists and attachments are now available without a connection and sync automatically when the device is back online. ' +
  'Conflicts are resolved per field, and the web editor shows who changed what. Exports to PDF now keep the original formatting.';

function chatBody(stream: boolean): string {
  return JSON.stringify({
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'You are a helpful assistant for a note-taking product.' },
      { role: 'user', content: PROMPT },
    ],
    stream,
    ...(stream ? { stream_options: { include_usage: true } } : {}),
  });
}

interface Target {
  name: 'direct' | 'bare' | 'clarion' | 'recording';
  /** The process serving this target, whose CPU time is charged to its requests. */
  pid: number;
  origin: string;
  path: string;
}

type Scenario = { label: string; stream: boolean; concurrency: number; count: number };

const SCENARIOS: Scenario[] = [
  { label: 'json c=1', stream: false, concurrency: 1, count: Math.round(400 * scale) },
  { label: 'json c=64', stream: false, concurrency: 64, count: Math.round(4000 * scale) },
  { label: 'sse c=1', stream: true, concurrency: 1, count: Math.round(300 * scale) },
  { label: 'sse c=64', stream: true, concurrency: 64, count: Math.round(3000 * scale) },
];

function fmt(value: number, digits = 3): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

async function main(): Promise<void> {
  const children: ChildProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'clarion-bench-'));
  try {
    const upstreamPort = await freePort();
    const upstream = await start('fake upstream', ['--import', 'tsx', 'bench/upstream-process.ts'], { PORT: String(upstreamPort) }, /LISTENING/);
    children.push(upstream);
    const upstreamOrigin = `http://127.0.0.1:${upstreamPort}`;

    const barePort = await freePort();
    const bare = await start(
      'bare pass-through',
      ['--import', 'tsx', 'bench/bare-proxy.ts'],
      { PORT: String(barePort), UPSTREAM_ORIGIN: upstreamOrigin },
      /LISTENING/,
    );
    children.push(bare);

    const clarionPort = await freePort();
    const configFile = join(dir, 'clarion.yaml');
    writeServeConfig(configFile, {
      upstreams: [`{ name: fake, api: openai, baseUrl: "${upstreamOrigin}/v1" }`, `{ name: fake-anthropic, api: anthropic, baseUrl: "${upstreamOrigin}" }`],
      policy: `{ file: "${join(ROOT, 'config', 'policy.yaml')}", watch: false }`,
      dataDir: join(dir, 'data'),
    });
    const clarion = await start('clarion', ['dist/cli.js', 'serve'], { PORT: String(clarionPort), CLARION_CONFIG: configFile }, /clarion listening/);
    children.push(clarion);
    // The same, recording every request as an event (the bench's request is a clear pass, of which
    // only 1% are recorded by default; a non-pass decision, or a pass above the score floor, is
    // always recorded): what a load generator sees when its request is one of those.
    const recordingPort = await freePort();
    const recordingConfig = join(dir, 'clarion-recording.yaml');
    writeServeConfig(recordingConfig, {
      upstreams: [`{ name: fake, api: openai, baseUrl: "${upstreamOrigin}/v1" }`],
      policy: `{ file: "${join(ROOT, 'config', 'policy.yaml')}", watch: false }`,
      dataDir: join(dir, 'data-recording'),
      extra: ['events: { record: { passSampleRate: 1 } }'],
    });
    const recording = await start(
      'clarion (every request recorded)',
      ['dist/cli.js', 'serve'],
      { PORT: String(recordingPort), CLARION_CONFIG: recordingConfig },
      /clarion listening/,
    );
    children.push(recording);

    const targets: Target[] = [
      { name: 'direct', pid: upstream.pid as number, origin: upstreamOrigin, path: '/v1/chat/completions' },
      { name: 'bare', pid: bare.pid as number, origin: `http://127.0.0.1:${barePort}`, path: '/v1/chat/completions' },
      { name: 'clarion', pid: clarion.pid as number, origin: `http://127.0.0.1:${clarionPort}`, path: '/v1/chat/completions' },
      { name: 'recording', pid: recording.pid as number, origin: `http://127.0.0.1:${recordingPort}`, path: '/v1/chat/completions' },
    ];

    // Warm up every path (JIT, connection pools).
    for (const target of targets) {
      for (const stream of [false, true]) {
        await runLoad({ origin: target.origin, path: target.path, body: chatBody(stream), concurrency: 16, count: Math.round(2000 * scale) });
      }
    }

    const results = new Map<string, LoadResult[]>();
    // CPU time each serving process spent per request, summed over the rounds: what a proxy costs
    // in cores, independent of how busy the machine is (latency and throughput are not).
    const cpu = new Map<string, { ms: number; requests: number }>();
    for (let round = 0; round < rounds; round++) {
      for (const scenario of SCENARIOS) {
        // Every request recorded: measured at concurrency 1 (latency), where its cost shows.
        for (const target of targets.filter((t) => t.name !== 'recording' || scenario.concurrency === 1)) {
          const cpuBefore = cpuMs(target.pid);
          const result = await runLoad({
            origin: target.origin,
            path: target.path,
            body: chatBody(scenario.stream),
            concurrency: scenario.concurrency,
            count: scenario.count,
          });
          if (result.errors > 0) throw new Error(`${target.name} ${scenario.label}: ${result.errors} failed requests`);
          const key = `${scenario.label}|${target.name}`;
          results.set(key, [...(results.get(key) ?? []), result]);
          const spent = cpu.get(key) ?? { ms: 0, requests: 0 };
          cpu.set(key, { ms: spent.ms + cpuMs(target.pid) - cpuBefore, requests: spent.requests + result.count });
        }
      }
      process.stderr.write(`round ${round + 1}/${rounds} done\n`);
    }

    const lat = (label: string, target: string): number => median((results.get(`${label}|${target}`) ?? []).flatMap((r) => r.latencyMs));
    const p99 = (label: string, target: string): number =>
      percentile(
        (results.get(`${label}|${target}`) ?? []).flatMap((r) => r.latencyMs),
        99,
      );
    const ttft = (label: string, target: string): number => median((results.get(`${label}|${target}`) ?? []).flatMap((r) => r.firstChunkMs));
    const cpuUs = (label: string, target: string): number => {
      const spent = cpu.get(`${label}|${target}`);
      return spent === undefined || spent.requests === 0 ? Number.NaN : (1000 * spent.ms) / spent.requests;
    };
    const rps = (label: string, target: string): number => median((results.get(`${label}|${target}`) ?? []).map((r) => r.throughput));

    const lines: string[] = [];
    lines.push(`Clarion benchmark — node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'cpu'}), ${rounds} alternating rounds`);
    lines.push('');
    lines.push('| scenario | metric | direct | bare pass-through | clarion | clarion / bare | clarion - bare |');
    lines.push('|---|---|---|---|---|---|---|');
    for (const scenario of SCENARIOS) {
      const { label } = scenario;
      if (scenario.concurrency === 1) {
        lines.push(
          `| ${label} | median latency ms | ${fmt(lat(label, 'direct'))} | ${fmt(lat(label, 'bare'))} | ${fmt(lat(label, 'clarion'))} | ${fmt(lat(label, 'clarion') / lat(label, 'bare'), 2)} | ${fmt(lat(label, 'clarion') - lat(label, 'bare'))} ms |`,
        );
        lines.push(
          `| ${label} | p99 latency ms | ${fmt(p99(label, 'direct'))} | ${fmt(p99(label, 'bare'))} | ${fmt(p99(label, 'clarion'))} | ${fmt(p99(label, 'clarion') / p99(label, 'bare'), 2)} | ${fmt(p99(label, 'clarion') - p99(label, 'bare'))} ms |`,
        );
        lines.push(
          `| ${label}, every request recorded | median latency ms | | ${fmt(lat(label, 'bare'))} | ${fmt(lat(label, 'recording'))} | ${fmt(lat(label, 'recording') / lat(label, 'bare'), 2)} | ${fmt(lat(label, 'recording') - lat(label, 'bare'))} ms |`,
        );
        if (scenario.stream) {
          lines.push(
            `| ${label} | median first chunk ms | ${fmt(ttft(label, 'direct'))} | ${fmt(ttft(label, 'bare'))} | ${fmt(ttft(label, 'clarion'))} | ${fmt(ttft(label, 'clarion') / ttft(label, 'bare'), 2)} | ${fmt(ttft(label, 'clarion') - ttft(label, 'bare'))} ms |`,
          );
        }
      } else {
        lines.push(
          `| ${label} | throughput req/s | ${fmt(rps(label, 'direct'), 0)} | ${fmt(rps(label, 'bare'), 0)} | ${fmt(rps(label, 'clarion'), 0)} | ${fmt(rps(label, 'clarion') / rps(label, 'bare'), 2)} | |`,
        );
        lines.push(
          `| ${label} | CPU µs per request | ${fmt(cpuUs(label, 'direct'), 1)} | ${fmt(cpuUs(label, 'bare'), 1)} | ${fmt(cpuUs(label, 'clarion'), 1)} | ${fmt(cpuUs(label, 'clarion') / cpuUs(label, 'bare'), 2)} | ${fmt(cpuUs(label, 'clarion') - cpuUs(label, 'bare'), 1)} µs |`,
        );
        lines.push(
          `| ${label} | median latency ms | ${fmt(lat(label, 'direct'))} | ${fmt(lat(label, 'bare'))} | ${fmt(lat(label, 'clarion'))} | ${fmt(lat(label, 'clarion') / lat(label, 'bare'), 2)} | ${fmt(lat(label, 'clarion') - lat(label, 'bare'))} ms |`,
        );
      }
    }
    lines.push('');
    const jsonC64 = rps('json c=64', 'clarion') / rps('json c=64', 'bare');
    const sseC64 = rps('sse c=64', 'clarion') / rps('sse c=64', 'bare');
    const added = lat('json c=1', 'clarion') - lat('json c=1', 'bare');
    const firstToken = ttft('sse c=1', 'clarion') - ttft('sse c=1', 'bare');
    const cpuJson = cpuUs('json c=64', 'clarion') / cpuUs('json c=64', 'bare');
    const cpuSse = cpuUs('sse c=64', 'clarion') / cpuUs('sse c=64', 'bare');
    lines.push('Targets:');
    lines.push(
      `- CPU per request at c=64 <= 1.3 x bare: json ${fmt(cpuJson, 2)}, sse ${fmt(cpuSse, 2)} -> ${cpuJson <= 1.3 && cpuSse <= 1.3 ? 'met' : 'MISSED'}`,
    );
    lines.push(
      `- throughput at c=64 >= 0.85 x bare: json ${fmt(jsonC64, 2)}, sse ${fmt(sseC64, 2)} -> ${jsonC64 >= 0.85 && sseC64 >= 0.85 ? 'met' : 'MISSED'}`,
    );
    lines.push(`- added median latency at c=1 <= 0.25 ms: ${fmt(added)} ms -> ${added <= 0.25 ? 'met' : 'MISSED'}`);
    const addedRecorded = lat('json c=1', 'recording') - lat('json c=1', 'bare');
    lines.push(`  with every request recorded as an event: ${fmt(addedRecorded)} ms -> ${addedRecorded <= 0.25 ? 'met' : 'MISSED'}`);
    lines.push(`- streamed first chunk <= bare + 0.3 ms: ${fmt(firstToken)} ms -> ${firstToken <= 0.3 ? 'met' : 'MISSED'}`);
    process.stdout.write(`${lines.join('\n')}\n`);

    // Memory. V8 grows its young generation (up to ~48 MB) during the first tens of thousands of
    // requests under concurrency; that is heap sizing, not a leak. So a settling phase runs first
    // (and is reported), then the leak check: RSS growth over BENCH_RSS_REQUESTS more requests.
    const pid = clarion.pid as number;
    const drive = async (count: number, samples: number[]): Promise<void> => {
      let done = 0;
      while (done < count) {
        const batch = Math.min(10_000, count - done);
        const stream = Math.floor(done / 10_000) % 2 === 1;
        const result = await runLoad({ origin: targets[2]!.origin, path: '/v1/chat/completions', body: chatBody(stream), concurrency: 64, count: batch });
        if (result.errors > 0) throw new Error(`RSS run: ${result.errors} failed requests`);
        done += batch;
        samples.push(rssMb(pid));
      }
    };
    const rssStart = rssMb(pid);
    const settling: number[] = [];
    await drive(Math.round(rssRequests / 2), settling);
    const before = rssMb(pid);
    const measured: number[] = [];
    await drive(rssRequests, measured);
    const after = rssMb(pid);
    process.stdout.write(
      `\nRSS of clarion (half the requests streamed): ${fmt(rssStart, 1)} MB after the timed rounds; ${fmt(before, 1)} MB after ${Math.round(rssRequests / 2)} settling requests\n`,
    );
    process.stdout.write(
      `RSS over the next ${rssRequests} requests: ${fmt(before, 1)} MB -> ${fmt(after, 1)} MB (samples every 10k: ${measured.map((v) => v.toFixed(0)).join(', ')}), growth ${fmt(after - before, 1)} MB (target < 30 MB) -> ${after - before < 30 ? 'met' : 'MISSED'}\n`,
    );
  } finally {
    await closePools();
    for (const child of children) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }

  process.stdout.write('\n== detector ==\n');
  try {
    const { benchDetector } = await import('./detector.js');
    await benchDetector(); // prints its own table
  } catch (error) {
    process.stdout.write(`detector bench failed: ${(error as Error).message}\n`);
  }
  process.stdout.write('\n== event writer ==\n');
  try {
    const { benchEvents } = await import('./events.js');
    const r = await benchEvents();
    process.stdout.write(
      [
        `Redis: ${fmt(r.eventsPerSecond, 0)} events/s stored (${r.events} events in ${fmt(r.seconds, 2)} s), pipeline depth avg ${fmt(r.pipelineDepth, 0)} / max ${r.maxPipelineDepth}`,
        `file store: ${fmt(r.fileEventsPerSecond, 0)} events/s appended`,
        `record() on the request path: ${fmt(r.recordNanos, 0)} ns; event-loop delay p99 while writing flat out: ${fmt(r.loopDelayP99Ms, 1)} ms`,
      ].join('\n') + '\n',
    );
  } catch (error) {
    process.stdout.write(`event writer bench failed: ${(error as Error).message}\n`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
