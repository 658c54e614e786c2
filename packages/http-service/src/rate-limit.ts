import { GlimpseError } from '@glimpse/errors';

/**
 * A fixed-window counter per key (client address), in memory. It protects one process;
 * in the cluster Traefik's rate limit sits in front as well.
 */
export function createRateLimiter({ limit, windowMs }: { limit: number; windowMs: number }) {
  const windows = new Map<string, { startedAt: number; count: number }>();
  return {
    /** Counts one request for `key`; throws RATE_LIMITED once the window is used up. */
    take(key: string, action: string) {
      const now = Date.now();
      let window = windows.get(key);
      if (!window || now - window.startedAt >= windowMs) {
        if (windows.size > 10_000) for (const [k, w] of windows) if (now - w.startedAt >= windowMs) windows.delete(k);
        window = { startedAt: now, count: 0 };
        windows.set(key, window);
      }
      window.count++;
      if (window.count > limit) {
        const seconds = Math.ceil((window.startedAt + windowMs - now) / 1000);
        throw new GlimpseError('RATE_LIMITED', `Too many ${action} attempts from your address; try again in ${seconds} s.`);
      }
    },
  };
}
