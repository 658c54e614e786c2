import { exponentialBackoff } from '@glimpse/backoff';
import { GlimpseError } from '@glimpse/errors';

const MAX_KEYS = 10_000;

/**
 * A fixed-window counter per key (client address or user id), in memory. It protects one
 * process; in the cluster Traefik's rate limit sits in front as well.
 */
export function createRateLimiter({ limit, windowMs }: { limit: number; windowMs: number }) {
  const windows = new Map<string, { startedAt: number; count: number }>();
  const current = (key: string, now: number) => {
    let window = windows.get(key);
    if (!window || now - window.startedAt >= windowMs) {
      if (windows.size > MAX_KEYS) for (const [k, w] of windows) if (now - w.startedAt >= windowMs) windows.delete(k);
      window = { startedAt: now, count: 0 };
      windows.set(key, window);
    }
    return window;
  };
  return {
    limit,
    /**
     * Counts one request for `key`; throws RATE_LIMITED once the window is used up.
     * `from` names whose budget it is, for the message ("your address", "your account").
     */
    take(key: string, action: string, from = 'your address') {
      const now = Date.now();
      const window = current(key, now);
      window.count++;
      if (window.count > limit) {
        const seconds = Math.ceil((window.startedAt + windowMs - now) / 1000);
        throw new GlimpseError('RATE_LIMITED', `Too many ${action} attempts from ${from} (at most ${limit} per ${describeWindow(windowMs)}); try again in ${seconds} s.`, undefined, {
          retryAfterSeconds: seconds,
        });
      }
    },
    /** How many requests `key` has used in its current window. */
    used(key: string) {
      const window = windows.get(key);
      return window && Date.now() - window.startedAt < windowMs ? window.count : 0;
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;

/**
 * A token bucket per key, the same algorithm as Traefik's RateLimit middleware: `burst`
 * requests at once, refilled at `perMinute`. Used for uploads per user, so that a folder
 * of photos goes through at once while a sustained flood is slowed to what the pipeline
 * absorbs.
 */
export function createTokenBucket({ burst, perMinute }: { burst: number; perMinute: number }) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const perMs = perMinute / 60_000;
  return {
    burst,
    perMinute,
    take(key: string, action: string, from = 'your account') {
      const now = Date.now();
      if (buckets.size > MAX_KEYS) for (const [k, b] of buckets) if (b.tokens + (now - b.at) * perMs >= burst) buckets.delete(k);
      const bucket = buckets.get(key) ?? { tokens: burst, at: now };
      bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.at) * perMs);
      bucket.at = now;
      buckets.set(key, bucket);
      if (bucket.tokens < 1) {
        const seconds = Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
        throw new GlimpseError(
          'RATE_LIMITED',
          `Too many ${action} from ${from} at once (${burst} at a time, then ${perMinute} a minute); waiting ${seconds} s before the next one.`,
          undefined,
          { retryAfterSeconds: seconds },
        );
      }
      bucket.tokens -= 1;
    },
  };
}

export type TokenBucket = ReturnType<typeof createTokenBucket>;

function describeWindow(ms: number) {
  if (ms % 3_600_000 === 0) return ms === 3_600_000 ? 'hour' : `${ms / 3_600_000} hours`;
  if (ms % 60_000 === 0) return ms === 60_000 ? 'minute' : `${ms / 60_000} minutes`;
  return `${Math.round(ms / 1000)} s`;
}

/**
 * Failed attempts per key with exponential backoff: the first `freeFailures` cost nothing,
 * then each further failure doubles the wait before the next attempt (from `baseMs` up to
 * `maxMs`). A success clears the key. Used for password guesses per account and per address.
 */
export function createBackoffThrottle({ freeFailures, baseMs, maxMs }: { freeFailures: number; baseMs: number; maxMs: number }) {
  const failures = new Map<string, { count: number; lockedUntil: number; lastAt: number }>();
  const forget = (now: number) => {
    for (const [key, entry] of failures) if (now - entry.lastAt > maxMs * 2) failures.delete(key);
  };
  return {
    /** Throws RATE_LIMITED while `key` must wait. */
    check(key: string, what: string) {
      const entry = failures.get(key);
      const now = Date.now();
      if (entry && entry.lockedUntil > now) {
        const seconds = Math.ceil((entry.lockedUntil - now) / 1000);
        throw new GlimpseError('RATE_LIMITED', `Too many failed sign-in attempts for ${what}; try again in ${seconds} s.`, undefined, { retryAfterSeconds: seconds });
      }
    },
    fail(key: string) {
      const now = Date.now();
      if (failures.size > MAX_KEYS) forget(now);
      const entry = failures.get(key) ?? { count: 0, lockedUntil: 0, lastAt: now };
      entry.count++;
      entry.lastAt = now;
      if (entry.count > freeFailures) entry.lockedUntil = now + exponentialBackoff({ baseMs, capMs: maxMs, jitter: 0 })(entry.count - freeFailures);
      failures.set(key, entry);
    },
    succeed(key: string) {
      failures.delete(key);
    },
  };
}

export type BackoffThrottle = ReturnType<typeof createBackoffThrottle>;
