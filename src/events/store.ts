/**
 * The event store, as every backend implements it (Redis: src/storage/redis/events.ts, the
 * embedded file store: src/storage/file/events.ts): the queries `clarion events ...`,
 * `clarion replay` and the feedback endpoint use (EventStore), the writes the event log makes
 * (EventBackend), and the filter and stats logic the backends share. Which backend serves is
 * decided once, from the config, in src/storage/index.ts.
 */
import type { Category, SignalId } from '../detect/assessment.js';
import type { Action } from '../policy/decision.js';
import type { ClarionEvent, Label, Verdict } from './schema.js';

/** Every field is optional; lists match any of their values. Times are event times (epoch ms), `since` inclusive, `until` exclusive. */
export interface EventFilter {
  since?: number;
  until?: number;
  actions?: Action[];
  categories?: Category[];
  signals?: SignalId[];
  models?: string[];
  tenants?: string[];
  /** Latest label's verdict. */
  verdicts?: Verdict[];
  minScore?: number;
  maxScore?: number;
  /** Most events to return. */
  limit?: number;
  /** asc = oldest first (default), desc = newest first. */
  order?: 'asc' | 'desc';
}

/** An event as read back: schema v1 with its labels merged in. */
export type StoredEvent = ClarionEvent;

export type CountTable = Record<string, number>;

export interface EventStats {
  /** `rollup`: from the per-day rollup hashes (includes events already trimmed from the stream); `scan`: counted from stored events. */
  source: 'rollup' | 'scan';
  total: number;
  byDay: CountTable;
  byAction: CountTable;
  byCategory: CountTable;
  bySignal: CountTable;
  byModel: CountTable;
  byTenant: CountTable;
  /** Latest verdict per labelled event. */
  byVerdict: CountTable;
}

export interface TailOptions {
  /** Also emit this many of the newest stored events (matching the filter) first. */
  backlog?: number;
  /** Stops following when aborted. */
  signal?: AbortSignal;
}

export type StorageKind = 'redis' | 'file';

/** What `EventStore.page` reads. */
export interface PageOptions {
  /** Most events on the page. */
  limit: number;
  /** Where the previous page stopped (its `next`); absent for the newest page. */
  cursor?: string;
  /** Most stored events read for this page, matching or not: a rare filter gets a short page and a cursor to read on. */
  maxScan: number;
}

/** A newest-first page of `list`'s events, read from a stored position rather than by skipping what earlier pages showed. */
export interface EventPage {
  events: StoredEvent[];
  /** Opaque position of the next (older) page; null when nothing older is left. */
  next: string | null;
  /** Stored events read for this page. */
  scanned: number;
  /** The page stopped at `maxScan` before it was full: more may match further down. */
  partial: boolean;
}

export interface EventStore {
  readonly kind: StorageKind;
  list(filter: EventFilter): AsyncIterable<StoredEvent>;
  /**
   * Newest first, a page at a time (the console's list): each page resumes at the stored position
   * in its cursor (a stream entry, a byte offset in a day file), so any page costs about what the
   * first does, at most `maxScan` stored events. Same order and events as `list` with `order: 'desc'`.
   */
  page(filter: EventFilter, options: PageOptions): Promise<EventPage>;
  get(id: string): Promise<StoredEvent | null>;
  /** Follows new events as they are stored, until `options.signal` aborts. */
  tail(filter: EventFilter, options?: TailOptions): AsyncIterable<StoredEvent>;
  stats(filter: EventFilter, options?: { forceScan?: boolean }): Promise<EventStats>;
  /** Appends a label; false when no event has this id. */
  label(id: string, label: Label): Promise<boolean>;
  close(): Promise<void>;
}

export interface AppendOutcome {
  written: number;
  /** Already stored (a replay of an event that made it before): skipped. */
  duplicates: number;
  /** Not confirmed (Redis down, a timeout, a disk error): the writer spools them, or counts them dropped. */
  failed: ClarionEvent[];
  /** Why `failed` is not empty, when the backend knows. */
  error?: unknown;
}

