/**
 * The one backoff curve: retry `n` (1-based) waits baseMs · 2^(n-1), capped at capMs, with
 * ±jitter so that the retries of a burst spread out instead of arriving together. Used for
 * job retries, reconnecting to the broker and the database, serialization retries, the
 * outbox relay and sign-in throttling (jitter 0 where the wait is a promise to a person).
 */
export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
  /** Fraction of the delay added or taken at random (0.25: 75%–125%). */
  jitter?: number;
}

export function exponentialBackoff({ baseMs = 1_000, capMs = 60_000, jitter = 0.25 }: BackoffOptions = {}): (retry: number) => number {
  return (retry: number) => {
    const delay = Math.min(capMs, baseMs * 2 ** Math.max(0, retry - 1));
    return jitter === 0 ? delay : Math.round(delay * (1 - jitter + Math.random() * 2 * jitter));
  };
}
