/**
 * Conversation memory in Redis, shared by every proxy instance:
 * - `<prefix>conv:<id>` holds the clarification count (INCR + EXPIRE, so it disappears
 *   `ttlSeconds` after the last clarification);
 * - `<prefix>turns:<key>` holds the remembered turns as JSON (SET EX), read back through the zod
 *   schema.
 */
import { protectIdentifier } from '../../events/redact.js';
import type { RedisClient } from '../redis.js';
import { z } from 'zod';
import { RememberedTurnsSchema, type MemoryStore, type RememberedTurns } from '../../policy/memory-store.js';

/** A stored count as read back: a non-negative integer (absent = 0). */
const CountSchema = z.string().regex(/^\d+$/).transform(Number).nullable();

export class RedisMemoryStore implements MemoryStore {
  readonly local = false;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  /** Client-chosen ids in key names are hashed when they carry a credential or an e-mail address. */
  private turnsKey(key: string): string {
    return `${this.prefix}turns:${protectIdentifier(key)}`;
  }

  private key(conversationId: string): string {
    return `${this.prefix}conv:${protectIdentifier(conversationId)}`;
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

  async recallTurns(key: string): Promise<RememberedTurns | null> {
    const raw = await this.redis.get(this.turnsKey(key));
    if (raw === null) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new Error(`conversation memory: ${this.turnsKey(key)} is not JSON`);
    }
    const stored = RememberedTurnsSchema.safeParse(parsed);
    if (!stored.success) throw new Error(`conversation memory: ${this.turnsKey(key)} does not hold remembered turns`);
    return stored.data;
  }

  async rememberTurns(key: string, turns: RememberedTurns, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.turnsKey(key), JSON.stringify(turns), 'EX', Math.max(1, Math.floor(ttlSeconds)));
  }

  async close(): Promise<void> {}
}
