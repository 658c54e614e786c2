import type { Queryable } from '@glimpse/database';

/**
 * "Possible duplicates": groups of one owner's ready images whose perceptual hashes (64-bit
 * dHash) are at most NEAR_DUPLICATE_BITS apart.
 *
 * The threshold is measured (bench/duplicate-distances.ts, the 80 photos of
 * packages/image-tagging/test/fixtures/photos through the real processor): of 320 copies
 * (half size, quarter size, JPEG q35, WebP q50 at 70 %), 283 are within 3 bits of their
 * original, 313 within 6 and 316 within 8; of the 3,160 pairs of different photos the
 * nearest is 3 bits apart (two smooth gradient wallpapers, which no threshold can tell
 * apart), the next 10. Six bits finds 98 % of copies and keeps 4 bits of margin.
 *
 * Never every pair: each hash is cut into four 16-bit quarters; two hashes at most 7 bits
 * apart have a quarter that differs in at most one bit (pigeonhole), so looking up each
 * quarter and its 16 one-bit neighbours in four maps finds every such pair. Cost: 68
 * lookups per distinct hash, then only the candidates are compared.
 */
export const NEAR_DUPLICATE_BITS = 6;

export interface DuplicateGroup {
  /** The group's images, newest first. */
  imageIds: string[];
  /** The largest distance between two images of the group joined directly. */
  maxDistance: number;
}

const popcount16 = new Uint8Array(1 << 16);
for (let i = 1; i < popcount16.length; i++) popcount16[i] = (i & 1) + popcount16[i >> 1]!;

const quartersOf = (hash: string) => [0, 4, 8, 12].map((at) => Number.parseInt(hash.slice(at, at + 4), 16));
const distance = (a: number[], b: number[]) => popcount16[a[0]! ^ b[0]!]! + popcount16[a[1]! ^ b[1]!]! + popcount16[a[2]! ^ b[2]!]! + popcount16[a[3]! ^ b[3]!]!;

/** The owner's near-duplicate groups, the group with the newest image first. */
export async function nearDuplicateGroups(tx: Queryable, ownerId: string, maxBits = NEAR_DUPLICATE_BITS): Promise<DuplicateGroup[]> {
  if (maxBits > 7) throw new Error('nearDuplicateGroups finds pairs at most 7 bits apart (one-bit probes of four quarters)');
  // One narrow index range (images_owner_idx): id and hash only, newest first.
  const rows = await tx.query<{ id: string; perceptual_hash: string }>(
    `SELECT i.id, lower(i.perceptual_hash) AS perceptual_hash FROM images i
     WHERE i.owner_id = $1 AND i.deleted_at IS NULL AND i.status = 'ready' AND i.perceptual_hash IS NOT NULL
     ORDER BY i.created_at DESC, i.id DESC`,
    [ownerId],
  );
  // Images with the same hash are one node; pairs are looked for between distinct hashes.
  const imagesByHash = new Map<string, string[]>();
  for (const row of rows) {
    if (!/^[0-9a-f]{16}$/.test(row.perceptual_hash)) continue;
    const same = imagesByHash.get(row.perceptual_hash);
    if (same) same.push(row.id);
    else imagesByHash.set(row.perceptual_hash, [row.id]);
  }
  const hashes = [...imagesByHash.keys()];
  const quarters = hashes.map(quartersOf);
  const buckets = [0, 1, 2, 3].map(() => new Map<number, number[]>());
  quarters.forEach((q, index) => q.forEach((value, n) => (buckets[n]!.get(value) ?? buckets[n]!.set(value, []).get(value)!).push(index)));

  const parent = hashes.map((_, index) => index);
  const root = (x: number): number => (parent[x] === x ? x : (parent[x] = root(parent[x]!)));
  const maxDistanceOf = new Map<number, number>();
  for (let a = 0; a < hashes.length; a++) {
    // A pair found through several quarters is compared again: cheaper than remembering it.
    for (let n = 0; n < 4; n++) {
      const value = quarters[a]![n]!;
      for (let flip = -1; flip < 16; flip++) {
        for (const b of buckets[n]!.get(flip < 0 ? value : value ^ (1 << flip)) ?? []) {
          if (b <= a) continue;
          const bits = distance(quarters[a]!, quarters[b]!);
          if (bits > maxBits) continue;
          const ra = root(a);
          const rb = root(b);
          const joined = Math.max(bits, maxDistanceOf.get(ra) ?? 0, maxDistanceOf.get(rb) ?? 0);
          parent[rb] = ra;
          maxDistanceOf.set(ra, joined);
        }
      }
    }
  }

  const groups = new Map<number, { hashes: number[] }>();
  hashes.forEach((_, index) => {
    const r = root(index);
    (groups.get(r) ?? groups.set(r, { hashes: [] }).get(r)!).hashes.push(index);
  });
  const newestFirst = new Map(rows.map((row, rank) => [row.id, rank]));
  const result: DuplicateGroup[] = [];
  for (const [r, group] of groups) {
    const imageIds = group.hashes.flatMap((index) => imagesByHash.get(hashes[index]!)!).sort((x, y) => newestFirst.get(x)! - newestFirst.get(y)!);
    if (imageIds.length > 1) result.push({ imageIds, maxDistance: maxDistanceOf.get(r) ?? 0 });
  }
  return result.sort((x, y) => newestFirst.get(x.imageIds[0]!)! - newestFirst.get(y.imageIds[0]!)!);
}
