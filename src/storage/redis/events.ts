/**
 * The event log in Redis, shared by every proxy instance: `events.shards` streams (one by default),
 * each with its per-day rollup hashes (fast stats), per-day id index (exactly-once writes,
 * `events show`) and labels. Key names and hash tags: ./keys.ts.
 *
 * Each write is one Lua script per shard and day (atomic: dedupe check, XADD, index, rollups),
 * one pipeline per shard. An event's shard is chosen by its id, so a replayed event meets its own
 * index and is skipped: exactly once per shard. Readers merge the shards by event id (creation
 * time); one shard reads in the stream's own order, as always.
 */
import type { Result } from 'ioredis';
import { z } from 'zod';
import type { Config } from '../../config/schema.js';
import type { EventsConfig } from '../../events/config.js';
import { eventIdTime } from '../../events/id.js';
import { ClarionEventSchema, LabelSchema, type ClarionEvent, type Label } from '../../events/schema.js';
import { ClarionError } from '../../errors.js';
import {
  addRollupField,
  collectPage,
  emptyStats,
  matchesFilter,
  rollupCanAnswer,
  ROLLUP_OTHER,
  rollupFields,
  scanStats,
  takeMatching,
  utcDay,
  type AppendOutcome,
  type AvailabilityListener,
  type EventBackend,
  type EventFilter,
  type EventPage,
  type EventStats,
  type PageOptions,
  type Placed,
  type StoredEvent,
  type TailOptions,
  type WriterStats,
} from '../../events/store.js';
import { parseJsonLine } from '../lines.js';
import { closeRedis, duplicateRedis, isCluster, openRedis, waitForReady, type RedisClient } from '../redis.js';
import { eventShardLayout, shardOf, type EventShardKeys } from './keys.js';
import { interleave, mergeSorted } from './merge.js';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    clarionAppend(stream: string, index: string, rollup: string, rollupDays: string, ...args: (string | number)[]): Result<number[], Context>;
    clarionLabel(labelList: string, latest: string, rollup: string, id: string, label: string, verdict: string, ttl: number): Result<number, Context>;
  }
}

