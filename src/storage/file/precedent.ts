/**
 * Precedents without Redis: bounded in-process maps with the same expiry, for one proxy instance
 * (several instances should share Redis). Least recently written entries go first.
 */
import type { PendingGaps, PrecedentStore } from '../../policy/precedent-store.js';

interface Entry<T> {
  value: T;
  expiresAt: number;
}

export interface InProcessPrecedentOptions {
  /** Most entries kept in each map. */
  maxEntries: number;
  now?: (() => number) | undefined;
}

class ExpiringMap<T> {
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

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}

export class InProcessPrecedentStore implements PrecedentStore {
  readonly local = true;
  private readonly answered: ExpiringMap<string>;
  private readonly asked: ExpiringMap<PendingGaps>;

  constructor(options: InProcessPrecedentOptions) {
    const now = options.now ?? Date.now;
    this.answered = new ExpiringMap(options.maxEntries, now);
    this.asked = new ExpiringMap(options.maxEntries, now);
  }

  answers(key: string, kinds: readonly string[]): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const kind of kinds) {
      const value = this.answered.get(`${key}\u0000${kind}`);
      if (value !== undefined) out[kind] = value;
    }
    return Promise.resolve(out);
  }

  remember(key: string, kind: string, value: string, ttlSeconds: number): Promise<void> {
    this.answered.set(`${key}\u0000${kind}`, value, ttlSeconds);
    return Promise.resolve();
  }

  expect(conversationId: string, pending: PendingGaps, ttlSeconds: number): Promise<void> {
    this.asked.set(conversationId, pending, ttlSeconds);
    return Promise.resolve();
  }

  takePending(conversationId: string): Promise<PendingGaps | null> {
    const pending = this.asked.get(conversationId) ?? null;
    this.asked.delete(conversationId);
    return Promise.resolve(pending);
  }

  async close(): Promise<void> {
    this.answered.clear();
    this.asked.clear();
  }
}
