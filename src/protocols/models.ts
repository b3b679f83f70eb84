/**
 * The model lists of both API families (`GET /v1/models`): read from either wire shape into one
 * entry type, and rendered back in the shape the client speaks.
 *
 *   OpenAI     { object: "list", data: [{ id, object: "model", created, owned_by }] }
 *   Anthropic  { data: [{ type: "model", id, display_name, created_at }], has_more, first_id, last_id }
 */
import type { ApiFamily, JsonObject } from './types.js';

export interface ModelEntry {
  id: string;
  /** Unix seconds. */
  created: number;
  /** Who serves it (OpenAI `owned_by`); the upstream's name when the list did not say. */
  ownedBy: string;
  displayName: string;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Entries of a model list in either shape; null when `body` is not a model list. */
export function readModelList(body: unknown, upstream: string): ModelEntry[] | null {
  if (!isObject(body) || !Array.isArray(body.data)) return null;
  const out: ModelEntry[] = [];
  for (const item of body.data) {
    if (!isObject(item) || typeof item.id !== 'string') continue;
    const createdAt = typeof item.created_at === 'string' ? Date.parse(item.created_at) : NaN;
    const created = typeof item.created === 'number' ? item.created : Number.isNaN(createdAt) ? 0 : Math.floor(createdAt / 1000);
    out.push({
      id: item.id,
      created,
      ownedBy: typeof item.owned_by === 'string' ? item.owned_by : upstream,
      displayName: typeof item.display_name === 'string' ? item.display_name : item.id,
    });
  }
  return out;
}

export function renderModelList(family: ApiFamily, entries: readonly ModelEntry[]): JsonObject {
  if (family === 'openai') {
    return { object: 'list', data: entries.map((e) => ({ id: e.id, object: 'model', created: e.created, owned_by: e.ownedBy })) };
  }
  return {
    data: entries.map((e) => ({ type: 'model', id: e.id, display_name: e.displayName, created_at: new Date(e.created * 1000).toISOString() })),
    has_more: false,
    first_id: entries[0]?.id ?? null,
    last_id: entries.at(-1)?.id ?? null,
  };
}