const DAY_MS = 86_400_000;
/** Stream ids are Redis server time at insertion; allow for instance/server clock skew when seeking by event time. */
const CLOCK_SKEW_MS = 60_000;
const PAGE = 500;
const TAIL_BLOCK_MS = 1_000;
const SHOW_FALLBACK_SCAN = 200_000;
/** Longer than any request takes from arrival to its event being written: how far past `until` a first page starts reading. */
const WRITE_SLACK_MS = 15 * 60_000;
/** Page cursors: `r:` then one position per shard. */
const PAGE_CURSOR = 'r:';
const SHARD_DONE = '.';
const PAGE_POSITION = /^(\+|\.|\d{1,16}|\(\d{1,16}-\d{1,20})$/;

/** An event read for a page, with where it is stored. */
interface Located {
  event: StoredEvent;
  shard: number;
  entryId: string;
}

// One call per batch and day. KEYS: stream, index(day), rollup(day), rollup days set.
// ARGV: trim kind (MAXLEN|MINID), trim arg, index TTL s, rollup TTL s, day, most distinct values
//       per capped dimension, then per event: event id, event JSON, number of rollup fields, the fields...
// Returns one flag per event: 1 written, 0 already stored (a replay): exactly once. Rollup counts
// are summed in the script and applied once per batch. The client-chosen dimensions (model,
// tenant) count at most ARGV[6] distinct values a day (tracked in the field values:<dimension>);
// a new value past that is counted as <dimension>:other.
const APPEND_LUA = `
local results = {}
local counts = {}
local i = 7
local cap = tonumber(ARGV[6])
local written = 0
while i <= #ARGV do
  local id = ARGV[i]
  local nfields = tonumber(ARGV[i + 2])
  if redis.call('HEXISTS', KEYS[2], id) == 1 then
    results[#results + 1] = 0
  else
    local entry = redis.call('XADD', KEYS[1], ARGV[1], '~', ARGV[2], '*', 'id', id, 'event', ARGV[i + 1])
    redis.call('HSET', KEYS[2], id, entry)
    for f = i + 3, i + 2 + nfields do
      counts[ARGV[f]] = (counts[ARGV[f]] or 0) + 1
    end
    written = written + 1
    results[#results + 1] = 1
  end
  i = i + 3 + nfields
end
if written > 0 then
  redis.call('EXPIRE', KEYS[2], ARGV[3])
  for field, n in pairs(counts) do
    local dimension = string.match(field, '^(%a+):')
    if (dimension == 'model' or dimension == 'tenant') and redis.call('HEXISTS', KEYS[3], field) == 0 then
      local distinct = tonumber(redis.call('HGET', KEYS[3], 'values:' .. dimension) or '0')
      if distinct < cap then
        redis.call('HINCRBY', KEYS[3], 'values:' .. dimension, 1)
      else
        field = dimension .. ':${ROLLUP_OTHER}'
      end
    end
    redis.call('HINCRBY', KEYS[3], field, n)
  end
  redis.call('EXPIRE', KEYS[3], ARGV[4])
  redis.call('SADD', KEYS[4], ARGV[5])
end
return results
`;

// KEYS: the event's label list, latest verdicts, rollup(day of the event)
// ARGV: event id, label JSON, verdict, list TTL s
// Append-only: one RPUSH per label (O(1) whatever the history), never a rewritten value.
const LABEL_LUA = `
redis.call('RPUSH', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[4])
local old = redis.call('HGET', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
if redis.call('EXISTS', KEYS[3]) == 1 then
  if old then redis.call('HINCRBY', KEYS[3], 'verdict:' .. old, -1) end
  redis.call('HINCRBY', KEYS[3], 'verdict:' .. ARGV[3], 1)
end
return 1
`;

export { eventKeys, type EventShardKeys as EventKeys } from './keys.js';

type StreamEntry = [id: string, fields: string[]];

function entryEvent(entry: StreamEntry): ClarionEvent | null {
  const fields = entry[1];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 'event') {
      const parsed = ClarionEventSchema.safeParse(parseJsonLine(fields[i + 1] ?? ''));
      return parsed.success ? parsed.data : null;
    }
  }
  return null;
}

/** A rollup hash as read back: every field a count. */
const RollupSchema = z.record(z.string(), z.coerce.number().int());

function parseLabels(text: string | null | undefined): Label[] {
  if (text === null || text === undefined) return [];
  const parsed = LabelSchema.array().safeParse(parseJsonLine(text));
  return parsed.success ? parsed.data : [];
}

export function defineEventScripts(client: RedisClient): void {
  if (typeof client.clarionAppend === 'function') return;
  client.defineCommand('clarionAppend', { numberOfKeys: 4, lua: APPEND_LUA });
  client.defineCommand('clarionLabel', { numberOfKeys: 3, lua: LABEL_LUA });
}

/** Longest close() waits for Redis to acknowledge QUIT before dropping the connection. */
const QUIT_WAIT_MS = 1_000;

// Shards merge by event id: ids sort by creation time (then instance and counter), so one writer's
// events come back in the order it created them whatever shards they went to. Within a shard the
// stream's own order is kept (a replayed spool is where it was inserted, as in a single stream).
const ascending = (a: StoredEvent, b: StoredEvent): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const descending = (a: StoredEvent, b: StoredEvent): number => ascending(b, a);

export class RedisEventStore implements EventBackend {
  readonly kind = 'redis' as const;
  readonly local = false;
  /** Every shard's keys (index = shard number). */
  readonly shards: readonly EventShardKeys[];
  /** The first shard's keys (the only one with `events.shards: 1`). */
  readonly keys: EventShardKeys;
  /** Pipelines sent, events in them (bench: pipeline depth), and replays Redis already had (exactly-once at work). */
  readonly pipelineStats: WriterStats = { pipelines: 0, events: 0, maxDepth: 0, duplicates: 0 };
  /**
   * Replicas each shard's master had at its last write (from ROLE). WAIT asks for no more than that:
   * WAIT for a replica the master does not have blocks for its whole timeout (after a failover the
   * promoted master has none), which on a loaded machine ends in a client timeout and a retry loop.
   */
  private readonly knownReplicas = new Map<string, number>();

