/**
 * Conversation memory without Redis: a bounded in-process LRU with the same expiry, for one proxy
 * instance (several instances should share Redis).
 */
import type { MemoryStore } from '../../policy/memory-store.js';

interface Entry {
  count: number;
  expiresAt: number;
}

export interface InProcessMemoryOptions {
  /** Most conversations kept (least recently clarified are dropped first). */
  maxEntries: number;
  /** Clock for the expiry (tests). */
  now?: (() => number) | undefined;
}

export class InProcessMemoryStore implements MemoryStore {
  readonly local = true;
  // A Map iterates in insertion order: re-inserting on write keeps the oldest entries first.
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(private readonly options: InProcessMemoryOptions) {
    this.now = options.now ?? Date.now;
  }

  private read(id: string): number {
    const entry = this.entries.get(id);
    if (entry === undefined) return 0;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(id);
      return 0;
    }
    return entry.count;
  }

  clarifications(conversationId: string): Promise<number> {
    return Promise.resolve(this.read(conversationId));
  }

  recordClarification(conversationId: string, ttlSeconds: number): Promise<void> {
    const count = this.read(conversationId) + 1;
    this.entries.delete(conversationId);
    this.entries.set(conversationId, { count, expiresAt: this.now() + Math.max(1, ttlSeconds) * 1000 });
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
    return Promise.resolve();
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}
