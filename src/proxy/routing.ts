/**
 * Which upstream serves a request: the configured rules in order (route kind and model glob),
 * then the first upstream of the route's API family. Model globs use the policy's glob syntax
 * (case-insensitive) and are compiled once, at config load.
 */
import type { Config, RouteKind, RouteRule, UpstreamConfig } from '../config/schema.js';
import { compileGlob, type GlobMatcher } from '../policy/glob.js';
import type { ApiFamily } from '../protocols/types.js';

export interface CompiledRule {
  routes: ReadonlySet<RouteKind> | null;
  model: GlobMatcher | null;
  upstream: UpstreamConfig;
  /** The upstream, then its fallbacks in order. */
  candidates: readonly UpstreamConfig[];
}

export interface Router {
  /** The upstream for this route kind, API family and model (model may be unknown on pass-through routes). */
  select(kind: RouteKind, family: ApiFamily, model: string | undefined): UpstreamConfig | undefined;
  /** The selected upstream followed by the matching rule's fallbacks, in order (empty: none configured). */
  candidates(kind: RouteKind, family: ApiFamily, model: string | undefined): readonly UpstreamConfig[];
  byName(name: string): UpstreamConfig | undefined;
}

function compileRule(rule: RouteRule, upstreams: Map<string, UpstreamConfig>): CompiledRule {
  const upstream = upstreams.get(rule.upstream);
  // The config schema already rejected unknown upstream names.
  if (upstream === undefined) throw new Error(`unknown upstream ${rule.upstream}`);
  const fallbacks = rule.fallbacks.map((name) => upstreams.get(name)).filter((u): u is UpstreamConfig => u !== undefined);
  return {
    routes: rule.routes === undefined ? null : new Set(rule.routes),
    model: rule.model === undefined ? null : compileGlob(rule.model),
    upstream,
    candidates: [upstream, ...fallbacks],
  };
}

export function createRouter(config: Pick<Config, 'upstreams' | 'routing'>): Router {
  const byName = new Map(config.upstreams.map((u) => [u.name, u] as const));
  const rules = config.routing.map((rule) => compileRule(rule, byName));
  const firstOfFamily: Record<ApiFamily, UpstreamConfig | undefined> = {
    openai: config.upstreams.find((u) => u.api === 'openai'),
    anthropic: config.upstreams.find((u) => u.api === 'anthropic'),
  };
  const matching = (kind: RouteKind, model: string | undefined): CompiledRule | undefined => {
    for (const rule of rules) {
      if (rule.routes !== null && !rule.routes.has(kind)) continue;
      if (rule.model !== null && (model === undefined || !rule.model(model))) continue;
      return rule;
    }
    return undefined;
  };
  const onlyFirst: Record<ApiFamily, readonly UpstreamConfig[]> = {
    openai: firstOfFamily.openai === undefined ? [] : [firstOfFamily.openai],
    anthropic: firstOfFamily.anthropic === undefined ? [] : [firstOfFamily.anthropic],
  };
  return {
    select(kind, family, model) {
      return matching(kind, model)?.upstream ?? firstOfFamily[family];
    },
    candidates(kind, family, model) {
      return matching(kind, model)?.candidates ?? onlyFirst[family];
    },
    byName(name) {
      return byName.get(name);
    },
  };
}

/**
 * The upstream URL path for a client path. OpenAI-family base URLs include the version
 * (`https://api.openai.com/v1`), so the client's `/v1` is dropped; Anthropic base URLs do not.
 */
export function upstreamPath(upstream: UpstreamConfig, basePath: string, clientPath: string): string {
  if (upstream.api === 'openai') {
    const rest = clientPath.startsWith('/v1/') ? clientPath.slice(3) : clientPath;
    return basePath + rest;
  }
  return basePath + clientPath;
}