  constructor(
    readonly client: RedisClient,
    prefix: string,
    private readonly config: EventsConfig,
    private readonly ownsClient: boolean,
    private readonly commandTimeoutMs = 1_000,
  ) {
    this.shards = eventShardLayout(prefix, config.shards, isCluster(client));
    this.keys = this.shards[0] as EventShardKeys;
    defineEventScripts(client);
  }

  /** WAIT's own timeout: below the command timeout, so a slow replica is an answer (0), not a timeout. */
  private get waitTimeoutMs(): number {
    return Math.max(10, Math.floor(this.commandTimeoutMs / 2));
  }

  private shardKeys(eventId: string): EventShardKeys {
    return this.shards[shardOf(eventId, this.shards.length)] as EventShardKeys;
  }

  ready(): boolean {
    return this.client.status === 'ready';
  }

  /** Also reports 'up' at once when the connection is already there (it may have come up before anyone listened). */
  onAvailability(listener: AvailabilityListener): void {
    if (this.client.status === 'ready') queueMicrotask(() => listener('up'));
    this.client.on('ready', () => listener('up'));
    this.client.on('close', () => listener('down'));
    this.client.on('end', () => listener('down'));
    this.client.on('error', (error: Error) => listener('down', error));
  }

  writerStats(): WriterStats {
    return { ...this.pipelineStats };
  }

  /** Never called: the event log spools for a remote backend instead of writing synchronously. */
  appendSync(): void {
    throw new Error('a Redis event store cannot be written synchronously; the event log spools instead');
  }

  private trimArgs(): [string, string] {
    const { retention } = this.config;
    if (retention.strategy === 'minid') return ['MINID', String(Date.now() - retention.days * DAY_MS)];
    return ['MAXLEN', String(retention.maxLen)];
  }

  /** Writes events in one pipeline per shard (one script call per day in the batch). Never throws: unconfirmed events come back in `failed`. */
  async append(events: readonly ClarionEvent[], serialized?: readonly string[]): Promise<AppendOutcome> {
    const outcome: AppendOutcome = { written: 0, duplicates: 0, failed: [] };
    if (events.length === 0) return outcome;
    // shard -> day -> indexes into events. Usually one day per batch; two around midnight or when replaying an old spool.
    const byShard = new Map<number, Map<string, number[]>>();
    events.forEach((event, i) => {
      const shard = shardOf(event.id, this.shards.length);
      let byDay = byShard.get(shard);
      if (byDay === undefined) byShard.set(shard, (byDay = new Map<string, number[]>()));
      const day = event.time.slice(0, 10);
      const list = byDay.get(day);
      if (list === undefined) byDay.set(day, [i]);
      else list.push(i);
    });
    this.pipelineStats.pipelines += byShard.size;
    this.pipelineStats.events += events.length;
    if (events.length > this.pipelineStats.maxDepth) this.pipelineStats.maxDepth = events.length;
    await Promise.all([...byShard].map(([shard, byDay]) => this.appendToShard(this.shards[shard] as EventShardKeys, byDay, events, serialized, outcome)));
    this.pipelineStats.duplicates += outcome.duplicates;
    return outcome;
  }

