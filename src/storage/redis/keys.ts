/**
 * Where Clarion's data lives in Redis, and why it spreads over a Redis Cluster.
 *
 * Rule: keys that one Lua script (or one pipeline) touches together share a hash tag; nothing else
 * does, so Redis Cluster spreads the rest over all slots. The prefix (`redis.prefix`, default
 * `clarion:`) carries no hash tag on Cluster (the config rejects `{` there).
 *
 *   data                    key                               slot
 *   conversation memory     <prefix>conv:<conversation id>    its own (spread)
 *   remembered turns        <prefix>turns:<key>               its own (spread)
 *   review queue            <prefix>reviews                   its own
 *   review resolutions      <prefix>reviews:resolutions       its own
 *   events, shard k         see eventShardKeys                one per shard: {<prefix>events:k}
 *
 * Events: `events.shards` streams; an event's shard is chosen by its id (shardOf), and each shard
 * has its own companions (id index, rollups, labels) under the shard's tag, so the append and label
 * scripts stay within one slot and labels spread with the shards. With one shard outside a Cluster
 * the keys keep their original untagged names (`<prefix>events` ...), so a single-node deployment
 * reads and writes exactly what it always did.
 */

export interface EventShardKeys {
  /** Stream; entry fields `id` (event id) and `event` (schema v1 JSON). */
  stream: string;
  /** Hash event id -> stream entry id, for events of that UTC day (exactly-once writes, `events show`). */
  index(day: string): string;
  /** Hash of counters (`total`, `action:clarify`, `signal:…`, `verdict:…`) of that UTC day. */
  rollup(day: string): string;
  /** Set of days that have a rollup. */
  rollupDays: string;
  /** Hash event id -> JSON array of labels. */
  labels: string;
  /** Hash event id -> latest verdict (keeps verdict rollups exact). */
  latestVerdict: string;
}

/** The original single-stream layout: untagged names under the prefix. */
export function eventKeys(prefix: string): EventShardKeys {
  return {
    stream: `${prefix}events`,
    index: (day) => `${prefix}index:${day}`,
    rollup: (day) => `${prefix}rollup:${day}`,
    rollupDays: `${prefix}rollup:days`,
    labels: `${prefix}labels`,
    latestVerdict: `${prefix}labels:latest`,
  };
}

/** Shard `shard`'s keys, all under the hash tag `{<prefix>events:<shard>}` (the stream's own name). */
export function taggedEventKeys(prefix: string, shard: number): EventShardKeys {
  const tag = `{${prefix}events:${shard}}`;
  return {
    stream: tag,
    index: (day) => `${tag}:index:${day}`,
    rollup: (day) => `${tag}:rollup:${day}`,
    rollupDays: `${tag}:rollup:days`,
    labels: `${tag}:labels`,
    latestVerdict: `${tag}:labels:latest`,
  };
}

/** Every shard's keys: the original layout for one shard outside a Cluster, tagged otherwise. */
export function eventShardLayout(prefix: string, shards: number, cluster: boolean): EventShardKeys[] {
  if (shards === 1 && !cluster) return [eventKeys(prefix)];
  return Array.from({ length: shards }, (_, shard) => taggedEventKeys(prefix, shard));
}

/** The shard an event lives in: FNV-1a of its id, so every writer (and a replay) picks the same one. */
export function shardOf(eventId: string, shards: number): number {
  if (shards === 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < eventId.length; i++) {
    hash ^= eventId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}
