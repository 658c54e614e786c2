import type { Queryable } from '@glimpse/database';
import { thumbHashToAverageRGBA } from 'thumbhash';

/**
 * "Possible duplicates": groups of one owner's ready images whose perceptual hashes (64-bit
 * dHash) are at most NEAR_DUPLICATE_BITS apart and whose average colours (from the ThumbHash
 * placeholder) agree within NEAR_DUPLICATE_COLOUR on every channel.
 *
 * Both are measured (bench/duplicate-distances.ts: the 80 photos of
 * packages/image-tagging/test/fixtures/photos through the real processor). Of 320 copies
 * (half size, quarter size, JPEG q35, WebP q50 at 70 %), 283 are within 3 bits of their
 * original, 313 within 6, 316 within 7; their average colour moves by at most 0.037. Of the
 * 3,160 pairs of different photos the nearest is 3 bits apart (two smooth gradient
 * wallpapers, 0.37 apart in colour), the next 10 bits. A dHash sees layout, not colour: the
 * colour check keeps the same composition in other colours out.
 *
 * Never every pair: each hash is cut into four 16-bit quarters; two hashes at most 7 bits
 * apart have a quarter that differs in at most one bit (pigeonhole), so looking up each
 * quarter and its 16 one-bit neighbours in four maps finds every such pair. Cost: 68
 * lookups per image, then only the candidates are compared.
 */
export const NEAR_DUPLICATE_BITS = 7;
/** Largest difference of an average colour channel (0..1) between two copies. */
export const NEAR_DUPLICATE_COLOUR = 0.08;

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

type Average = { r: number; g: number; b: number } | null;

function averageColour(placeholder: string | null): Average {
  if (!placeholder) return null;
  try {
    return thumbHashToAverageRGBA(Buffer.from(placeholder, 'base64'));
  } catch {
    return null;
  }
}

/** Colours agree (an image without a placeholder is judged by its hash alone). */
const coloursAgree = (a: Average, b: Average) =>
  !a || !b || (Math.abs(a.r - b.r) <= NEAR_DUPLICATE_COLOUR && Math.abs(a.g - b.g) <= NEAR_DUPLICATE_COLOUR && Math.abs(a.b - b.b) <= NEAR_DUPLICATE_COLOUR);

/** The owner's near-duplicate groups, the group with the newest image first. */
export async function nearDuplicateGroups(tx: Queryable, ownerId: string, maxBits = NEAR_DUPLICATE_BITS): Promise<DuplicateGroup[]> {
  if (maxBits > 7) throw new Error('nearDuplicateGroups finds pairs at most 7 bits apart (one-bit probes of four quarters)');
  // One narrow index range (images_owner_idx): id, hash and placeholder only, newest first.
  const rows = (
    await tx.query<{ id: string; perceptual_hash: string; placeholder: string | null }>(
      `SELECT i.id, lower(i.perceptual_hash) AS perceptual_hash, i.placeholder FROM images i
       WHERE i.owner_id = $1 AND i.deleted_at IS NULL AND i.status = 'ready' AND i.perceptual_hash IS NOT NULL
       ORDER BY i.created_at DESC, i.id DESC`,
      [ownerId],
    )
  ).filter((row) => /^[0-9a-f]{16}$/.test(row.perceptual_hash));
  const quarters = rows.map((row) => quartersOf(row.perceptual_hash));
  const buckets = [0, 1, 2, 3].map(() => new Map<number, number[]>());
  quarters.forEach((q, index) => q.forEach((value, n) => (buckets[n]!.get(value) ?? buckets[n]!.set(value, []).get(value)!).push(index)));
  const averages = new Map<number, Average>();
  const averageOf = (index: number) => (averages.has(index) ? averages.get(index)! : averages.set(index, averageColour(rows[index]!.placeholder)).get(index)!);

  const parent = rows.map((_, index) => index);
  const root = (x: number): number => (parent[x] === x ? x : (parent[x] = root(parent[x]!)));
  const maxDistanceOf = new Map<number, number>();
  for (let a = 0; a < rows.length; a++) {
    // A pair found through several quarters is compared again: cheaper than remembering it.
    for (let n = 0; n < 4; n++) {
      const value = quarters[a]![n]!;
      for (let flip = -1; flip < 16; flip++) {
        for (const b of buckets[n]!.get(flip < 0 ? value : value ^ (1 << flip)) ?? []) {
          if (b <= a) continue;
          const bits = distance(quarters[a]!, quarters[b]!);
          if (bits > maxBits || !coloursAgree(averageOf(a), averageOf(b))) continue;
          const ra = root(a);
          const rb = root(b);
          const joined = Math.max(bits, maxDistanceOf.get(ra) ?? 0, maxDistanceOf.get(rb) ?? 0);
          parent[rb] = ra;
          maxDistanceOf.set(ra, joined);
        }
      }
    }
  }

  // Rows are newest first, so each group's images are too, and groups meet in order of their newest.
  const groups = new Map<number, string[]>();
  rows.forEach((row, index) => {
    const r = root(index);
    (groups.get(r) ?? groups.set(r, []).get(r)!).push(row.id);
  });
  const result: DuplicateGroup[] = [];
  for (const [r, imageIds] of groups) if (imageIds.length > 1) result.push({ imageIds, maxDistance: maxDistanceOf.get(r) ?? 0 });
  return result;
}
