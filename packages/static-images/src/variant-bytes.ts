/**
 * Small variants kept in memory, least recently used first out, bounded by their total size.
 * Keyed by object key and ETag: the bytes under one ETag never change, so an entry is never
 * stale; whether the requester may see them is decided before the cache is asked.
 */
export interface VariantBytesCache {
  get(key: string, etag: string): Buffer | undefined;
  /** Keeps `bytes` when they fit the per-entry limit, evicting the least recently used. */
  set(key: string, etag: string, bytes: Buffer): void;
  readonly totalBytes: number;
  /** Variants larger than this are streamed from storage, never held. */
  readonly maxEntryBytes: number;
}

export function createVariantBytesCache(options: { maxBytes: number; maxEntryBytes: number }): VariantBytesCache {
  if (!(options.maxBytes >= 0) || !(options.maxEntryBytes >= 0)) throw new RangeError(`variant cache sizes must be non-negative, got maxBytes ${options.maxBytes}, maxEntryBytes ${options.maxEntryBytes}`);
  const entries = new Map<string, Buffer>();
  let total = 0;
  const maxEntryBytes = Math.min(options.maxEntryBytes, options.maxBytes);
  return {
    get(key, etag) {
      const id = `${key}\u0000${etag}`;
      const bytes = entries.get(id);
      if (bytes) {
        // Most recently used last: Map keeps insertion order.
        entries.delete(id);
        entries.set(id, bytes);
      }
      return bytes;
    },
    set(key, etag, bytes) {
      if (bytes.length > maxEntryBytes) return;
      const id = `${key}\u0000${etag}`;
      const previous = entries.get(id);
      if (previous) {
        total -= previous.length;
        entries.delete(id);
      }
      while (total + bytes.length > options.maxBytes && entries.size > 0) {
        const [oldest, oldBytes] = entries.entries().next().value!;
        entries.delete(oldest);
        total -= oldBytes.length;
      }
      entries.set(id, bytes);
      total += bytes.length;
    },
    get totalBytes() {
      return total;
    },
    maxEntryBytes,
  };
}
