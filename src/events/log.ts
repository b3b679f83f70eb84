/**
 * The event log the request pipeline writes to. record() only pushes onto a bounded in-memory
 * queue; a single background pump builds the stored events (redaction, serialisation) and writes
 * them in batches through the event backend the config selects (src/storage/index.ts): Redis in
 * pipelines, or the embedded file store.
 *
 * Redis down or slow: the batch goes to the spool on disk (src/events/spool.ts). While anything is
 * spooled, new batches are appended to the spool too, so the replay keeps the original order; once
 * Redis answers again the spool is replayed and removed. Queue full (Redis slower than traffic):
 * the whole queue is spilled to the spool at once. Nothing on the request path waits for I/O.
 */
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { ClarionError } from '../errors.js';
import type { Registry } from '../ops/metrics.js';
import { openEventBackend } from '../storage/index.js';
import { buildEvent } from './build.js';
import { createIdGenerator, isEventId } from './id.js';
import type { EventInput, EventSink } from './input.js';
import { createEventMetrics, type EventMetrics } from './metrics.js';
import { createRecordingRule } from './recording.js';
import { capabilityKey, eventCapability, type EventCapability } from './capability.js';
import { makeLabel } from './labels.js';
import type { ClarionEvent, Label, LabelSource, Verdict } from './schema.js';
import { Spool } from './spool.js';
import type { AppendOutcome, EventBackend, StorageKind, WriterStats } from './store.js';

export interface EventLogHealth {
  store: StorageKind;
  redis: 'up' | 'down' | 'disabled';
  queued: number;
  spooled: number;
  /** True when an event was dropped in the last minute: /readyz answers 503 so the instance is taken out. */
  dropping: boolean;
}

/** How long after a dropped event the instance reports itself not ready. */
const DROPPING_WINDOW_MS = 60_000;

export interface EventLog extends EventSink {
  /** Flushes the queue (to Redis, else to the spool) and closes connections. Called on SIGTERM. */
  close(): Promise<void>;
  health(): EventLogHealth;
  /** Stores feedback on an event; false = unknown event id. Throws EventStoreUnavailableError when Redis is down. */
  label(eventId: string, verdict: Verdict, note?: string, source?: LabelSource): Promise<boolean>;
  /** Resolves once everything queued so far is written (or spooled). */
  flush(): Promise<void>;
  /** The event id an `x-clarion-event-id` token grants, or null when it is not a genuine token (a bare id included). */
  verifyToken(token: string): string | null;
  /** Writer statistics (bench, tests): pipelines sent, events in them, deepest pipeline, replayed events Redis already had. */
  writerStats(): WriterStats;
}

export type { WriterStats };

export interface CreateEventLogOptions {
  config: Config;
  /** Absolute directory of the embedded store and the spool. */
  dataDir: string;
  instanceId: string;
  registry: Registry;
  logger: Logger;
  /** The backend to write through (the event log owns and closes it); default: the one the config selects. */
  backend?: EventBackend;
}

/** label() could not reach the store (Redis down): the caller should retry later. */
export class EventStoreUnavailableError extends ClarionError {
  constructor(detail: string) {
    super('CLARION_EVENT_STORE_UNAVAILABLE', detail);
    this.name = 'EventStoreUnavailableError';
  }
}

/** Longest a label waits for its freshly recorded event to be written. */
const LABEL_WAIT_MS = 5_000;
/** Events built per slice before yielding to the event loop (~0.5 ms of work). */
const BUILD_SLICE = 64;

interface PreparedBatch {
  events: ClarionEvent[];
  serialized: string[];
}

