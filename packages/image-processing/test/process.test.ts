import { GlimpseError } from '@glimpse/errors';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { processImage, VARIANT_SPECS } from '../src/index';
import type { ProcessedImage, ProcessedVariant, VariantName } from '../src/index';
import * as f from '@glimpse/test-fixtures';

const options = { maxPixels: 100_000_000 };

function variant(result: ProcessedImage, name: VariantName, format: 'webp' | 'jpeg'): ProcessedVariant {
  const found = result.variants.find((v) => v.name === name && v.format === format);
  if (!found) throw new Error(`no ${name}.${format}`);
  return found;
}

/** What every processed image must satisfy, whatever went in. */
async function expectSane(result: ProcessedImage, width: number, height: number, colour?: string) {
  expect(result.width).toBe(width);
  expect(result.height).toBe(height);
  expect(result.variants).toHaveLength(6);
  expect(new Set(result.variants.map((v) => `${v.name}.${v.format}`)).size).toBe(6);
  for (const v of result.variants) {
    const maxEdge = VARIANT_SPECS.find((s) => s.name === v.name)!.maxEdge;
    const scale = Math.min(1, maxEdge / Math.max(width, height));
    expect(v.width).toBe(Math.max(1, Math.round(width * scale)));
    expect(v.height).toBe(Math.max(1, Math.round(height * scale)));
    const meta = await sharp(v.data).metadata();
    expect(meta.format).toBe(v.format);
    expect(v.contentType).toBe(`image/${v.format}`);
    expect([meta.width, meta.height]).toEqual([v.width, v.height]);
    expect(meta.space).toBe('srgb');
    expect(meta.depth).toBe('uchar');
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.orientation ?? 1).toBe(1);
    if (v.format === 'jpeg') expect(meta.isProgressive).toBe(true);
  }
  expect(result.placeholder).toMatch(/^[A-Za-z0-9+/]{10,}={0,2}$/);
  expect(result.dominantColor).toMatch(/^#[0-9a-f]{6}$/);
  expect(result.perceptualHash).toMatch(/^[0-9a-f]{16}$/);
  if (colour) expect(f.colourDistance(result.dominantColor, colour)).toBeLessThan(40);
}

