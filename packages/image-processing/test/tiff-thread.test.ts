// A TIFF whose samples Glimpse unpacks in JavaScript (here 12 bits, one strip: nothing to yield
// between) is rewritten on a thread of its own, so a stranger's large file never holds up the
// event loop of the process that decodes it (the all-in-one serves every request on it).
import type { GlimpseError } from '@glimpse/errors';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { processImage } from '../src/index';

/** An uncompressed little-endian TIFF of 12-bit grey in one strip: a left-to-right ramp from 0 to 4095. */
function twelveBitRamp(width: number, height: number): Buffer {
  const rowBytes = Math.ceil((width * 12) / 8);
  const entries: Array<[tag: number, type: 3 | 4, value: number]> = [
    [256, 4, width],
    [257, 4, height],
    [258, 3, 12],
    [259, 3, 1],
    [262, 3, 1],
    [273, 4, 0], // strip offset, set below
    [277, 3, 1],
    [278, 4, height],
    [279, 4, rowBytes * height],
    [284, 3, 1],
  ];
  const ifdBytes = 2 + entries.length * 12 + 4;
  const dataAt = 8 + ifdBytes;
  entries[5]![2] = dataAt;
  const file = Buffer.alloc(dataAt + rowBytes * height);
  file.write('II*\0', 0, 'latin1');
  file.writeUInt32LE(8, 4);
  file.writeUInt16LE(entries.length, 8);
  entries.forEach(([tag, type, value], i) => {
    const at = 10 + i * 12;
    file.writeUInt16LE(tag, at);
    file.writeUInt16LE(type, at + 2);
    file.writeUInt32LE(1, at + 4);
    if (type === 3) file.writeUInt16LE(value, at + 8);
    else file.writeUInt32LE(value, at + 8);
  });
  const row = Buffer.alloc(rowBytes);
  for (let x = 0; x < width; x += 2) {
    const a = Math.round((x / (width - 1)) * 4095);
    const b = Math.round(((x + 1) / (width - 1)) * 4095);
    const at = (x / 2) * 3;
    row[at] = a >> 4;
    row[at + 1] = ((a & 0xf) << 4) | (b >> 8);
    row[at + 2] = b & 0xff;
  }
  for (let y = 0; y < height; y++) row.copy(file, dataAt + y * rowBytes);
  return file;
}

/** The longest time a 5 ms timer waited beyond its due while `work` ran. */
async function longestStall(work: () => Promise<unknown>): Promise<number> {
  let longest = 0;
  let due = performance.now() + 5;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - due);
    due = now + 5;
  }, 5);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return longest;
}

describe('TIFF rewrites off the event loop', () => {
  it('turns a 12-megapixel 12-bit TIFF into variants of the same ramp while the event loop keeps its turns', async () => {
    // warm: the first image a process decodes pays for loading libvips' codecs
    await processImage(twelveBitRamp(400, 300), { maxPixels: 100_000_000 });
    const tiff = twelveBitRamp(4000, 3000);
    let processed: Awaited<ReturnType<typeof processImage>> | undefined;
    const stall = await longestStall(async () => {
      processed = await processImage(tiff, { maxPixels: 100_000_000 });
    });
    console.log(`figures: a 12 MP 12-bit TIFF (${(tiff.length / 1e6).toFixed(1)} MB) processed; the event loop's longest wait ${stall.toFixed(1)} ms`);
    expect(processed!.width).toBe(4000);
    expect(processed!.height).toBe(3000);
    const medium = processed!.variants.find((variant) => variant.name === 'medium' && variant.format === 'jpeg')!;
    const { data, info } = await sharp(medium.data).greyscale().raw().toBuffer({ resolveWithObject: true });
    const middleRow = Math.floor(info.height / 2) * info.width;
    // dark on the left, light on the right, mid-grey in the middle: the ramp survived the widening
    expect(data[middleRow + 2]!).toBeLessThan(20);
    expect(data[middleRow + info.width - 3]!).toBeGreaterThan(235);
    expect(Math.abs(data[middleRow + Math.floor(info.width / 2)]! - 128)).toBeLessThan(20);
    expect(stall).toBeLessThan(100);
  });

  it('keeps the rewrite’s own refusal, code and words, when the file ends early', async () => {
    const cut = twelveBitRamp(400, 300).subarray(0, 20_000);
    const error = (await processImage(cut, { maxPixels: 100_000_000 }).catch((caught: unknown) => caught)) as GlimpseError;
    expect(error.name).toBe('GlimpseError');
    expect(error.code).toBe('IMAGE_UNDECODABLE');
    expect(error.message).toMatch(/^The image could not be decoded: /);
  });
});
