/**
 * A token bucket per client key (address), in process: `burst` calls at once, refilled at
 * `perMinute`. The table is bounded: when it is full, the least recently seen key is forgotten
 * (it starts again with a full bucket, which only ever errs towards letting a call through).
 */
export interface RateLimiter {
  /** 0 when the call may proceed (and is counted); else milliseconds until it would. */
  take(key: string): number;
}

export interface RateLimiterOptions {
  perMinute: number;
  burst: number;
  /** Most keys remembered. */
  maxKeys?: number;
  now?: () => number;
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const perMs = options.perMinute / 60_000;
  const maxKeys = options.maxKeys ?? 10_000;
  const now = options.now ?? Date.now;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key) {
      const t = now();
      const bucket = buckets.get(key);
      let tokens = options.burst;
      if (bucket !== undefined) {
        tokens = Math.min(options.burst, bucket.tokens + (t - bucket.at) * perMs);
        buckets.delete(key);
      } else if (buckets.size >= maxKeys) {
        const oldest = buckets.keys().next();
        if (oldest.done !== true) buckets.delete(oldest.value);
      }
      if (tokens < 1) {
        buckets.set(key, { tokens, at: t });
        return Math.ceil((1 - tokens) / perMs);
      }
      buckets.set(key, { tokens: tokens - 1, at: t });
      return 0;
    },
  };
}