/** Pipelines sent, events in them, deepest pipeline, replayed events the backend already had (bench, tests). */
export interface WriterStats {
  pipelines: number;
  events: number;
  maxDepth: number;
  duplicates: number;
}

/** What the event log (src/events/log.ts) writes through. */
export interface EventBackend extends EventStore {
  /**
   * On local disk: never unreachable, so the event log keeps no spool for it and writes to it
   * synchronously when it must (appendSync). A remote backend (Redis) gets a spool instead.
   */
  readonly local: boolean;
  /** Writes a batch in order. Never throws: events not confirmed come back in `failed`. */
  append(events: readonly ClarionEvent[], serialized: readonly string[]): Promise<AppendOutcome>;
  /** Synchronous append for a record() after close; only called on local backends. */
  appendSync(events: readonly ClarionEvent[]): void;
  /** Whether a write now can be expected to succeed (a remote backend is connected). */
  ready(): boolean;
  /** Tells the event log when a remote backend comes and goes (and at once when it is already up); local backends never call it. */
  onAvailability(listener: AvailabilityListener): void;
  writerStats(): WriterStats;
}

export type AvailabilityListener = (state: 'up' | 'down', error?: Error) => void;

/** Stats dimension -> rollup field prefix. The Redis rollup hashes use exactly these field names. */
export const TENANT_NONE = '-';

/** The value a rollup counts a `model` or tenant under once a day has `events.retention.rollupMaxValues` distinct ones. */
export const ROLLUP_OTHER = 'other';

/** The rollup fields one event increments: `total`, `action:clarify`, `category:aleatoric`, `signal:missing_slot`, `model:…`, `tenant:…`. */
export function rollupFields(event: ClarionEvent): string[] {
  const fields = ['total', `action:${event.action}`, `model:${event.model}`, `tenant:${event.tenant ?? TENANT_NONE}`];
  for (const category of new Set(event.categories)) fields.push(`category:${category}`);
  for (const signal of new Set(event.signals.map((s) => s.id))) fields.push(`signal:${signal}`);
  return fields;
}

export function emptyStats(source: EventStats['source']): EventStats {
  return { source, total: 0, byDay: {}, byAction: {}, byCategory: {}, bySignal: {}, byModel: {}, byTenant: {}, byVerdict: {} };
}

function bump(table: CountTable, key: string, by = 1): void {
  table[key] = (table[key] ?? 0) + by;
}

export function latestVerdict(event: ClarionEvent): Verdict | null {
  return event.labels.at(-1)?.verdict ?? null;
}

export function addToStats(stats: EventStats, event: ClarionEvent): void {
  stats.total++;
  bump(stats.byDay, event.time.slice(0, 10));
  for (const field of rollupFields(event)) addRollupField(stats, field, 1, null);
  const verdict = latestVerdict(event);
  if (verdict !== null) bump(stats.byVerdict, verdict);
}

/** Adds one rollup hash field (`action:clarify` -> byAction.clarify). `total` is counted per day when `day` is given. */
export function addRollupField(stats: EventStats, field: string, count: number, day: string | null): void {
  if (field === 'total') {
    if (day !== null) {
      stats.total += count;
      bump(stats.byDay, day, count);
    }
    return;
  }
  const colon = field.indexOf(':');
  if (colon < 0) return;
  const kind = field.slice(0, colon);
  const value = field.slice(colon + 1);
  const table =
    kind === 'action'
      ? stats.byAction
      : kind === 'category'
        ? stats.byCategory
        : kind === 'signal'
          ? stats.bySignal
          : kind === 'model'
            ? stats.byModel
            : kind === 'tenant'
              ? stats.byTenant
              : kind === 'verdict'
                ? stats.byVerdict
                : undefined;
  if (table !== undefined && count !== 0) bump(table, value, count);
}

function anyOf<T>(wanted: readonly T[] | undefined, value: T): boolean {
  return wanted === undefined || wanted.length === 0 || wanted.includes(value);
}

