import { GlimpseError } from '@glimpse/errors';
import { describe, expect, it } from 'vitest';
import { hammingDistance, processImage } from '../src/index';
import { dominantColour } from '../src/hashes';
import { readCameraFacts } from '../src/exif';
import { scene } from '@glimpse/test-fixtures';

const options = { maxPixels: 100_000_000 };
const hashOf = async (image: Buffer) => (await processImage(image, options)).perceptualHash;

describe('perceptual hash', () => {
  it('matches the same picture at another size and in another format', async () => {
    const big = await hashOf(await scene(1600, 1200, 'a').png().toBuffer());
    const small = await hashOf(await scene(400, 300, 'a').jpeg({ quality: 70 }).toBuffer());
    const webp = await hashOf(await scene(800, 600, 'a').webp({ quality: 50 }).toBuffer());
    expect(hammingDistance(big, small)).toBeLessThanOrEqual(6);
    expect(hammingDistance(big, webp)).toBeLessThanOrEqual(6);
  });

  it('tells two different pictures apart', async () => {
    const a = await hashOf(await scene(800, 600, 'a').png().toBuffer());
    const b = await hashOf(await scene(800, 600, 'b').png().toBuffer());
    expect(hammingDistance(a, b)).toBeGreaterThan(16);
  });
});

describe('hammingDistance', () => {
  it('counts differing bits', () => {
    expect(hammingDistance('0000000000000000', '0000000000000000')).toBe(0);
    expect(hammingDistance('0000000000000000', 'ffffffffffffffff')).toBe(64);
    expect(hammingDistance('8000000000000001', '0000000000000000')).toBe(2);
    expect(hammingDistance('00000000000000F0', '00000000000000f1')).toBe(1);
  });

  it('refuses something that is not a hash', () => {
    expect(() => hammingDistance('abc', '0000000000000000')).toThrow(GlimpseError);
    expect(() => hammingDistance('000000000000000g', '0000000000000000')).toThrow(/not a perceptual hash/);
  });
});

describe('dominantColour', () => {
  it('ignores transparent pixels when there are opaque ones', () => {
    const rgba = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 200, 40, 40, 255]);
    expect(dominantColour(rgba)).toBe('#c82828');
  });
});

describe('readCameraFacts', () => {
  it('survives missing, short and corrupt EXIF', () => {
    expect(readCameraFacts(undefined)).toEqual({});
    expect(readCameraFacts(Buffer.from('Exif\0\0II'))).toEqual({});
    expect(readCameraFacts(Buffer.from('Exif\0\0II*\0\xff\xff\xff\x7f\0\0\0\0', 'latin1'))).toEqual({});
  });
});
