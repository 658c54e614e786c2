import { describe, expect, it } from 'vitest';
import { createVariantBytesCache } from '../src/variant-bytes';

const bytes = (size: number, fill: number) => Buffer.alloc(size, fill);

describe('variant bytes in memory', () => {
  it('stays within its byte budget, letting the least recently used go first', () => {
    const cache = createVariantBytesCache({ maxBytes: 300, maxEntryBytes: 200 });
    cache.set('a', '"1"', bytes(100, 1));
    cache.set('b', '"1"', bytes(100, 2));
    cache.set('c', '"1"', bytes(100, 3));
    expect(cache.get('a', '"1"')?.[0]).toBe(1); // a is now the most recently used
    cache.set('d', '"1"', bytes(100, 4));
    expect(cache.get('b', '"1"')).toBeUndefined();
    expect(cache.get('a', '"1"')?.[0]).toBe(1);
    expect(cache.get('d', '"1"')?.[0]).toBe(4);
    expect(cache.totalBytes).toBe(300);
  });

  it('never keeps a variant above the per-entry limit, and keys by ETag as well as object key', () => {
    const cache = createVariantBytesCache({ maxBytes: 1000, maxEntryBytes: 200 });
    cache.set('big', '"1"', bytes(201, 1));
    expect(cache.get('big', '"1"')).toBeUndefined();
    cache.set('k', '"old"', bytes(10, 1));
    expect(cache.get('k', '"new"')).toBeUndefined();
    expect(cache.totalBytes).toBe(10);
  });

  it('refuses a negative budget with a message naming it', () => {
    expect(() => createVariantBytesCache({ maxBytes: -1, maxEntryBytes: 10 })).toThrow(/maxBytes -1/);
  });
});
