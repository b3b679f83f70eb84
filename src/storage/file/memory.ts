/**
 * Conversation memory without Redis: bounded in-process LRUs with the same expiry, for one proxy
 * instance (several instances should share Redis). One LRU for clarification counts, one for
 * remembered turns.
 */
import type { MemoryStore, RememberedTurns } from '../../policy/memory-store.js';
import { ExpiringLru } from './expiring-lru.js';

export interface InProcessMemoryOptions {
  /** Most conversations kept (least recently written are dropped first), per kind of record. */
  maxEntries: number;
  /** Clock for the expiry (tests). */
  now?: (() => number) | undefined;
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