describe('processImage', () => {
  it('auto-orients an EXIF-rotated JPEG, reads the camera, and strips EXIF and GPS from every variant', async () => {
    const input = await f.rotatedJpegWithGps();
    expect((await sharp(input).metadata()).orientation).toBe(6);
    expect(input.includes('GPS') || input.includes(Buffer.from([0x88, 0x25])) || input.includes(Buffer.from([0x25, 0x88]))).toBe(true);

    const result = await processImage(input, options);
    await expectSane(result, 300, 400, f.BLUE);
    expect(result.camera).toEqual({ make: 'Canon', model: 'EOS R5', lens: 'RF 24-70mm F2.8', takenAt: '2024-05-06T07:08:09+02:00' });
    for (const v of result.variants) {
      // The stored top edge (red) is the right edge once upright.
      expect(f.colourDistance(await f.pixelAt(v.data, v.width - 3, v.height >> 1), f.RED)).toBeLessThan(40);
      expect(f.colourDistance(await f.pixelAt(v.data, 3, v.height >> 1), f.BLUE)).toBeLessThan(40);
      expect(f.colourDistance(await f.pixelAt(v.data, v.width >> 1, 3), f.BLUE)).toBeLessThan(40);
      expect(v.data.includes('Canon')).toBe(false);
      expect(v.data.includes('EOS R5')).toBe(false);
    }
  });

  it('keeps transparency in WebP and flattens it onto white in JPEG', async () => {
    const result = await processImage(await f.alphaPng(), options);
    await expectSane(result, 200, 100, f.GREEN);
    const webp = variant(result, 'thumb', 'webp');
    const jpeg = variant(result, 'thumb', 'jpeg');
    expect((await sharp(webp.data).metadata()).hasAlpha).toBe(true);
    const corner = await sharp(webp.data).ensureAlpha().raw().toBuffer();
    expect(corner[3]).toBe(0);
    expect(f.colourDistance(await f.pixelAt(jpeg.data, 2, 2), '#ffffff')).toBeLessThan(8);
    expect(f.colourDistance(await f.pixelAt(jpeg.data, 100, 50), f.GREEN)).toBeLessThan(30);
  });

  it.each([
    ['CMYK JPEG', () => f.solid(300, 200, '#3366cc').toColourspace('cmyk').jpeg().toBuffer(), '#3366cc'],
    ['16-bit PNG', () => f.solid(300, 200, '#3366cc').toColourspace('rgb16').png().toBuffer(), '#3366cc'],
    ['greyscale PNG', () => f.solid(300, 200, '#808080').greyscale().png().toBuffer(), '#808080'],
    ['WebP', () => f.solid(300, 200, '#c03060').webp().toBuffer(), '#c03060'],
    ['AVIF', () => f.solid(300, 200, '#c03060').avif().toBuffer(), '#c03060'],
    ['TIFF', () => f.solid(300, 200, '#c03060').tiff().toBuffer(), '#c03060'],
  ] as const)('turns a %s into six 8-bit sRGB variants of the right colour', async (_label, make, colour) => {
    const result = await processImage(await make(), options);
    await expectSane(result, 300, 200, colour);
    for (const v of result.variants) {
      expect(f.colourDistance(await f.pixelAt(v.data, v.width >> 1, v.height >> 1), colour)).toBeLessThan(40);
    }
    expect(result.animated).toBe(false);
  });

  it.each(['gif', 'webp'] as const)('takes the first frame of an animated %s and says it is animated', async (format) => {
    const input = await f.animatedGif(format);
    expect((await sharp(input).metadata()).pages).toBe(3);
    const result = await processImage(input, options);
    await expectSane(result, 64, 48, f.RED);
    expect(result.animated).toBe(true);
    for (const v of result.variants) {
      expect((await sharp(v.data).metadata()).pages ?? 1).toBe(1);
      expect(f.colourDistance(await f.pixelAt(v.data, 10, 10), f.RED)).toBeLessThan(40);
    }
  });

  it('handles a 1x1 image', async () => {
    const result = await processImage(await f.solid(1, 1, '#ff8800').png().toBuffer(), options);
    await expectSane(result, 1, 1, '#ff8800');
    expect(result.variants.every((v) => v.width === 1 && v.height === 1)).toBe(true);
    expect(result.camera).toEqual({});
  });

  it('sizes variants by the longest edge: 4000x3000 -> 2560x1920, 1280x960, 480x360', async () => {
    const result = await processImage(await f.scene(4000, 3000).jpeg({ quality: 90 }).toBuffer(), options);
    await expectSane(result, 4000, 3000);
    const dims = Object.fromEntries(result.variants.filter((v) => v.format === 'jpeg').map((v) => [v.name, [v.width, v.height]]));
    expect(dims).toEqual({ large: [2560, 1920], medium: [1280, 960], thumb: [480, 360] });
  });

  it('never enlarges a small original', async () => {
    const result = await processImage(await f.scene(300, 200).png().toBuffer(), options);
    expect(result.variants.map((v) => [v.width, v.height])).toEqual(Array(6).fill([300, 200]));
    const portrait = await processImage(await f.scene(600, 900).png().toBuffer(), options);
    expect(variant(portrait, 'thumb', 'webp')).toMatchObject({ width: 320, height: 480 });
    expect(variant(portrait, 'large', 'webp')).toMatchObject({ width: 600, height: 900 });
  });

  it('honours the quality options', async () => {
    const input = await f.scene(800, 600).png().toBuffer();
    const low = await processImage(input, { ...options, webpQuality: 20, jpegQuality: 20 });
    const high = await processImage(input, { ...options, webpQuality: 95, jpegQuality: 95 });
    for (const format of ['webp', 'jpeg'] as const) {
      expect(variant(low, 'large', format).data.length).toBeLessThan(variant(high, 'large', format).data.length);
    }
  });
});

describe('processImage refuses', () => {
  async function failure(input: Buffer, maxPixels = options.maxPixels): Promise<GlimpseError> {
    const error = await processImage(input, { maxPixels }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GlimpseError);
    return error as GlimpseError;
  }

  it('a truncated JPEG, saying so without libvips details', async () => {
    const jpeg = await f.noiseJpeg(500, 500);
    const error = await failure(jpeg.subarray(0, jpeg.length >> 1));
    expect(error.code).toBe('IMAGE_UNDECODABLE');
    expect(error.message).toMatch(/^The image could not be decoded: the file is truncated/);
    expect(error.message).not.toMatch(/vips|\/|\n/i);
  });

  it('a truncated PNG', async () => {
    const png = await f.scene(400, 300).png().toBuffer();
    const error = await failure(png.subarray(0, png.length >> 1));
    expect(error.code).toBe('IMAGE_UNDECODABLE');
    expect(error.message).not.toMatch(/vips|\/|\n/i);
  });

  it('garbage', async () => {
    const error = await failure(Buffer.from('not an image at all'));
    expect(error.code).toBe('IMAGE_UNDECODABLE');
    expect(error.message).toBe('The image could not be decoded: the data is not in a known image format.');
  });

  it('an SVG, even though sharp could render it', async () => {
    const error = await failure(f.sceneSvg(100, 75, 'a'));
    expect(error.code).toBe('UNSUPPORTED_IMAGE_TYPE');
  });

  it('a decompression bomb, before decoding it', async () => {
    const started = performance.now();
    const error = await failure(f.bombPng(20_000, 20_000));
    expect(performance.now() - started).toBeLessThan(500);
    expect(error.code).toBe('IMAGE_TOO_MANY_PIXELS');
    expect(error.message).toMatch(/400 megapixels.*limit is 100 megapixels/);
  });
});
