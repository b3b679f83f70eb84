/**
 * The embedded event store used without REDIS_URL: append-only JSONL, one segment per UTC day
 * (`<dataDir>/events/YYYY-MM-DD.jsonl`), labels appended to `<dataDir>/labels.jsonl`. Meant for
 * one proxy instance per data directory; several instances should share Redis instead.
 *
 * An id index is appended with the segments, one file per UTC day of the *id's* time (`ids-YYYY-MM-DD.idx`,
 * lines `<event id> <segment day> <byte offset>`): `get(id)` reads the index of the day the id names
 * (and its neighbours, for clock edges) and then one line, never the segments themselves.
 */
import { appendFileSync, mkdirSync, statSync } from 'node:fs';
import { mkdir, readdir, stat, truncate, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { EventsConfig } from '../../events/config.js';
import { eventIdTime } from '../../events/id.js';
import { ClarionEventSchema, LabelSchema, type ClarionEvent, type Label } from '../../events/schema.js';
import { ClarionError } from '../../errors.js';
import {
  collectPage,
  matchesFilter,
  scanStats,
  takeMatching,
  utcDay,
  type AppendOutcome,
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
import { appendWhole, parseJsonLine, readLines, readLinesBackward } from '../lines.js';
import { PRIVATE_DIR, PRIVATE_FILE } from '../private-files.js';

const SEGMENT = /^(\d{4}-\d{2}-\d{2})\.jsonl$/;
const DAY_MS = 86_400_000;
const RECENT_IDS = 100_000;
const TAIL_POLL_MS = 200;

/** One line of labels.jsonl. */
const StoredLabelSchema = LabelSchema.extend({ id: z.string() });

export function parseEventLine(text: string): ClarionEvent | null {
  const parsed = ClarionEventSchema.safeParse(parseJsonLine(text));
  return parsed.success ? parsed.data : null;
}

const NO_PIPELINES: WriterStats = Object.freeze({ pipelines: 0, events: 0, maxDepth: 0, duplicates: 0 });

export class FileEventStore implements EventBackend {
  readonly kind = 'file' as const;
  readonly local = true;
  readonly eventsDir: string;
  readonly labelsFile: string;
  /** Ids this process appended, newest last, with where they are: `get` and `label` find fresh events without reading an index. */
  private readonly recentIds = new Map<string, { day: string; offset: number }>();
  private lastPrunedDay = '';

  constructor(
    readonly dataDir: string,
    private readonly config: EventsConfig,
  ) {
    this.eventsDir = join(dataDir, 'events');
    this.labelsFile = join(dataDir, 'labels.jsonl');
  }

  segmentPath(day: string): string {
    return join(this.eventsDir, `${day}.jsonl`);
  }

  /** The id index of ids whose time falls on `day`. */
  indexPath(day: string): string {
    return join(this.eventsDir, `ids-${day}.idx`);
  }

  /** Appends events (one write per day segment). An I/O error (disk full) fails the whole batch. */
  async append(events: readonly ClarionEvent[], serialized?: readonly string[]): Promise<AppendOutcome> {
    try {
      await this.write(events, serialized);
      return { written: events.length, duplicates: 0, failed: [] };
    } catch (error) {
      return { written: 0, duplicates: 0, failed: [...events], error };
    }
  }

  /** Always ready: the disk is here. */
  ready(): boolean {
    return true;
  }

  onAvailability(): void {
    // Never unavailable: nothing to report.
  }

  writerStats(): WriterStats {
    return { ...NO_PIPELINES };
  }

  private async write(events: readonly ClarionEvent[], serialized?: readonly string[]): Promise<void> {
    if (events.length === 0) return;
    const byDay = new Map<string, string[]>();
    events.forEach((event, i) => {
      const day = event.time.slice(0, 10);
      const line = serialized?.[i] ?? JSON.stringify(event);
      const lines = byDay.get(day);
      if (lines === undefined) byDay.set(day, [line]);
      else lines.push(line);
    });
    const ids = new Map<string, string[]>();
    for (const event of events) {
      const day = event.time.slice(0, 10);
      const list = ids.get(day);
      if (list === undefined) ids.set(day, [event.id]);
      else list.push(event.id);
    }
    for (const [day, lines] of byDay) {
      const text = `${lines.join('\n')}\n`;
      const path = this.segmentPath(day);
      // Where the batch starts (one writer per data directory); a torn tail before it is closed first.
      const start = await this.appendCreatingDir(path, text);
      let offset = start;
      const dayIds = ids.get(day) ?? [];
      const index = new Map<string, string>();
      const places: Array<[string, number]> = [];
      lines.forEach((line, i) => {
        const id = dayIds[i] as string;
        const idDay = utcDay(eventIdTime(id) ?? Date.now());
        index.set(idDay, `${index.get(idDay) ?? ''}${id} ${day} ${offset}\n`);
        places.push([id, offset]);
        offset += Buffer.byteLength(line) + 1;
      });
      try {
        for (const [idDay, entries] of index) await appendWhole(this.indexPath(idDay), entries);
      } catch (error) {
        // Events without their index entries could not be found by id: the batch fails as a whole.
        await truncate(path, start).catch(() => undefined);
        throw error;
      }
      for (const [id, at] of places) this.remember(id, day, at);
    }
    await this.pruneOnNewDay();
  }

  /**
   * Appends by path (robust to the file being rotated or removed), creating the directory only
   * when it is missing; returns where `text` starts. A failed write leaves nothing behind (appendWhole).
   */
  private async appendCreatingDir(path: string, text: string): Promise<number> {
    try {
      return await appendWhole(path, text);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await mkdir(this.eventsDir, PRIVATE_DIR);
      return appendWhole(path, text);
    }
  }

  /** Synchronous append for the rare record() after close(). */
  appendSync(events: readonly ClarionEvent[]): void {
    mkdirSync(this.eventsDir, PRIVATE_DIR);
    for (const event of events) {
      const day = event.time.slice(0, 10);
      const path = this.segmentPath(day);
      let offset = 0;
      try {
        offset = statSync(path).size;
      } catch {
        // A new segment starts at 0.
      }
      appendFileSync(path, `${JSON.stringify(event)}\n`, PRIVATE_FILE);
      appendFileSync(this.indexPath(utcDay(eventIdTime(event.id) ?? Date.now())), `${event.id} ${day} ${offset}\n`, PRIVATE_FILE);
    }
  }

  private remember(id: string, day: string, offset: number): void {
    this.recentIds.set(id, { day, offset });
    if (this.recentIds.size > RECENT_IDS) {
      const oldest = this.recentIds.keys().next();
      if (oldest.done !== true) this.recentIds.delete(oldest.value);
    }
  }

  /** Retention: day segments older than `retention.days` are deleted, checked once per day. */
  private async pruneOnNewDay(): Promise<void> {
    const today = utcDay(Date.now());
    if (today === this.lastPrunedDay) return;
    this.lastPrunedDay = today;
    const oldestKept = utcDay(Date.now() - this.config.retention.days * DAY_MS);
    for (const day of await this.days()) {
      if (day >= oldestKept) continue;
      await unlink(this.segmentPath(day)).catch(() => undefined);
      await unlink(this.indexPath(day)).catch(() => undefined);
    }
  }

  /** Days with a segment, oldest first. */
  async days(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.eventsDir);
    } catch {
      return [];
    }
    const days: string[] = [];
    for (const name of names) {
      const match = SEGMENT.exec(name);
      if (match?.[1] !== undefined) days.push(match[1]);
    }
    return days.sort();
  }

  async loadLabels(): Promise<Map<string, Label[]>> {
    const labels = new Map<string, Label[]>();
    for await (const line of readLines(this.labelsFile)) {
      const raw = parseJsonLine(line.text);
      const parsed = StoredLabelSchema.safeParse(raw);
      if (!parsed.success) continue;
      const { id, ...label } = parsed.data;
      const list = labels.get(id);
      if (list === undefined) labels.set(id, [label]);
      else list.push(label);
    }
    return labels;
  }

  private withLabels(event: ClarionEvent, labels: Map<string, Label[]>): StoredEvent {
    const found = labels.get(event.id);
    return found === undefined ? event : { ...event, labels: [...event.labels, ...found] };
  }

  private daysInRange(days: string[], filter: EventFilter): string[] {
    const first = filter.since === undefined ? '' : utcDay(filter.since);
    const last = filter.until === undefined ? '9999-12-31' : utcDay(filter.until - 1);
    return days.filter((d) => d >= first && d <= last);
  }

  private async *segmentEvents(day: string, end?: number): AsyncGenerator<ClarionEvent> {
    for await (const line of readLines(this.segmentPath(day), 0, end)) {
      const event = parseEventLine(line.text);
      if (event !== null) yield event;
    }
  }

  list(filter: EventFilter): AsyncGenerator<StoredEvent> {
    return takeMatching(this.candidates(filter), filter);
  }

  /** Every labelled event of the filter's days, in the filter's order. */
  private async *candidates(filter: EventFilter): AsyncGenerator<StoredEvent> {
    const labels = await this.loadLabels();
    const days = this.daysInRange(await this.days(), filter);
    if (filter.order === 'desc') {
      for (const day of days.reverse()) {
        const events: ClarionEvent[] = [];
        for await (const event of this.segmentEvents(day)) events.push(event);
        for (let i = events.length - 1; i >= 0; i--) yield this.withLabels(events[i] as ClarionEvent, labels);
      }
      return;
    }
    for (const day of days) {
      for await (const event of this.segmentEvents(day)) yield this.withLabels(event, labels);
    }
  }

  /**
   * Newest first from a byte position: the cursor is `f:<day>:<offset>`, the day segment and the
   * start of the last line shown; the page reads that segment backwards from there (then the older
   * days' from their ends), so a deep page reads what a first page does.
   */
  async page(filter: EventFilter, options: PageOptions): Promise<EventPage> {
    const from = parseFileCursor(options.cursor);
    const days = this.daysInRange(await this.days(), filter)
      .filter((day) => from === null || day <= from.day)
      .reverse();
    return collectPage(this.placedBackward(days, from, await this.loadLabels()), filter, options);
  }

  /** The events of `days` (newest first), the first from `from`'s offset, each with the cursor past it. */
  private async *placedBackward(days: string[], from: { day: string; offset: number } | null, labels: Map<string, Label[]>): AsyncGenerator<Placed> {
    for (const day of days) {
      for await (const line of readLinesBackward(this.segmentPath(day), day === from?.day ? from.offset : undefined)) {
        const event = parseEventLine(line.text);
        if (event !== null) yield { event: this.withLabels(event, labels), after: () => `${FILE_CURSOR}${day}:${line.start}` };
      }
    }
  }

  async get(id: string): Promise<StoredEvent | null> {
    const idTime = eventIdTime(id);
    if (idTime === null) return null;
    const event = await this.find(id, idTime);
    return event === null ? null : this.withLabels(event, await this.loadLabels());
  }

  /** The event with this id, through the index of its day (the id's time is the request's arrival) and the neighbouring days. */
  private async find(id: string, idTime: number): Promise<ClarionEvent | null> {
    const recent = this.recentIds.get(id);
    if (recent !== undefined) return this.eventAt(recent.day, recent.offset, id);
    const days = await this.days();
    for (const day of [utcDay(idTime), utcDay(idTime - DAY_MS), utcDay(idTime + DAY_MS)]) {
      const place = await this.indexed(day, id);
      if (place === 'no-index') {
        // A segment written before indexes existed: read that one day.
        if (!days.includes(day)) continue;
        for await (const event of this.segmentEvents(day)) if (event.id === id) return event;
        continue;
      }
      if (place !== null) return this.eventAt(place.day, place.offset, id);
    }
    return null;
  }

  /** Where the index of `idDay` puts `id`; null when it does not list it, 'no-index' when there is no index for that day. */
  private async indexed(idDay: string, id: string): Promise<{ day: string; offset: number } | null | 'no-index'> {
    const path = this.indexPath(idDay);
    if ((await fileSize(path)) === 0) return 'no-index';
    const prefix = `${id} `;
    for await (const line of readLines(path)) {
      if (!line.text.startsWith(prefix)) continue;
      const [, day, offset] = line.text.split(' ');
      if (day !== undefined && offset !== undefined) return { day, offset: Number(offset) };
    }
    return null;
  }

  private async eventAt(day: string, offset: number, id: string): Promise<ClarionEvent | null> {
    for await (const line of readLines(this.segmentPath(day), offset)) {
      const event = parseEventLine(line.text);
      return event?.id === id ? event : null;
    }
    return null;
  }

  async *tail(filter: EventFilter, options: TailOptions = {}): AsyncGenerator<StoredEvent> {
    const signal = options.signal;
    // Fix the follow position first, then read the backlog only up to it: no gap, no repeat.
    let days = await this.days();
    let day = days.at(-1) ?? utcDay(Date.now());
    let offset = await fileSize(this.segmentPath(day));
    const backlog = options.backlog ?? 0;
    if (backlog > 0) {
      const labels = await this.loadLabels();
      const newest: StoredEvent[] = [];
      for (const d of [...days].reverse()) {
        const found: StoredEvent[] = [];
        for await (const raw of this.segmentEvents(d, d === day ? offset : undefined)) {
          const event = this.withLabels(raw, labels);
          if (matchesFilter(event, filter)) found.push(event);
        }
        newest.unshift(...found.slice(-(backlog - newest.length)));
        if (newest.length >= backlog) break;
      }
      for (const event of newest) yield event;
    }
    while (!isAborted(signal)) {
      let progressed = false;
      for await (const line of readLines(this.segmentPath(day), offset)) {
        offset = line.end;
        progressed = true;
        const event = parseEventLine(line.text);
        if (event !== null && matchesFilter(event, filter)) yield event;
        if (isAborted(signal)) return;
      }
      if (progressed) continue;
      days = await this.days();
      const next = days.find((d) => d > day);
      if (next !== undefined) {
        // Finish the old segment before moving on (a late append may still land there).
        if ((await fileSize(this.segmentPath(day))) > offset) continue;
        day = next;
        offset = 0;
        continue;
      }
      await sleep(TAIL_POLL_MS, undefined, { signal }).catch(() => undefined);
    }
  }

  async stats(filter: EventFilter): Promise<EventStats> {
    return scanStats(this.list({ ...filter, limit: undefined, order: 'asc' }));
  }

  async label(id: string, label: Label): Promise<boolean> {
    const idTime = eventIdTime(id);
    if (idTime === null || (!this.recentIds.has(id) && (await this.find(id, idTime)) === null)) return false;
    await mkdir(this.dataDir, PRIVATE_DIR);
    await appendWhole(this.labelsFile, `${JSON.stringify({ id, ...label })}\n`);
    return true;
  }

  async close(): Promise<void> {
    // Nothing held open: every append opens and closes its file.
  }
}

/** Page cursors: `f:<segment day>:<byte offset>`. */
const FILE_CURSOR = 'f:';
const FILE_POSITION = /^f:(\d{4}-\d{2}-\d{2}):(\d{1,15})$/;

function parseFileCursor(cursor: string | undefined): { day: string; offset: number } | null {
  if (cursor === undefined || cursor === '') return null;
  const match = FILE_POSITION.exec(cursor);
  if (match?.[1] === undefined || match[2] === undefined) throw new ClarionError('CLARION_INVALID_REQUEST', 'cursor: not a position in this event store');
  return { day: match[1], offset: Number(match[2]) };
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

/** A function, not a property read, so TypeScript does not narrow it across awaits. */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}
