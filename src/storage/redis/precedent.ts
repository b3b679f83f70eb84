/**
 * Precedents in Redis, shared by every proxy instance: `<prefix>prec:{<key>}:<kind>` holds one
 * answer (SET … EX ttl), read for several kinds with one MGET; `<prefix>conv:<id>:asked` holds
 * what Clarion asked about in a conversation until the answer is taken (GETDEL).
 */
import { protectIdentifier } from '../../events/redact.js';
import type { RedisClient } from '../redis.js';
import { PendingGapsSchema, type PendingGaps, type PrecedentStore } from '../../policy/precedent-store.js';

export class RedisPrecedentStore implements PrecedentStore {
  readonly local = false;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private answerKey(key: string, kind: string): string {
    // One hash tag per key: a user's kinds share a Cluster slot, so one MGET reads them.
    return `${this.prefix}prec:{${key}}:${kind}`;
  }

  private askedKey(conversationId: string): string {
    return `${this.prefix}conv:${protectIdentifier(conversationId)}:asked`;
  }

  async answers(key: string, kinds: readonly string[]): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    if (kinds.length === 0) return out;
    const values = await this.redis.mget(...kinds.map((kind) => this.answerKey(key, kind)));
    kinds.forEach((kind, i) => {
      const value = values[i];
      if (typeof value === 'string' && value !== '') out[kind] = value;
    });
    return out;
  }

  async remember(key: string, kind: string, value: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.answerKey(key, kind), value, 'EX', Math.max(1, Math.floor(ttlSeconds)));
  }

  async expect(conversationId: string, pending: PendingGaps, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.askedKey(conversationId), JSON.stringify(pending), 'EX', Math.max(1, Math.floor(ttlSeconds)));
  }

  async takePending(conversationId: string): Promise<PendingGaps | null> {
    const raw = await this.redis.getdel(this.askedKey(conversationId));
    if (raw === null) return null;
    const parsed = PendingGapsSchema.safeParse(JSON.parse(raw));
    if (!parsed.success) throw new Error(`precedent: ${this.askedKey(conversationId)} does not hold pending gaps`);
    return parsed.data;
  }

  async close(): Promise<void> {}
}
