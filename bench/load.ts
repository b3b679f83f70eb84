/**
 * A small closed-loop load generator on undici: `concurrency` workers each send the next request
 * as soon as their previous one finished, until `count` requests are done. Records per-request
 * latency, and for streamed replies the time to the first body chunk.
 */
import { Pool } from 'undici';

export interface LoadResult {
  count: number;
  errors: number;
  seconds: number;
  throughput: number;
  latencyMs: number[];
  firstChunkMs: number[];
}

export interface LoadOptions {
  origin: string;
  path: string;
  body: string;
  headers?: Record<string, string>;
  concurrency: number;
  count: number;
}

const pools = new Map<string, Pool>();

function poolFor(origin: string): Pool {
  let pool = pools.get(origin);
  if (pool === undefined) {
    pool = new Pool(origin, { connections: 128, pipelining: 1 });
    pools.set(origin, pool);
  }
  return pool;
}

export async function closePools(): Promise<void> {
  await Promise.all([...pools.values()].map((p) => p.close()));
  pools.clear();
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const pool = poolFor(options.origin);
  const headers = { 'content-type': 'application/json', authorization: 'Bearer sk-bench', ...options.headers };
  const latencyMs: number[] = [];
  const firstChunkMs: number[] = [];
  let errors = 0;
  let issued = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (issued < options.count) {
      issued++;
      const t0 = performance.now();
      try {
        const res = await pool.request({ path: options.path, method: 'POST', headers, body: options.body });
        let first = true;
        for await (const _chunk of res.body) {
          if (first) {
            firstChunkMs.push(performance.now() - t0);
            first = false;
          }
        }
        if (res.statusCode !== 200) errors++;
      } catch {
        errors++;
      }
      latencyMs.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, () => worker()));
  const seconds = (performance.now() - started) / 1000;
  return { count: options.count, errors, seconds, throughput: options.count / seconds, latencyMs, firstChunkMs };
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}
