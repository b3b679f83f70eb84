/**
 * One keep-alive connection pool per configured upstream (undici). Timeouts come from the
 * upstream's config: connect, first byte (headers) and idle (between body chunks).
 */
import { Pool } from 'undici';
import type { UpstreamConfig } from '../config/schema.js';

export interface Upstream {
  readonly config: UpstreamConfig;
  readonly pool: Pool;
  /** Path part of the base URL without a trailing slash (`/v1`, `/api/openai/v1`, or ``). */
  readonly basePath: string;
}

export interface Upstreams {
  get(name: string): Upstream | undefined;
  close(): Promise<void>;
}

export function createUpstreams(configs: readonly UpstreamConfig[]): Upstreams {
  const byName = new Map<string, Upstream>();
  for (const config of configs) {
    const url = new URL(config.baseUrl);
    const pool = new Pool(url.origin, {
      connections: config.connections,
      connect: { timeout: config.timeouts.connectMs },
      headersTimeout: config.timeouts.firstByteMs,
      bodyTimeout: config.timeouts.idleMs,
      keepAliveTimeout: 30_000,
      pipelining: 1,
    });
    byName.set(config.name, { config, pool, basePath: url.pathname.replace(/\/+$/, '') });
  }
  return {
    get: (name) => byName.get(name),
    async close() {
      await Promise.all([...byName.values()].map((u) => u.pool.close().catch(() => u.pool.destroy())));
    },
  };
}
