/** Policy history in Redis: the list `<prefix>policy:history`, one JSON entry per element, oldest first. */
import type { RedisClient } from '../redis.js';
import { nextEntry, PolicyHistoryEntrySchema, type PolicyHistoryEntry, type PolicyHistoryStore } from '../../policy/history.js';
import { parseJsonLine } from '../lines.js';
import { waitForReady } from '../redis.js';

const READY_WAIT_MS = 5_000;

export class RedisPolicyHistory implements PolicyHistoryStore {
  readonly key: string;

  constructor(
    private readonly client: RedisClient,
    prefix: string,
    private readonly ownsClient = false,
  ) {
    this.key = `${prefix}policy:history`;
  }

  async record(entry: Omit<PolicyHistoryEntry, 'diff'>): Promise<PolicyHistoryEntry | null> {
    // At start-up the connection may still be opening (no offline queue): give it a moment.
    await waitForReady(this.client, READY_WAIT_MS);
    const last = await this.client.lindex(this.key, -1);
    const parsed = last === null ? undefined : PolicyHistoryEntrySchema.safeParse(parseJsonLine(last));
    const stored = nextEntry(parsed?.success === true ? parsed.data : undefined, entry);
    if (stored === null) return null;
    await this.client.rpush(this.key, JSON.stringify(stored));
    return stored;
  }

  async list(): Promise<PolicyHistoryEntry[]> {
    const raw = await this.client.lrange(this.key, 0, -1);
    const out: PolicyHistoryEntry[] = [];
    for (const text of raw) {
      const parsed = PolicyHistoryEntrySchema.safeParse(parseJsonLine(text));
      if (parsed.success) out.push(parsed.data);
    }
    return out;
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.client.quit().catch(() => this.client.disconnect());
  }
}
