/**
 * The merged model list behind `GET /v1/models`: every configured upstream's list, fetched with
 * the credentials that upstream would get for this client, cached briefly per upstream and
 * credential, merged in config order (the first upstream naming a model keeps it). An upstream
 * that fails or times out is skipped and named in the result, never fails the whole list.
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Config, UpstreamConfig } from '../config/schema.js';
import { readModelList, type ModelEntry } from '../protocols/models.js';
import { upstreamRequestHeaders } from './headers.js';
import { upstreamPath } from './routing.js';
import type { Upstreams } from './upstreams.js';

export interface ModelListing {
  entries: ModelEntry[];
  /** `name (reason)` of each upstream left out. */
  skipped: string[];
}

export interface ModelCatalog {
  list(clientHeaders: IncomingHttpHeaders, requestId: string): Promise<ModelListing>;
}

type Outcome = { ok: true; entries: ModelEntry[] } | { ok: false; reason: string };

interface Cached {
  expires: number;
  outcome: Promise<Outcome>;
}

const ANTHROPIC_VERSION = '2023-06-01';
const CACHE_LIMIT = 1_000;

function credentialKey(upstream: UpstreamConfig, headers: IncomingHttpHeaders): string {
  // A server-side key that overrides the client's: the same list for everyone.
  if (upstream.auth?.override === true) return upstream.name;
  const credential = `${String(headers.authorization ?? '')}|${String(headers['x-api-key'] ?? '')}`;
  return `${upstream.name}|${createHash('sha256').update(credential).digest('base64url').slice(0, 22)}`;
}

export function createModelCatalog(config: Pick<Config, 'upstreams' | 'models'>, upstreams: Upstreams, controlHeaders: ReadonlySet<string>): ModelCatalog {
  const cache = new Map<string, Cached>();
  const { cacheTtlMs, timeoutMs } = config.models;

  async function fetchList(upstreamConfig: UpstreamConfig, clientHeaders: IncomingHttpHeaders, requestId: string): Promise<Outcome> {
    const upstream = upstreams.get(upstreamConfig.name);
    if (upstream === undefined) return { ok: false, reason: 'not configured' };
    const headers = upstreamRequestHeaders({ clientHeaders, upstream: upstreamConfig, requestId, contentLength: undefined, controlHeaders });
    delete headers['content-length'];
    delete headers['content-type'];
    if (upstreamConfig.api === 'anthropic') {
      if (headers['anthropic-version'] === undefined) headers['anthropic-version'] = ANTHROPIC_VERSION;
    } else {
      // An Anthropic client asking: its version headers mean nothing to an OpenAI-style server.
      delete headers['anthropic-version'];
      delete headers['anthropic-beta'];
    }
    const path = upstreamPath(upstreamConfig, upstream.basePath, '/v1/models') + (upstreamConfig.api === 'anthropic' ? '?limit=1000' : '');
    try {
      const res = await upstream.pool.request({ path, method: 'GET', headers, signal: AbortSignal.timeout(timeoutMs) });
      const text = await res.body.text();
      if (res.statusCode !== 200) return { ok: false, reason: String(res.statusCode) };
      const entries = readModelList(JSON.parse(text) as unknown, upstreamConfig.name);
      return entries === null ? { ok: false, reason: 'not a model list' } : { ok: true, entries };
    } catch (error) {
      const code = (error as { code?: string; name?: string }).code ?? (error as { name?: string }).name ?? 'error';
      return { ok: false, reason: code === 'TimeoutError' ? 'timeout' : code };
    }
  }

  function outcomeFor(upstreamConfig: UpstreamConfig, clientHeaders: IncomingHttpHeaders, requestId: string): Promise<Outcome> {
    const key = credentialKey(upstreamConfig, clientHeaders);
    const now = Date.now();
    const hit = cache.get(key);
    if (hit !== undefined && hit.expires > now) return hit.outcome;
    if (cache.size >= CACHE_LIMIT) cache.clear();
    const outcome = fetchList(upstreamConfig, clientHeaders, requestId);
    // Concurrent callers share the one fetch; the entry lives `cacheTtlMs` from when it was asked for.
    cache.set(key, { expires: now + cacheTtlMs, outcome });
    return outcome;
  }

  return {
    async list(clientHeaders, requestId) {
      const outcomes = await Promise.all(config.upstreams.map((u) => outcomeFor(u, clientHeaders, requestId)));
      const seen = new Set<string>();
      const entries: ModelEntry[] = [];
      const skipped: string[] = [];
      outcomes.forEach((outcome, i) => {
        const name = (config.upstreams[i] as UpstreamConfig).name;
        if (!outcome.ok) {
          skipped.push(`${name} (${outcome.reason})`);
          return;
        }
        for (const entry of outcome.entries) {
          if (seen.has(entry.id)) continue;
          seen.add(entry.id);
          entries.push(entry);
        }
      });
      return { entries, skipped };
    },
  };
}