  private async appendToShard(
    keys: EventShardKeys,
    byDay: Map<string, number[]>,
    events: readonly ClarionEvent[],
    serialized: readonly string[] | undefined,
    outcome: AppendOutcome,
  ): Promise<void> {
    const [trimKind, trimArg] = this.trimArgs();
    const indexTtl = this.config.retention.indexDays * 86_400;
    const rollupTtl = this.config.retention.rollupDays * 86_400;
    const pipeline = this.client.pipeline();
    // With writer.waitReplicas: ROLE first (how many replicas the master has now), WAIT last.
    const { waitReplicas } = this.config.writer;
    if (waitReplicas > 0) pipeline.role();
    const groups: number[][] = [];
    for (const [day, indexes] of byDay) {
      const args: (string | number)[] = [trimKind, trimArg, indexTtl, rollupTtl, day, this.config.retention.rollupMaxValues];
      for (const i of indexes) {
        const event = events[i] as ClarionEvent;
        const fields = rollupFields(event);
        args.push(event.id, serialized?.[i] ?? JSON.stringify(event), fields.length, ...fields);
      }
      pipeline.clarionAppend(keys.stream, keys.index(day), keys.rollup(day), keys.rollupDays, ...args);
      groups.push(indexes);
    }
    const waitFor = Math.min(waitReplicas, this.knownReplicas.get(keys.stream) ?? waitReplicas);
    if (waitReplicas > 0) pipeline.wait(waitFor, waitFor === 0 ? 0 : this.waitTimeoutMs);
    let results: [Error | null, unknown][] | null;
    try {
      results = await pipeline.exec();
    } catch (error) {
      outcome.error = error;
      results = null;
    }
    const replication = waitReplicas > 0 && results !== null ? replicated(results, waitReplicas) : null;
    if (replication?.replicas !== undefined) this.knownReplicas.set(keys.stream, replication.replicas);
    if (replication !== null && !replication.ok) {
      // Not on enough replicas yet: a failover now could lose them, so they count as unconfirmed (the replay skips what survived).
      outcome.error ??= new Error(`events not confirmed by ${waitReplicas} replica(s) within ${this.waitTimeoutMs} ms (${replicationReport(results ?? [])})`);
      results = null;
    }
    if (results === null || results.some(([error]) => error !== null)) this.refreshTopology();
    const offset = waitReplicas > 0 ? 1 : 0;
    groups.forEach((indexes, g) => {
      const result = results?.[g + offset];
      const flags = result !== undefined && result[0] === null && Array.isArray(result[1]) ? (result[1] as unknown[]) : null;
      if (flags === null && result !== undefined && result[0] !== null && outcome.error === undefined) outcome.error = result[0];
      indexes.forEach((i, k) => {
        const flag = flags?.[k];
        if (flag === 1) outcome.written++;
        else if (flag === 0) outcome.duplicates++;
        else outcome.failed.push(events[i] as ClarionEvent);
      });
    });
  }

  /**
   * After a failed write on Cluster, re-reads the slot map now. ioredis follows a MOVED itself only
   * when every other command of the pipeline is read-only; ours carry ROLE/WAIT and the script, so a
   * failover would otherwise leave writes going to the old master until the periodic refresh.
   */
  private refreshTopology(): void {
    if (isCluster(this.client)) this.client.refreshSlotsCache();
  }

  /** Merges stored labels in: one HMGET says which events have any, then one pipeline reads just those lists. */
  private async withLabels(keys: EventShardKeys, events: ClarionEvent[]): Promise<StoredEvent[]> {
    if (events.length === 0) return events;
    const ids = events.map((e) => e.id);
    const latest = await this.client.hmget(keys.latestVerdict, ...ids);
    const labelled = events.map((_, i) => i).filter((i) => latest[i] !== null && latest[i] !== undefined);
    if (labelled.length === 0) return events;
    const pipeline = this.client.pipeline();
    pipeline.hmget(keys.labels, ...labelled.map((i) => ids[i] as string));
    for (const i of labelled) pipeline.lrange(keys.labelList(ids[i] as string), 0, -1);
    const results = (await pipeline.exec()) ?? [];
    const legacy = (results[0]?.[1] ?? []) as (string | null)[];
    const out: StoredEvent[] = [...events];
    labelled.forEach((i, k) => {
      const event = events[i] as ClarionEvent;
      const list = (results[k + 1]?.[1] ?? []) as string[];
      const labels = [...parseLabels(legacy[k]), ...list.flatMap((text) => parseLabels(`[${text}]`))];
      if (labels.length > 0) out[i] = { ...event, labels: [...event.labels, ...labels] };
    });
    return out;
  }

  private async *pages(keys: EventShardKeys, order: 'asc' | 'desc', since: number | undefined): AsyncGenerator<{ entries: StreamEntry[] }> {
    const floor = since === undefined ? '-' : String(Math.max(0, since - CLOCK_SKEW_MS));
    let cursor = order === 'asc' ? floor : '+';
    for (;;) {
      const entries = (
        order === 'asc'
          ? await this.client.xrange(keys.stream, cursor, '+', 'COUNT', PAGE)
          : await this.client.xrevrange(keys.stream, cursor, floor, 'COUNT', PAGE)
      ) as StreamEntry[];
      if (entries.length === 0) return;
      yield { entries };
      if (entries.length < PAGE) return;
      const last = entries[entries.length - 1];
      if (last === undefined) return;
      cursor = `(${last[0]}`;
    }
  }

