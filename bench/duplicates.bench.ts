/**
 * "Possible duplicates" for one user with 10,000 images (embedded PGlite): the bucketed
 * search (packages/images/src/duplicates.ts: hash quarters and their one-bit neighbours)
 * against comparing every pair in JavaScript, alternating rounds in one process, with the
 * ratio. Both must find the same groups.
 *
 * The hashes: uniform random, except that a fifth of the images share their first quarter
 * (as dark or flat photos do, which crowds one bucket), and every 25th image is a copy of
 * an earlier one with 1 to 6 bits flipped.
 *
 *   npx tsx bench/duplicates.bench.ts [images=10000] [rounds=3]
 */
import { randomUUID } from 'node:crypto';
import { migrate, openPglite } from '@glimpse/database';
import { NEAR_DUPLICATE_BITS, nearDuplicateGroups } from '@glimpse/images';

const count = Number(process.argv[2] ?? 10_000);
const rounds = Number(process.argv[3] ?? 3);

const db = await openPglite();
await migrate(db);
const owner = randomUUID();
await db.query(`INSERT INTO users (id, email, username, password_hash) VALUES ($1, 'bench@example.com', 'bench', 'x')`, [owner]);

const random64 = () => [0, 1, 2, 3].map(() => Math.floor(Math.random() * 65536).toString(16).padStart(4, '0')).join('');
const flipBits = (hash: string, bits: number) => {
  let value = BigInt(`0x${hash}`);
  const chosen = new Set<number>();
  while (chosen.size < bits) chosen.add(Math.floor(Math.random() * 64));
  for (const bit of chosen) value ^= 1n << BigInt(bit);
  return value.toString(16).padStart(16, '0');
};
const hashes: string[] = [];
for (let n = 0; n < count; n++) {
  if (n % 25 === 24) hashes.push(flipBits(hashes[Math.floor(Math.random() * n)]!, 1 + (n % 6)));
  else hashes.push(n % 5 === 0 ? `0000${random64().slice(4)}` : random64());
}
const started = performance.now();
await db.query(
  `INSERT INTO images (id, owner_id, title, visibility, status, original_key, original_mime, original_bytes, width, height, perceptual_hash, created_at, updated_at)
   SELECT gen_random_uuid(), $1, 'photo ' || n, 'private', 'ready', 'originals/' || n, 'image/jpeg', 1000, 100, 100, h, now() - n * interval '1 second', now()
   FROM unnest($2::text[]) WITH ORDINALITY AS s (h, n)`,
  [owner, hashes],
);
console.log(`${count} images seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);

const popcount16 = new Uint8Array(1 << 16);
for (let i = 1; i < popcount16.length; i++) popcount16[i] = (i & 1) + popcount16[i >> 1]!;

/** The peer: every pair compared (with the same table-driven popcount), then the same union of pairs into groups. */
async function allPairs() {
  const rows = await db.query<{ id: string; perceptual_hash: string }>(
    `SELECT id, perceptual_hash FROM images WHERE owner_id = $1 AND deleted_at IS NULL AND status = 'ready' AND perceptual_hash IS NOT NULL`,
    [owner],
  );
  const parent = rows.map((_, i) => i);
  const root = (x: number): number => (parent[x] === x ? x : (parent[x] = root(parent[x]!)));
  const q = rows.map((row) => [0, 4, 8, 12].map((at) => Number.parseInt(row.perceptual_hash.slice(at, at + 4), 16)));
  for (let a = 0; a < rows.length; a++) {
    const [a0, a1, a2, a3] = q[a]!;
    for (let b = a + 1; b < rows.length; b++) {
      const [b0, b1, b2, b3] = q[b]!;
      if (popcount16[a0! ^ b0!]! + popcount16[a1! ^ b1!]! + popcount16[a2! ^ b2!]! + popcount16[a3! ^ b3!]! <= NEAR_DUPLICATE_BITS) parent[root(b)] = root(a);
    }
  }
  const groups = new Map<number, string[]>();
  rows.forEach((row, i) => (groups.get(root(i)) ?? groups.set(root(i), []).get(root(i))!).push(row.id));
  return [...groups.values()].filter((group) => group.length > 1);
}

const key = (groups: string[][]) => groups.map((group) => [...group].sort().join(',')).sort().join('|');
const times = { bucketed: [] as number[], allPairs: [] as number[] };
let found = 0;
for (let round = 0; round < rounds; round++) {
  let at = performance.now();
  const bucketed = await nearDuplicateGroups(db, owner);
  times.bucketed.push(performance.now() - at);
  at = performance.now();
  const naive = await allPairs();
  times.allPairs.push(performance.now() - at);
  if (key(bucketed.map((group) => group.imageIds)) !== key(naive)) throw new Error('the bucketed search and the all-pairs comparison found different groups');
  found = bucketed.length;
  console.log(`round ${round + 1}: bucketed ${times.bucketed.at(-1)!.toFixed(0)} ms, all pairs ${times.allPairs.at(-1)!.toFixed(0)} ms`);
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
console.log(
  `${count} images, ${found} groups (same in both): bucketed median ${median(times.bucketed).toFixed(0)} ms, all pairs ${median(times.allPairs).toFixed(0)} ms, ratio ${(median(times.allPairs) / median(times.bucketed)).toFixed(1)}x`,
);
await db.close();
