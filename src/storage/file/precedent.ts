/**
 * Precedents without Redis: bounded in-process maps with the same expiry, for one proxy instance
 * (several instances should share Redis). Least recently written entries go first.
 */
import type { PendingGaps, PrecedentStore } from '../../policy/precedent-store.js';
import { ExpiringLru } from './expiring-lru.js';

export interface InProcessPrecedentOptions {
  /** Most entries kept in each map. */
  maxEntries: number;
  now?: (() => number) | undefined;
}

export class InProcessPrecedentStore implements PrecedentStore {
  readonly local = true;
  private readonly answered: ExpiringLru<string>;
  private readonly asked: ExpiringLru<PendingGaps>;

  constructor(options: InProcessPrecedentOptions) {
    const now = options.now ?? Date.now;
    this.answered = new ExpiringLru(options.maxEntries, now);
    this.asked = new ExpiringLru(options.maxEntries, now);
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
