/**
 * Conversation memory without Redis: bounded in-process LRUs with the same expiry, for one proxy
 * instance (several instances should share Redis). One LRU for clarification counts, one for
 * remembered turns.
 */
import type { MemoryStore, RememberedTurns } from '../../policy/memory-store.js';

interface Entry<T> {
  value: T;
  expiresAt: number;
}

export interface InProcessMemoryOptions {
  /** Most conversations kept (least recently written are dropped first), per kind of record. */
  maxEntries: number;
  /** Clock for the expiry (tests). */
  now?: (() => number) | undefined;
}

/** A Map with expiry that drops its oldest writes beyond `maxEntries` (a Map iterates in insertion order). */
class ExpiringLru<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number,
  ) {}

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: T, ttlSeconds: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + Math.max(1, ttlSeconds) * 1000 });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}

export class InProcessMemoryStore implements MemoryStore {
  readonly local = true;
  private readonly counts: ExpiringLru<number>;
  private readonly turns: ExpiringLru<RememberedTurns>;

  constructor(options: InProcessMemoryOptions) {
    const now = options.now ?? Date.now;
    this.counts = new ExpiringLru(options.maxEntries, now);
    this.turns = new ExpiringLru(options.maxEntries, now);
  }

  clarifications(conversationId: string): Promise<number> {
    return Promise.resolve(this.counts.get(conversationId) ?? 0);
  }

  recordClarification(conversationId: string, ttlSeconds: number): Promise<void> {
    this.counts.set(conversationId, (this.counts.get(conversationId) ?? 0) + 1, ttlSeconds);
    return Promise.resolve();
  }

  recallTurns(key: string): Promise<RememberedTurns | null> {
    return Promise.resolve(this.turns.get(key) ?? null);
  }

  rememberTurns(key: string, turns: RememberedTurns, ttlSeconds: number): Promise<void> {
    this.turns.set(key, turns, ttlSeconds);
    return Promise.resolve();
  }

  async close(): Promise<void> {
    this.counts.clear();
    this.turns.clear();
  }
}