  list(filter: EventFilter): AsyncGenerator<StoredEvent> {
    return takeMatching(this.candidates(filter), filter);
  }

  /** Every labelled event from `filter.since` on, in the filter's order: the shards merged by event id. */
  private candidates(filter: EventFilter): AsyncGenerator<StoredEvent> {
    const order = filter.order ?? 'asc';
    const sources = this.shards.map((keys) => this.shardCandidates(keys, order, filter.since));
    return mergeSorted(sources, order === 'asc' ? ascending : descending);
  }

  /** One shard's labelled events in stream order, a page at a time. */
  private async *shardCandidates(keys: EventShardKeys, order: 'asc' | 'desc', since: number | undefined): AsyncGenerator<StoredEvent> {
    for await (const { entries } of this.pages(keys, order, since)) {
      const events: ClarionEvent[] = [];
      for (const entry of entries) {
        const event = entryEvent(entry);
        if (event !== null) events.push(event);
      }
      yield* await this.withLabels(keys, events);
    }
  }

  /**
   * Newest first from a position in each shard's stream: the cursor is `r:` and, per shard, where
   * to read on (`(<entry id>` past the last entry shown, `.` when the shard is done). The first
   * page starts at the newest entry, or with `until` at the entries written up to WRITE_SLACK_MS
   * after it (an event is written when its request finishes).
   */
  async page(filter: EventFilter, options: PageOptions): Promise<EventPage> {
    const positions = this.pageStarts(filter, options.cursor);
    const floor = filter.since === undefined ? '-' : String(Math.max(0, filter.since - CLOCK_SKEW_MS));
    const sources = this.shards.map((keys, shard) => this.shardFrom(keys, shard, positions, floor, options.limit + 1));
    const merged = mergeSorted(sources, (a, b) => descending(a.event, b.event));
    const cursor = (): string => `${PAGE_CURSOR}${positions.join(',')}`;
    async function* placed(): AsyncGenerator<Placed> {
      for await (const { event, shard, entryId } of merged) {
        positions[shard] = `(${entryId}`;
        yield { event, after: cursor };
      }
    }
    return collectPage(placed(), filter, options);
  }

  private pageStarts(filter: EventFilter, cursor: string | undefined): string[] {
    if (cursor === undefined || cursor === '') {
      const start = filter.until === undefined ? '+' : String(Math.max(0, filter.until + WRITE_SLACK_MS));
      return this.shards.map(() => start);
    }
    const positions = cursor.startsWith(PAGE_CURSOR) ? cursor.slice(PAGE_CURSOR.length).split(',') : [];
    if (positions.length !== this.shards.length || !positions.every((p) => PAGE_POSITION.test(p))) {
      throw new ClarionError('CLARION_INVALID_REQUEST', 'cursor: not a position in this event store');
    }
    return positions;
  }

  /** One shard's events from `positions[shard]` down to `floor`, in growing reads; marks the shard done when it runs out. */
  private async *shardFrom(keys: EventShardKeys, shard: number, positions: string[], floor: string, first: number): AsyncGenerator<Located> {
    let start = positions[shard] ?? SHARD_DONE;
    let count = Math.min(PAGE, Math.max(first, 16));
    while (start !== SHARD_DONE) {
      const entries = (await this.client.xrevrange(keys.stream, start, floor, 'COUNT', count)) as StreamEntry[];
      const located: Array<{ entryId: string; event: ClarionEvent }> = [];
      for (const entry of entries) {
        const event = entryEvent(entry);
        if (event !== null) located.push({ entryId: entry[0], event });
      }
      const labelled = await this.withLabels(
        keys,
        located.map((l) => l.event),
      );
      for (let i = 0; i < located.length; i++) yield { event: labelled[i] as StoredEvent, shard, entryId: (located[i] as { entryId: string }).entryId };
      const last = entries.at(-1);
      if (entries.length < count || last === undefined) break;
      start = `(${last[0]}`;
      count = Math.min(PAGE, count * 2);
    }
    positions[shard] = SHARD_DONE;
  }