function anyIn<T>(wanted: readonly T[] | undefined, values: readonly T[]): boolean {
  if (wanted === undefined || wanted.length === 0) return true;
  for (const value of values) if (wanted.includes(value)) return true;
  return false;
}

export function eventTimeMs(event: ClarionEvent): number {
  return Date.parse(event.time);
}

export function matchesFilter(event: ClarionEvent, filter: EventFilter): boolean {
  if (filter.since !== undefined || filter.until !== undefined) {
    const t = eventTimeMs(event);
    if (filter.since !== undefined && t < filter.since) return false;
    if (filter.until !== undefined && t >= filter.until) return false;
  }
  if (filter.minScore !== undefined && event.score < filter.minScore) return false;
  if (filter.maxScore !== undefined && event.score > filter.maxScore) return false;
  if (!anyOf(filter.actions, event.action)) return false;
  if (!anyOf(filter.models, event.model)) return false;
  if (!anyOf(filter.tenants, event.tenant ?? TENANT_NONE)) return false;
  if (!anyIn(filter.categories, event.categories)) return false;
  if (
    filter.signals !== undefined &&
    filter.signals.length > 0 &&
    !anyIn(
      filter.signals,
      event.signals.map((s) => s.id),
    )
  )
    return false;
  if (filter.verdicts !== undefined && filter.verdicts.length > 0) {
    const verdict = latestVerdict(event);
    if (verdict === null || !filter.verdicts.includes(verdict)) return false;
  }
  return true;
}

/**
 * The events of `candidates` that match `filter`, at most `filter.limit` of them. Each store yields
 * its candidates in the filter's order; returning early here ends the store's scan.
 */
export async function* takeMatching(candidates: AsyncIterable<StoredEvent>, filter: EventFilter): AsyncGenerator<StoredEvent> {
  const limit = filter.limit ?? Infinity;
  if (limit <= 0) return;
  let count = 0;
  for await (const event of candidates) {
    if (!matchesFilter(event, filter)) continue;
    yield event;
    if (++count >= limit) return;
  }
}

/** One candidate of a page: an event, and the cursor that resumes just past it (called only when needed). */
export interface Placed {
  event: StoredEvent;
  after: () => string;
}

/**
 * A page from a store's newest-first candidates: the first `limit` that match `filter`, reading at
 * most `maxScan` candidates. `next` resumes past the last event shown, or past the last one read
 * when the scan bound ended the page; null when the candidates ran out.
 */
export async function collectPage(candidates: AsyncIterable<Placed>, filter: EventFilter, options: PageOptions): Promise<EventPage> {
  const events: StoredEvent[] = [];
  let next: string | null = null;
  let scanned = 0;
  for await (const { event, after } of candidates) {
    scanned++;
    if (matchesFilter(event, filter)) {
      // One more match than fits: there is a next page, starting just past the last one shown.
      if (events.length >= options.limit) return { events, next, scanned, partial: false };
      events.push(event);
      next = after();
    }
    if (scanned >= options.maxScan) return { events, next: after(), scanned, partial: events.length < options.limit };
  }
  return { events, next: null, scanned, partial: false };
}

/** Whether only whole-day time bounds are set, so per-day rollups can answer `stats` exactly. */
export function rollupCanAnswer(filter: EventFilter): boolean {
  const dayAligned = (t: number | undefined): boolean => t === undefined || t % 86_400_000 === 0;
  return (
    dayAligned(filter.since) &&
    dayAligned(filter.until) &&
    filter.minScore === undefined &&
    filter.maxScore === undefined &&
    [filter.actions, filter.categories, filter.signals, filter.models, filter.tenants, filter.verdicts].every((list) => list === undefined || list.length === 0)
  );
}

/** `YYYY-MM-DD` (UTC) of epoch ms. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export async function scanStats(events: AsyncIterable<StoredEvent>): Promise<EventStats> {
  const stats = emptyStats('scan');
  for await (const event of events) addToStats(stats, event);
  return stats;
}