function yieldToRequests(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

class EventLogWriter implements EventLog {
  readonly newId = createIdGenerator();
  private readonly capability: EventCapability;
  readonly shouldRecord: EventSink['shouldRecord'];
  private readonly metrics: EventMetrics;
  private readonly events: Config['events'];
  private queue: EventInput[] = [];
  /** Epoch ms of the last dropped event (0: none yet), for readiness. */
  private lastDropAt = 0;
  private closed = false;
  private closing: Promise<void> | null = null;
  private pumping: Promise<void> | null = null;
  private scheduled = false;
  private spillScheduled = false;
  /** Serialises every disk write (spool appends and claims, file-store appends). */
  private diskLock: Promise<unknown> = Promise.resolve();
  private backoffUntil = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private orphanTimer: NodeJS.Timeout | null = null;
  private orphanCheckDue = true;
  private redisReported: 'up' | 'down' | null = null;
  private readonly idleWaiters: (() => void)[] = [];
  /** Batches taken from the queue and not yet written (label() waits for its event to leave them). */
  private readonly unwritten = new Set<readonly EventInput[]>();

  /**
   * `spool` is there exactly when the backend is remote (it can be unreachable): batches wait
   * there, in order, until it is back. A local backend is written directly, always.
   */
  constructor(
    private readonly options: CreateEventLogOptions,
    private readonly backend: EventBackend,
    private readonly spool: Spool | null,
  ) {
    this.events = options.config.events;
    this.capability = eventCapability(capabilityKey(this.events.feedback.secret, options.dataDir));
    this.shouldRecord = createRecordingRule(this.events);
    this.metrics = createEventMetrics(options.registry, () => this.queue.length);
    this.metrics.redisUp.set(0);
    if (!backend.local) this.watchBackend();
  }

  private get logger(): Logger {
    return this.options.logger;
  }

  private watchBackend(): void {
    this.backend.onAvailability((state, error) => {
      if (state === 'up') {
        this.backoffUntil = 0;
        this.orphanCheckDue = true;
        this.reportRedis('up');
        this.schedule();
        return;
      }
      if (error !== undefined && this.redisReported !== 'down') {
        this.logger.warn({ err: error.message }, 'event log: Redis error; events go to the spool until it is back');
      }
      this.reportRedis('down');
    });
    const every = Math.max(1_000, this.events.writer.orphanSpoolAfterMs / 2);
    this.orphanTimer = setInterval(() => {
      this.orphanCheckDue = true;
      this.schedule();
    }, every);
    this.orphanTimer.unref();
  }

  private reportRedis(state: 'up' | 'down'): void {
    this.metrics.redisUp.set(state === 'up' ? 1 : 0);
    if (this.redisReported === state || this.closed) return;
    this.redisReported = state;
    if (state === 'up') this.logger.info('event log: Redis is up');
    else this.logger.warn('event log: Redis is down; spooling events to disk');
  }

  /**
   * A remote write succeeded: Redis is up. After a stall (a paused or overloaded Redis) the
   * connection never dropped, so no reconnect would say so; the first write that lands does.
   */
  private redisAnswered(): void {
    if (!this.backend.local && this.redisReported !== 'up') this.reportRedis('up');
  }

  /** Whether a batch can go to the backend now (a remote one is up and its retry backoff is over). */
  private writable(): boolean {
    return this.backend.ready() && Date.now() >= this.backoffUntil;
  }

  private redisFailed(count: number, error: unknown): void {
    this.backoffUntil = Date.now() + this.events.writer.retryMs;
    this.reportRedis('down');
    // The reason (timeout, MOVED, CLUSTERDOWN, READONLY...) is what an operator needs to tell a blip from a stuck topology.
    this.logger.warn({ events: count, err: error instanceof Error ? error.message : String(error) }, 'event log: Redis write failed or timed out; spooling');
    this.armRetry();
  }

  /** Wakes the pump when the backoff is over. Timers may fire a little before Date.now() reaches backoffUntil, so the delay is recomputed each time. */
  private armRetry(): void {
    if (this.retryTimer !== null || this.closed) return;
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = null;
        this.schedule();
      },
      Math.max(1, this.backoffUntil - Date.now() + 1),
    );
    this.retryTimer.unref();
  }

  // ---- request path -------------------------------------------------------------------------

  record(input: EventInput): void {
    try {
      if (this.closed) {
        this.writeAfterClose(input);
        return;
      }
      this.queue.push(input);
      if (this.queue.length >= this.events.writer.queueCapacity) this.scheduleSpill();
      this.schedule();
    } catch (error) {
      this.logger.error({ err: error }, 'event log: record failed');
    }
  }

  // ---- background pump ------------------------------------------------------------------------

  private schedule(): void {
    if (this.scheduled || this.pumping !== null) return;
    this.scheduled = true;
    const interval = this.events.writer.flushIntervalMs;
    if (interval > 0 && !this.closed) setTimeout(this.startPump, interval).unref();
    else setImmediate(this.startPump);
  }

  private readonly startPump = (): void => {
    this.scheduled = false;
    if (this.pumping !== null) return;
    this.pumping = this.pump()
      .catch((error: unknown) => this.logger.error({ err: error }, 'event log: writer failed'))
      .finally(() => {
        this.pumping = null;
        if (this.queue.length > 0 || (this.replayWanted() && this.writable())) {
          this.schedule();
          return;
        }
        // A spool still waits but the backoff is not over (or the retry fired a hair early):
        // without a timer nothing would wake the pump until the next record() or reconnect.
        if (this.replayWanted() && this.backend.ready()) this.armRetry();
        for (const wake of this.idleWaiters.splice(0)) wake();
      });
  };

  private replayWanted(): boolean {
    return this.spool !== null && !this.closed && (this.spool.hasPending() || this.orphanCheckDue);
  }

  /**
   * One loop: replay a spool batch when due, then take a queue batch. The next batch is built
   * (redaction, JSON) while the previous one is in flight, so CPU and Redis overlap; writes still
   * happen one batch after the other, in order.
   */
  private async pump(): Promise<void> {
    let inFlight: Promise<void> | null = null;
    try {
      for (;;) {
        let worked = false;
        if (this.replayWanted() && this.writable()) {
          if (inFlight !== null) await inFlight;
          inFlight = null;
          worked = await this.replayStep();
        }
        if (this.queue.length > 0) {
          const inputs = this.queue.splice(0, this.events.writer.batchSize);
          this.unwritten.add(inputs);
          const prepared = await this.prepare(inputs);
          if (inFlight !== null) await inFlight;
          inFlight = this.write(prepared).finally(() => this.unwritten.delete(inputs));
          worked = true;
        }
        if (!worked) break;
      }
    } finally {
      if (inFlight !== null) await inFlight;
    }
  }

  private withDisk<T>(work: () => Promise<T>): Promise<T> {
    const run = this.diskLock.then(work, work);
    this.diskLock = run.catch(() => undefined);
    return run;
  }

  /** Replays one spool batch. Returns whether it made progress. */
  private async replayStep(): Promise<boolean> {
    const spool = this.spool;
    if (spool === null) return false;
    const batch = await this.withDisk(() => spool.nextBatch(this.events.writer.batchSize));
    if (batch === null) {
      this.orphanCheckDue = false;
      return false;
    }
    // A torn line is an event that never made it whole to disk (a crash mid-write): lost, so counted as dropped.
    if (batch.corrupt > 0) this.drop(batch.corrupt, new Error('torn lines in the spool (a crash mid-write)'));
    const outcome = await this.backend.append(batch.events, batch.lines);
    if (outcome.failed.length > 0) {
      this.redisFailed(outcome.failed.length, outcome.error);
      return false;
    }
    this.redisAnswered();
    await this.withDisk(() => batch.commit());
    this.metrics.written.inc(outcome.written);
    this.metrics.replayed.inc(batch.events.length);
    if (!spool.hasPending()) this.logger.info('event log: spool replayed');
    return true;
  }

  private build(inputs: readonly EventInput[]): ClarionEvent[] {
    const events: ClarionEvent[] = [];
    for (const input of inputs) {
      try {
        events.push(buildEvent(input, this.options.instanceId, this.events.redaction));
      } catch (error) {
        this.metrics.dropped.inc();
        this.lastDropAt = Date.now();
        this.logger.error({ err: error, eventId: input.id }, 'event log: event could not be built; DROPPED');
      }
    }
    return events;
  }

  /** Builds and serialises a batch in slices, yielding between them so requests are not held up. */
  private async prepare(inputs: readonly EventInput[]): Promise<PreparedBatch> {
    const events: ClarionEvent[] = [];
    const serialized: string[] = [];
    for (let start = 0; start < inputs.length; start += BUILD_SLICE) {
      if (start > 0) await yieldToRequests();
      for (const event of this.build(inputs.slice(start, start + BUILD_SLICE))) {
        events.push(event);
        serialized.push(JSON.stringify(event));
      }
    }
    return { events, serialized };
  }

  private async write({ events, serialized }: PreparedBatch): Promise<void> {
    if (events.length === 0) return;
    const spool = this.spool;
    // Behind a spool that still holds older events, or while the backend is away: keep the order.
    if (spool !== null && (spool.hasPending() || !this.writable())) {
      await this.toSpool(serialized);
      return;
    }
    // A local backend writes to disk: serialised with the other disk writes.
    const outcome = this.backend.local ? await this.withDisk(() => this.backend.append(events, serialized)) : await this.backend.append(events, serialized);
    this.metrics.written.inc(outcome.written);
    if (outcome.failed.length === 0) {
      this.redisAnswered();
      return;
    }
    if (spool === null) {
      await this.retryOnDisk(events, serialized, outcome);
      return;
    }
    this.redisFailed(outcome.failed.length, outcome.error);
    const failed = new Set(outcome.failed);
    await this.toSpool(serialized.filter((_, i) => failed.has(events[i] as ClarionEvent)));
  }

  /**
   * A local backend failed to write (disk full, read-only): the batch left nothing behind (the file
   * store cuts a partial write back), so it is tried once more after `writer.retryMs` (space may
   * have been freed); what still fails is counted as dropped, loudly.
   */
  private async retryOnDisk(events: readonly ClarionEvent[], serialized: readonly string[], first: AppendOutcome): Promise<void> {
    const failed = new Set(first.failed);
    const again = events.filter((e) => failed.has(e));
    const lines = serialized.filter((_, i) => failed.has(events[i] as ClarionEvent));
    this.logger.warn({ err: first.error, events: again.length, retryInMs: this.events.writer.retryMs }, 'event log: the disk write failed; retrying once');
    await sleep(this.events.writer.retryMs);
    const outcome = await this.withDisk(() => this.backend.append(again, lines));
    this.metrics.written.inc(outcome.written);
    if (outcome.failed.length > 0) this.drop(outcome.failed.length, outcome.error);
  }

  private async toSpool(serialized: readonly string[]): Promise<void> {
    const spool = this.spool;
    if (spool === null || serialized.length === 0) return;
    const text = `${serialized.join('\n')}\n`;
    const append = async (): Promise<void> => {
      await this.withDisk(() => spool.append(text, serialized.length));
      this.metrics.spooled.inc(serialized.length);
    };
    try {
      await append();
    } catch (error) {
      // The failed append left nothing behind (appendWhole): try once more when space may be back.
      this.logger.warn({ err: error, events: serialized.length, retryInMs: this.events.writer.retryMs }, 'event log: the spool write failed; retrying once');
      await sleep(this.events.writer.retryMs);
      await append().catch((again: unknown) => this.drop(serialized.length, again));
    }
  }

  private drop(count: number, error: unknown): void {
    this.metrics.dropped.inc(count);
    this.lastDropAt = Date.now();
    this.logger.error({ err: error, dropped: count }, 'event log: EVENTS DROPPED — the disk could not be written (full or read-only?); fix it now');
  }

  /** Queue at capacity (the store is slower than traffic): move the whole queue to disk in one append. */
  private scheduleSpill(): void {
    if (this.spillScheduled) return;
    this.spillScheduled = true;
    setImmediate(() => {
      this.spillScheduled = false;
      if (this.queue.length < this.events.writer.queueCapacity) return;
      const inputs = this.queue.splice(0);
      this.unwritten.add(inputs);
      const events = this.build(inputs);
      const serialized = events.map((e) => JSON.stringify(e));
      // The spool when there is one; a local backend takes the whole queue itself.
      const written = this.spool !== null ? this.toSpool(serialized) : this.write({ events, serialized });
      void written.finally(() => this.unwritten.delete(inputs));
    });
  }

  private writeAfterClose(input: EventInput): void {
    const events = this.build([input]);
    try {
      if (this.spool !== null) {
        this.spool.appendSync(events.map((e) => `${JSON.stringify(e)}\n`).join(''), events.length);
        this.metrics.spooled.inc(events.length);
      } else {
        this.backend.appendSync(events);
        this.metrics.written.inc(events.length);
      }
    } catch (error) {
      this.drop(events.length, error);
    }
  }

  // ---- management -----------------------------------------------------------------------------

  async flush(): Promise<void> {
    // A spill scheduled for this turn hands its events to the disk lock first.
    if (this.spillScheduled) await new Promise((resolve) => setImmediate(resolve));
    if (this.pumping === null && !this.scheduled && this.queue.length === 0) return this.diskLock.then(() => undefined);
    return new Promise<void>((resolve) => {
      this.idleWaiters.push(resolve);
      this.schedule();
    }).then(() => this.diskLock.then(() => undefined));
  }

  private isUnwritten(id: string): boolean {
    if (this.queue.some((input) => input.id === id)) return true;
    for (const batch of this.unwritten) if (batch.some((input) => input.id === id)) return true;
    return false;
  }

  /** Waits (at most a few seconds) until `id` has left the queue and its batch was written or spooled. */
  private async waitUntilWritten(id: string): Promise<void> {
    const deadline = Date.now() + LABEL_WAIT_MS;
    while (this.isUnwritten(id) && Date.now() < deadline) {
      this.schedule();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  health(): EventLogHealth {
    return {
      store: this.backend.kind,
      redis: this.backend.local ? 'disabled' : this.writable() ? 'up' : 'down',
      queued: this.queue.length,
      spooled: this.spool?.pending ?? 0,
      dropping: this.lastDropAt !== 0 && Date.now() - this.lastDropAt < DROPPING_WINDOW_MS,
    };
  }

  writerStats(): WriterStats {
    return this.backend.writerStats();
  }

  token(id: string): string {
    return this.capability.token(id);
  }

  verifyToken(token: string): string | null {
    return this.capability.verify(token);
  }

  async label(eventId: string, verdict: Verdict, note?: string, source: LabelSource = 'app'): Promise<boolean> {
    if (!isEventId(eventId)) return false;
    // The event may still be queued (a label right after the response): wait until it is written.
    await this.waitUntilWritten(eventId);
    const label: Label = makeLabel({ verdict, note, source });
    if (!this.writable()) throw new EventStoreUnavailableError('Redis is down');
    try {
      if (await this.backend.label(eventId, label)) return true;
      if (this.spool?.hasPending() !== true) return false;
      // Not stored yet but maybe in the spool (after an outage or a burst): give the replay a moment.
      const deadline = Date.now() + LABEL_WAIT_MS;
      while (this.spool.hasPending() && this.writable() && Date.now() < deadline) {
        this.schedule();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return await this.backend.label(eventId, label);
    } catch (error) {
      throw new EventStoreUnavailableError(error instanceof Error ? error.message : String(error));
    }
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    if (this.orphanTimer !== null) clearInterval(this.orphanTimer);
    while (this.queue.length > 0 || this.pumping !== null || this.scheduled) {
      if (this.pumping === null && !this.scheduled) this.startPump();
      await (this.pumping ?? new Promise((r) => setImmediate(r)));
    }
    await this.diskLock;
    await this.backend.close();
    for (const wake of this.idleWaiters.splice(0)) wake();
  }
}

/** Opens the event log. Never throws because Redis is down: the proxy starts and spools until it is back. */
export async function createEventLog(options: CreateEventLogOptions): Promise<EventLog> {
  const { config, dataDir, logger } = options;
  const backend = options.backend ?? openEventBackend(config, dataDir);
  if (backend.local) {
    logger.info({ dataDir }, 'event log: no Redis URL; using the embedded file store');
    return new EventLogWriter(options, backend, null);
  }
  if (config.events.feedback.secret === undefined) {
    logger.warn('event log: no events.feedback.secret (CLARION_FEEDBACK_SECRET); feedback tokens verify only on this instance');
  }
  const spoolDir = resolve(dataDir, config.events.writer.spoolDir ?? 'spool');
  const spool = new Spool(spoolDir, options.instanceId, config.events.writer.orphanSpoolAfterMs);
  try {
    await spool.init();
  } catch (error) {
    logger.error({ err: error, spoolDir }, 'event log: the spool directory is not usable; events will be dropped while Redis is down');
  }
  if (spool.pending > 0) logger.warn({ events: spool.pending }, 'event log: spooled events found; replaying once Redis is up');
  return new EventLogWriter(options, backend, spool);
}