  async get(id: string): Promise<StoredEvent | null> {
    const idTime = eventIdTime(id);
    if (idTime === null) return null;
    const keys = this.shardKeys(id);
    for (const day of [utcDay(idTime), utcDay(idTime - DAY_MS), utcDay(idTime + DAY_MS)]) {
      const entryId = await this.client.hget(keys.index(day), id);
      if (entryId === null) continue;
      const entries = (await this.client.xrange(keys.stream, entryId, entryId)) as StreamEntry[];
      const event = entries[0] === undefined ? null : entryEvent(entries[0]);
      if (event !== null) return (await this.withLabels(keys, [event]))[0] ?? null;
    }
    // Index expired (older than retention.indexDays): scan the shard forward from the id's time.
    let scanned = 0;
    for await (const { entries } of this.pages(keys, 'asc', idTime)) {
      for (const entry of entries) {
        const fields = entry[1];
        if (fields[0] === 'id' && fields[1] === id) {
          const event = entryEvent(entry);
          return event === null ? null : ((await this.withLabels(keys, [event]))[0] ?? null);
        }
      }
      scanned += entries.length;
      if (scanned >= SHOW_FALLBACK_SCAN) return null;
    }
    return null;
  }

  async *tail(filter: EventFilter, options: TailOptions = {}): AsyncGenerator<StoredEvent> {
    const signal = options.signal;
    const starts = await Promise.all(
      this.shards.map(async (keys) => {
        const newest = (await this.client.xrevrange(keys.stream, '+', '-', 'COUNT', 1)) as StreamEntry[];
        return newest[0]?.[0] ?? '0-0';
      }),
    );
    const backlog = options.backlog ?? 0;
    if (backlog > 0) {
      const found: StoredEvent[] = [];
      for await (const event of this.list({ ...filter, order: 'desc', limit: backlog })) found.push(event);
      for (const event of found.reverse()) yield event;
    }
    // Each shard is followed by its own blocking reader; they stop when the tail ends or is aborted.
    const stop = new AbortController();
    const onAbort = (): void => stop.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const followers = this.shards.map((keys, shard) => this.followShard(keys, starts[shard] ?? '0-0', stop.signal));
      for await (const batch of interleave(followers)) {
        for (const event of batch) {
          if (matchesFilter(event, filter)) yield event;
          if (isAborted(signal)) return;
        }
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      stop.abort();
    }
  }

  /** New events of one shard after `lastId`, a batch per read, until `signal` aborts. */
  private async *followShard(keys: EventShardKeys, lastId: string, signal: AbortSignal): AsyncGenerator<StoredEvent[]> {
    // A blocking read needs its own connection with a command timeout longer than the block.
    const reader = duplicateRedis(this.client, { name: 'clarion-events-tail', commandTimeoutMs: TAIL_BLOCK_MS + 5_000 });
    reader.on('error', () => undefined);
    const drop = (): void => reader.disconnect();
    signal.addEventListener('abort', drop, { once: true });
    let cursor = lastId;
    try {
      await waitForReady(reader, 5_000);
      while (!signal.aborted) {
        let reply: [string, StreamEntry[]][] | null;
        try {
          reply = await reader.xread('COUNT', PAGE, 'BLOCK', TAIL_BLOCK_MS, 'STREAMS', keys.stream, cursor);
        } catch (error) {
          if (signal.aborted) return;
          throw error;
        }
        const entries = reply?.[0]?.[1] ?? [];
        const events: ClarionEvent[] = [];
        for (const entry of entries) {
          cursor = entry[0];
          const event = entryEvent(entry);
          if (event !== null) events.push(event);
        }
        if (events.length > 0) yield await this.withLabels(keys, events);
      }
    } finally {
      signal.removeEventListener('abort', drop);
      reader.disconnect();
    }
  }

