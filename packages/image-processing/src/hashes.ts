import sharp from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';

/** Uncompressed 8-bit pixels as sharp hands them over (interleaved channels). */
export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

export const rawInput = (img: RawImage) => sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels } });

/**
 * 64-bit difference hash: grey 9x8 render, one bit per horizontally adjacent pair
 * (left brighter than right), rows top to bottom, as 16 lowercase hex digits.
 * Transparent areas are treated as white so a PNG and its JPEG hash alike.
 */
export async function differenceHash(img: RawImage): Promise<string> {
  const { data, info } = await rawInput(img)
    .flatten({ background: '#ffffff' })
    .greyscale()
    .resize(9, 8, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const step = info.channels;
  let hash = 0n;
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      const left = data[(y * 9 + x) * step]!;
      const right = data[(y * 9 + x + 1) * step]!;
      hash = (hash << 1n) | (left > right ? 1n : 0n);
    }
  }
  return hash.toString(16).padStart(16, '0');
}

export { hammingDistance } from '@glimpse/images';

export interface PlaceholderAndColour {
  placeholder: string;
  dominantColor: string;
}

/** ThumbHash (base64) and dominant colour, both from one <=100px RGBA render. */
export async function placeholderAndColour(img: RawImage): Promise<PlaceholderAndColour> {
  const { data, info } = await rawInput(img)
    .resize(100, 100, { fit: 'inside', withoutEnlargement: true })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const hash = rgbaToThumbHash(info.width, info.height, data);
  return { placeholder: Buffer.from(hash).toString('base64'), dominantColor: dominantColour(data) };
}

/**
 * The average colour of the fullest bin of a 16x16x16 RGB histogram (the same idea as
 * sharp's `stats().dominant`), counting only mostly-opaque pixels when there are any.
 */
export function dominantColour(rgba: Uint8Array): string {
  const count = new Uint32Array(4096);
  const sums = new Float64Array(4096 * 3);
  let minAlpha = 0;
  for (let i = 3; i < rgba.length && minAlpha === 0; i += 4) if (rgba[i]! >= 128) minAlpha = 128;
  for (let i = 0; i < rgba.length; i += 4) {
    if (rgba[i + 3]! < minAlpha) continue;
    const r = rgba[i]!;
    const g = rgba[i + 1]!;
    const b = rgba[i + 2]!;
    const bin = ((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4);
    count[bin] = count[bin]! + 1;
    sums[bin * 3] = sums[bin * 3]! + r;
    sums[bin * 3 + 1] = sums[bin * 3 + 1]! + g;
    sums[bin * 3 + 2] = sums[bin * 3 + 2]! + b;
  }
  let best = 0;
  for (let bin = 1; bin < 4096; bin++) if (count[bin]! > count[best]!) best = bin;
  const n = count[best] || 1;
  const hex = (v: number) => Math.round(v / n).toString(16).padStart(2, '0');
  return `#${hex(sums[best * 3]!)}${hex(sums[best * 3 + 1]!)}${hex(sums[best * 3 + 2]!)}`;
}
