// What libvips can decode is accepted: TIFFs in every valid layout of @glimpse/test-fixtures' files/ (made by
// libtiff's tiffcp, vips and make-fixtures.mjs, see make-fixtures.sh) upload and become six
// variants that look like the picture they were made from; GIFs whose logical screen does
// not fit their frame too. Valid layouts nothing here decodes are refused by name, corrupt
// files keep their own reasons, also while many decode at once.
import type { GlimpseError } from '@glimpse/errors';
import { fixtureFile as fixture, fixtureFiles as inFolder } from '@glimpse/test-fixtures';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { inspectUpload, processImage } from '../src/index';
const limits = { maxPixels: 100_000_000 };

/** Mean absolute difference per channel (0–255) between a variant and the 64 × 48 picture the fixtures show. */
async function distanceFromPicture(variant: Buffer, grey = false): Promise<number> {
  const asRead = (input: Buffer) => (grey ? sharp(input).greyscale() : sharp(input)).removeAlpha();
  const picture = await asRead(fixture('picture.png')).raw().toBuffer();
  const pixels = await asRead(variant).resize(64, 48, { fit: 'fill' }).raw().toBuffer();
  expect(pixels.length).toBe(picture.length);
  let sum = 0;
  for (let i = 0; i < picture.length; i++) sum += Math.abs(pixels[i]! - picture[i]!);
  return sum / picture.length;
}

const outcome = (work: Promise<unknown>) =>
  work.then(
    () => 'ready',
    (error: GlimpseError) => `${error.code}: ${error.message}`,
  );

describe('valid TIFFs in every layout become ready with variants', () => {
  const tiffs = inFolder('tiff');

  it('has the layouts the reports named: tiles, planes, planar tiles, old-style JPEG, CIELab, 12- and 16-bit', () => {
    expect(tiffs.length).toBeGreaterThanOrEqual(13);
    for (const name of ['tiled', 'planar-strips', 'planar-tiles-lzw-predictor', 'old-jpeg', 'cielab-8bit', 'cielab-16bit', 'rgb-12bit', 'grey-12bit-deflate', 'rgb-16bit']) {
      expect(tiffs).toContain(`tiff/${name}.tif`);
    }
  });

  it.each(tiffs)('%s', async (path) => {
    const bytes = fixture(path);
    expect(await inspectUpload(bytes, limits)).toEqual({ format: 'tiff', mimeType: 'image/tiff', width: 64, height: 48, pages: 1 });
    const processed = await processImage(bytes, limits);
    expect(processed.variants).toHaveLength(6);
    expect({ width: processed.width, height: processed.height }).toEqual({ width: 64, height: 48 });
    for (const v of processed.variants) {
      const meta = await sharp(v.data).metadata();
      // 8-bit sRGB outputs, whatever the source's depth and colour space
      expect([meta.format, meta.depth, meta.space], `${v.name}.${v.format}`).toEqual([v.format, 'uchar', 'srgb']);
    }
    // the right picture: not noise, not another colour space read as RGB (a wrong decode is 40+)
    const large = processed.variants.find((v) => v.name === 'large' && v.format === 'jpeg')!;
    expect(await distanceFromPicture(large.data, path.includes('grey'))).toBeLessThan(12);
  });
});

describe('GIFs whose logical screen does not fit their frame', () => {
  it.each(inFolder('gif'))('%s becomes ready', async (path) => {
    const bytes = fixture(path);
    const inspected = await inspectUpload(bytes, limits);
    expect(inspected.format).toBe('gif');
    const processed = await processImage(bytes, limits);
    expect(processed.variants).toHaveLength(6);
    expect(processed.width).toBeGreaterThanOrEqual(64);
    // the frame, where the GIF puts it (top left), is the picture (GIF's 256 colours: a looser bound)
    const large = processed.variants.find((v) => v.name === 'large' && v.format === 'webp')!;
    const frame = await sharp(large.data).extract({ left: 0, top: 0, width: 64, height: 48 }).toBuffer();
    expect(await distanceFromPicture(frame)).toBeLessThan(20);
  });
});