  async stats(filter: EventFilter, options: { forceScan?: boolean } = {}): Promise<EventStats> {
    if (options.forceScan === true || !rollupCanAnswer(filter)) {
      return scanStats(this.list({ ...filter, limit: undefined, order: 'asc' }));
    }
    const first = filter.since === undefined ? '' : utcDay(filter.since);
    const last = filter.until === undefined ? '9999-12-31' : utcDay(filter.until - 1);
    const stats = emptyStats('rollup');
    // Each shard counts its own events; the totals are their sums.
    await Promise.all(this.shards.map((keys) => this.addShardRollups(keys, first, last, stats)));
    return dropZeros(stats);
  }

  private async addShardRollups(keys: EventShardKeys, first: string, last: string, stats: EventStats): Promise<void> {
    const days = (await this.client.smembers(keys.rollupDays)).filter((d) => d >= first && d <= last).sort();
    if (days.length === 0) return;
    const pipeline = this.client.pipeline();
    for (const day of days) pipeline.hgetall(keys.rollup(day));
    const results = (await pipeline.exec()) ?? [];
    days.forEach((day, i) => {
      const [error, hash] = results[i] ?? [null, null];
      const counts = RollupSchema.safeParse(hash);
      if (error !== null || !counts.success) return;
      for (const [field, value] of Object.entries(counts.data)) addRollupField(stats, field, value, day);
    });
  }

  async label(id: string, label: Label): Promise<boolean> {
    const event = await this.get(id);
    if (event === null) return false;
    const keys = this.shardKeys(id);
    await this.client.clarionLabel(
      keys.labelList(id),
      keys.latestVerdict,
      keys.rollup(event.time.slice(0, 10)),
      id,
      JSON.stringify(label),
      label.verdict,
      this.config.retention.rollupDays * 86_400,
    );
    return true;
  }

  async close(): Promise<void> {
    if (this.ownsClient) await closeRedis(this.client, QUIT_WAIT_MS);
  }
}

/** Whether a pipeline `[ROLE, ...scripts, WAIT]` reached `wanted` replicas, or every replica the master has when it has fewer. */
function replicated(results: [Error | null, unknown][], wanted: number): { ok: boolean; replicas?: number } {
  const [roleError, role] = results[0] ?? [null, null];
  const [waitError, acked] = results[results.length - 1] ?? [null, null];
  if (roleError !== null || !Array.isArray(role)) return { ok: false };
  const replicas = role[0] === 'master' && Array.isArray(role[2]) ? role[2].length : 0;
  // A master without replicas has nothing to confirm: its WAIT (even a timed-out one) does not matter.
  if (replicas === 0) return { ok: true, replicas };
  if (waitError !== null || typeof acked !== 'number') return { ok: false, replicas };
  return { ok: acked >= Math.min(wanted, replicas), replicas };
}

/** What ROLE and WAIT answered, for the error of an unconfirmed write (built only then). */
function replicationReport(results: [Error | null, unknown][]): string {
  const [roleError, role] = results[0] ?? [null, null];
  const [waitError, acked] = results[results.length - 1] ?? [null, null];
  return `${waitError?.message ?? String(acked)} acknowledged; ROLE ${roleError?.message ?? JSON.stringify(role).slice(0, 200)}`;
}

/** Relabelling decrements the old verdict's counter; a table shows only what is there. */
function dropZeros(stats: EventStats): EventStats {
  for (const table of [stats.byAction, stats.byCategory, stats.bySignal, stats.byModel, stats.byTenant, stats.byVerdict, stats.byDay]) {
    for (const [key, n] of Object.entries(table)) if (n === 0) delete table[key];
  }
  return stats;
}

/** For reading (the CLI): connects and waits until Redis answers; throws a clear error when it cannot be reached. */
export async function openRedisEventStore(config: Config): Promise<RedisEventStore> {
  const client = await openRedis(config.redis, {
    name: 'clarion-events-cli',
    commandTimeoutMs: Math.max(config.redis.commandTimeoutMs, 5_000),
    waitMs: 5_000,
  });
  return new RedisEventStore(client, config.redis.prefix, config.events, true, config.redis.commandTimeoutMs);
}

/** A function, not a property read, so TypeScript does not narrow it across awaits. */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}
