/**
 * How far apart (Hamming distance of the processor's 64-bit dHash) a photo and its
 * resized or recompressed copy are, against how close unrelated photos come: the numbers
 * behind the "possible duplicates" threshold (packages/images/src/duplicates.ts), and how
 * far the average colour (from the ThumbHash placeholder) moves, the check beside it.
 *
 * Every photo in packages/image-tagging/test/fixtures/photos goes through the real
 * processor, and so do four copies of it: half size, a quarter size, recompressed as
 * JPEG quality 35, and as WebP quality 50 at 70 % size.
 *
 *   npx tsx bench/duplicate-distances.ts [photos=all]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { thumbHashToAverageRGBA } from 'thumbhash';
import { hammingDistance } from '@glimpse/images';
import { processImage } from '@glimpse/image-processing';

const dir = join(import.meta.dirname, '../packages/image-tagging/test/fixtures/photos');
const limit = Number(process.argv[2] ?? Infinity);
const files = readdirSync(dir).filter((name) => /\.(jpe?g|png|webp)$/i.test(name)).slice(0, limit);

interface Facts {
  hash: string;
  average: { r: number; g: number; b: number };
}
const hashOf = async (bytes: Buffer): Promise<Facts> => {
  const processed = await processImage(bytes, { maxPixels: 100_000_000 });
  return { hash: processed.perceptualHash, average: thumbHashToAverageRGBA(Buffer.from(processed.placeholder, 'base64')) };
};
/** Largest difference of the average colour's channels (0..1), from the ThumbHash placeholder. */
const colourGap = (a: Facts, b: Facts) => Math.max(Math.abs(a.average.r - b.average.r), Math.abs(a.average.g - b.average.g), Math.abs(a.average.b - b.average.b));
const colourGaps: number[] = [];
const copies: Record<string, (bytes: Buffer) => Promise<Buffer>> = {
  'half size': async (b) => sharp(b).rotate().resize({ width: Math.round(((await sharp(b).metadata()).width ?? 800) / 2) }).jpeg({ quality: 85 }).toBuffer(),
  'quarter size': async (b) => sharp(b).rotate().resize({ width: Math.round(((await sharp(b).metadata()).width ?? 800) / 4) }).jpeg({ quality: 80 }).toBuffer(),
  'jpeg q35': async (b) => sharp(b).rotate().jpeg({ quality: 35 }).toBuffer(),
  'webp q50 70%': async (b) => sharp(b).rotate().resize({ width: Math.round(((await sharp(b).metadata()).width ?? 800) * 0.7) }).webp({ quality: 50 }).toBuffer(),
};

const originals: Facts[] = [];
const copyDistances: Record<string, number[]> = Object.fromEntries(Object.keys(copies).map((k) => [k, []]));
for (const file of files) {
  const bytes = readFileSync(join(dir, file));
  const hash = await hashOf(bytes);
  originals.push(hash);
  for (const [kind, make] of Object.entries(copies)) {
    const copy = await hashOf(await make(bytes));
    copyDistances[kind]!.push(hammingDistance(hash.hash, copy.hash));
    colourGaps.push(colourGap(hash, copy));
  }
  process.stdout.write('.');
}
process.stdout.write('\n');

const unrelated: number[] = [];
const nearest: Array<[number, string, string, number]> = [];
for (let a = 0; a < originals.length; a++) {
  for (let b = a + 1; b < originals.length; b++) {
    const distance = hammingDistance(originals[a]!.hash, originals[b]!.hash);
    unrelated.push(distance);
    nearest.push([distance, files[a]!, files[b]!, colourGap(originals[a]!, originals[b]!)]);
  }
}
const histogram = (values: number[], upTo: number) =>
  Array.from({ length: upTo + 1 }, (_, d) => values.filter((v) => v === d).length)
    .map((count, d) => `${d}:${count}`)
    .join(' ');

console.log(`${files.length} photos`);
for (const [kind, values] of Object.entries(copyDistances)) {
  console.log(`copy ${kind.padEnd(13)} max ${Math.max(...values)}  mean ${(values.reduce((s, v) => s + v, 0) / values.length).toFixed(2)}  histogram ${histogram(values, Math.max(...values))}`);
}
const all = Object.values(copyDistances).flat();
const sorted = [...unrelated].sort((x, y) => x - y);
console.log(`copies overall: max ${Math.max(...all)}, ${all.filter((d) => d <= 3).length}/${all.length} within 3, ${all.filter((d) => d <= 6).length}/${all.length} within 6`);
console.log(`unrelated pairs: ${unrelated.length}, min ${sorted[0]}, 1st percentile ${sorted[Math.floor(sorted.length / 100)]}, median ${sorted[Math.floor(sorted.length / 2)]}`);
const COLOUR = 0.08;
for (const t of [3, 4, 5, 6, 7, 8, 10]) {
  const close = nearest.filter(([d]) => d <= t);
  console.log(
    `threshold ${t}: copies found ${all.filter((d) => d <= t).length}/${all.length}, unrelated pairs within it ${close.length}, of which colours within ${COLOUR}: ${close.filter(([, , , gap]) => gap <= COLOUR).length}`,
  );
}
console.log(`nearest unrelated pairs: ${nearest.sort((x, y) => x[0] - y[0]).slice(0, 5).map(([d, a, b, gap]) => `${a}~${b} ${d} bits, colour gap ${gap.toFixed(3)}`).join(', ')}`);
const gaps = [...colourGaps].sort((x, y) => x - y);
console.log(`average-colour gap of copies: max ${gaps.at(-1)!.toFixed(3)}, 99th percentile ${gaps[Math.floor(gaps.length * 0.99)]!.toFixed(3)}, median ${gaps[Math.floor(gaps.length / 2)]!.toFixed(3)}`);
const worst = Object.entries(copyDistances).flatMap(([kind, values]) => values.map((d, i) => [d, kind, files[i]!] as const)).sort((x, y) => y[0] - x[0]).slice(0, 6);
console.log(`farthest copies: ${worst.map(([d, kind, file]) => `${file} (${kind}) ${d}`).join(', ')}`);
