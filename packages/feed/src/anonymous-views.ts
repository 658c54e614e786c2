/**
 * Anonymous views are counted once per address and image per day: without an account there
 * is nothing else to deduplicate on, and a loop of `view` calls must not inflate a count.
 * Kept in memory (bounded); a restart forgets, which at worst counts a view twice.
 */
export function createAnonymousViews({ ttlMs = 24 * 3_600_000, maxEntries = 100_000 } = {}) {
  const seen = new Map<string, number>();
  return {
    /** True the first time `address` views `imageId` within the window. */
    firstView(address: string, imageId: string): boolean {
      const now = Date.now();
      const key = `${address} ${imageId}`;
      const at = seen.get(key);
      if (at !== undefined && now - at < ttlMs) return false;
      if (seen.size >= maxEntries) {
        for (const [k, t] of seen) if (now - t >= ttlMs) seen.delete(k);
        // Still full: drop the oldest entries (Map keeps insertion order).
        for (const k of seen.keys()) {
          if (seen.size < maxEntries) break;
          seen.delete(k);
        }
      }
      seen.delete(key);
      seen.set(key, now);
      return true;
    },
  };
}

export type AnonymousViews = ReturnType<typeof createAnonymousViews>;
