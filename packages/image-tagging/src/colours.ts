import sharp from 'sharp';

/** Reference colours for naming; nearest in a perceptual-ish space wins. */
const NAMED: ReadonlyArray<[string, [number, number, number]]> = [
  ['red', [200, 30, 30]],
  ['orange', [235, 130, 30]],
  ['yellow', [235, 215, 40]],
  ['green', [50, 160, 60]],
  ['teal', [30, 150, 150]],
  ['blue', [40, 90, 210]],
  ['purple', [130, 60, 170]],
  ['pink', [235, 130, 180]],
  ['brown', [120, 75, 40]],
  ['black', [15, 15, 15]],
  ['white', [245, 245, 245]],
  ['gray', [128, 128, 128]],
];

function nearestName([r, g, b]: [number, number, number]): string {
  let best = 'gray';
  let bestDistance = Infinity;
  for (const [name, [nr, ng, nb]] of NAMED) {
    // Weighted RGB ("redmean"): cheap and close enough to perceived difference for naming.
    const mean = (r + nr) / 2;
    const distance = (2 + mean / 256) * (r - nr) ** 2 + 4 * (g - ng) ** 2 + (2 + (255 - mean) / 256) * (b - nb) ** 2;
    if (distance < bestDistance) [best, bestDistance] = [name, distance];
  }
  return best;
}

/** Names for a palette (most prominent first), without repeats, at most three. */
export function colourNames(rgbPalette: Array<[number, number, number]>): string[] {
  return [...new Set(rgbPalette.map(nearestName))].slice(0, 3);
}

/** The image's palette: its pixels, named, most common first (names covering < 10% are dropped). */
export async function paletteNames(image: Buffer): Promise<string[]> {
  const { data, info } = await sharp(image).resize(48, 48, { fit: 'fill' }).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const counts = new Map<string, number>();
  for (let i = 0; i < data.length; i += info.channels) {
    const name = nearestName([data[i]!, data[i + 1]!, data[i + 2]!]);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const pixels = info.width * info.height;
  return [...counts.entries()]
    .filter(([, count]) => count / pixels >= 0.1)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 3)
    .map(([name]) => name);
}
