/**
 * Conversation memory in Redis, shared by every proxy instance: key `<prefix>conv:<id>` holds the
 * clarification count (INCR + EXPIRE, so it disappears `ttlSeconds` after the last clarification).
 */
import type { RedisClient } from '../redis.js';
import { z } from 'zod';
import type { MemoryStore } from '../../policy/memory-store.js';

/** A stored count as read back: a non-negative integer (absent = 0). */
const CountSchema = z.string().regex(/^\d+$/).transform(Number).nullable();

export class RedisMemoryStore implements MemoryStore {
  readonly local = false;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private key(conversationId: string): string {
    return `${this.prefix}conv:${conversationId}`;
  }

  async clarifications(conversationId: string): Promise<number> {
    const stored = CountSchema.safeParse(await this.redis.get(this.key(conversationId)));
    if (!stored.success) throw new Error(`conversation memory: ${this.key(conversationId)} does not hold a count`);
    return stored.data ?? 0;
  }

  async recordClarification(conversationId: string, ttlSeconds: number): Promise<void> {
    const key = this.key(conversationId);
    const results = await this.redis
      .multi()
      .incr(key)
      .expire(key, Math.max(1, Math.floor(ttlSeconds)))
      .exec();
    const failed = results?.find(([error]) => error !== null)?.[0];
    if (failed !== undefined && failed !== null) throw failed;
  }

  async close(): Promise<void> {}
}