describe('valid layouts nothing here decodes are refused by name, at upload and in the processor', () => {
  it.each([
    ['refused/old-jpeg-without-jpeg.tif', /^UNSUPPORTED_IMAGE_TYPE: The file is a TIFF with old-style JPEG compression that embeds no JPEG stream, which is not supported; save it as a JPEG/],
    ['refused/planar-tiles-ycbcr.tif', /^UNSUPPORTED_IMAGE_TYPE: The file is a TIFF with planar tiles of 8-bit YCbCr, which is not supported/],
  ])('%s', async (path, reason) => {
    expect(await outcome(inspectUpload(fixture(path), limits))).toMatch(reason);
    expect(await outcome(processImage(fixture(path), limits))).toMatch(reason);
  });

  it('refuses a rewritable TIFF above the pixel limit before decoding it', async () => {
    expect(await outcome(inspectUpload(fixture('tiff/rgb-12bit.tif'), { maxPixels: 1000 }))).toBe(
      'IMAGE_TOO_MANY_PIXELS: The image is 0.00307 megapixels (64 × 48); the limit is 0.001 megapixels. Scale it down and upload it again.',
    );
    expect(await outcome(processImage(fixture('tiff/rgb-12bit.tif'), { maxPixels: 1000 }))).toMatch(/^IMAGE_TOO_MANY_PIXELS/);
  });
});

describe('corrupt files keep clear reasons', () => {
  it('a 12-bit TIFF cut short is truncated, at upload and in the processor', async () => {
    const reason = 'IMAGE_UNDECODABLE: The image could not be decoded: the file is truncated (it may not have finished uploading).';
    expect(await outcome(inspectUpload(fixture('corrupt/rgb-12bit-truncated.tif'), limits))).toBe(reason);
    expect(await outcome(processImage(fixture('corrupt/rgb-12bit-truncated.tif'), limits))).toBe(reason);
  });

  it('a 12-bit LZW TIFF whose tiles are noise is corrupt', async () => {
    expect(await outcome(processImage(fixture('corrupt/rgb-12bit-lzw-noise.tif'), limits))).toMatch(/^IMAGE_UNDECODABLE: The image could not be decoded: the image data is corrupt/);
  });

  it('each image gets its own outcome while all of them decode at once, interleaved', async () => {
    const paths = [...inFolder('tiff'), ...inFolder('gif'), ...inFolder('corrupt'), ...inFolder('refused')];
    const alone = new Map<string, string>();
    for (const path of paths) alone.set(path, await outcome(processImage(fixture(path), limits)));
    expect([...alone.values()].filter((o) => o === 'ready')).toHaveLength(inFolder('tiff').length + inFolder('gif').length);
    // three of each, in an order where neighbours differ
    const jobs = [...paths, ...paths.slice().reverse(), ...paths];
    const together = await Promise.all(jobs.map((path) => outcome(processImage(fixture(path), limits))));
    expect(jobs.map((path, i) => [path, together[i]]).filter(([path, result]) => result !== alone.get(path!))).toEqual([]);
  });
});

describe('TIFFs damaged at random', () => {
  it('end ready or refused with a reason of our own, never a raw error (200 mutations of the fixtures)', async () => {
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const tiffs = inFolder('tiff');
    const outcomes: Record<string, number> = {};
    for (let i = 0; i < 200; i++) {
      const bytes = Buffer.from(fixture(tiffs[i % tiffs.length]!));
      // a few bytes anywhere (often the directory, which comes last in most of them), or a cut
      if (i % 5 === 4) bytes.fill(0, Math.floor(random() * bytes.length));
      else for (let k = 0; k < 1 + (i % 4); k++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      const result = await processImage(bytes, limits).then(
        () => 'ready',
        (error: unknown) => (error instanceof Error && 'code' in error ? String(error.code) : `raw ${String(error)}`),
      );
      outcomes[result] = (outcomes[result] ?? 0) + 1;
    }
    expect(Object.keys(outcomes).filter((o) => !['ready', 'IMAGE_UNDECODABLE', 'UNSUPPORTED_IMAGE_TYPE', 'IMAGE_TOO_MANY_PIXELS'].includes(o))).toEqual([]);
    expect(outcomes.ready).toBeGreaterThan(0);
    expect(outcomes.IMAGE_UNDECODABLE).toBeGreaterThan(0);
  });
});
