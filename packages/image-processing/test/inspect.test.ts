import { GlimpseError } from '@glimpse/errors';
import { describe, expect, it } from 'vitest';
import { inspectUpload } from '../src/index';
import { animatedGif, bombPng, noiseJpeg, scene, solid } from '@glimpse/test-fixtures';

const limits = { maxPixels: 100_000_000 };

async function refusal(bytes: Buffer, maxPixels = limits.maxPixels): Promise<GlimpseError> {
  const error = await inspectUpload(bytes, { maxPixels }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GlimpseError);
  return error as GlimpseError;
}

describe('inspectUpload accepts the six photo formats', () => {
  it.each([
    ['jpeg', 'image/jpeg', () => scene(300, 200).jpeg().toBuffer()],
    ['png', 'image/png', () => scene(300, 200).png().toBuffer()],
    ['webp', 'image/webp', () => scene(300, 200).webp().toBuffer()],
    ['avif', 'image/avif', () => scene(300, 200).avif().toBuffer()],
    ['tiff', 'image/tiff', () => scene(300, 200).tiff().toBuffer()],
    ['gif', 'image/gif', () => scene(300, 200).gif().toBuffer()],
  ] as const)('%s', async (format, mimeType, make) => {
    expect(await inspectUpload(await make(), limits)).toEqual({ format, mimeType, width: 300, height: 200, pages: 1 });
  });

  it('reports the frame count of an animated GIF', async () => {
    expect(await inspectUpload(await animatedGif(), limits)).toMatchObject({ format: 'gif', width: 64, height: 48, pages: 3 });
  });

  it('passes a truncated JPEG whose header is intact (the processor catches it)', async () => {
    const jpeg = await noiseJpeg(500, 500);
    expect(await inspectUpload(jpeg.subarray(0, jpeg.length >> 1), limits)).toMatchObject({ format: 'jpeg', width: 500 });
  });
});

describe('inspectUpload refuses', () => {
  it('zero bytes', async () => {
    const error = await refusal(Buffer.alloc(0));
    expect(error.code).toBe('UPLOAD_EMPTY');
    expect(error.message).toMatch(/empty/);
  });

  it('a text file renamed .jpg', async () => {
    const error = await refusal(Buffer.from('Shopping list:\n- eggs\n- milk\n'));
    expect(error.code).toBe('UNSUPPORTED_IMAGE_TYPE');
    expect(error.message).toMatch(/text file/);
    expect(error.message).toMatch(/JPEG, PNG, WebP, AVIF, GIF and TIFF/);
  });

  it('an SVG drawing (even one sharp could render)', async () => {
    const svg = Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
    const error = await refusal(svg);
    expect(error.code).toBe('UNSUPPORTED_IMAGE_TYPE');
    expect(error.message).toBe('The file is an SVG drawing, not a photo; Glimpse accepts JPEG, PNG, WebP, AVIF, GIF and TIFF photos.');
  });

  it('a PDF', async () => {
    const error = await refusal(Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n'));
    expect(error.code).toBe('UNSUPPORTED_IMAGE_TYPE');
    expect(error.message).toMatch(/PDF document/);
  });

  it('a HEIC photo, with a hint', async () => {
    const ftyp = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic'), Buffer.alloc(4), Buffer.from('mif1heic'), Buffer.alloc(64)]);
    const error = await refusal(ftyp);
    expect(error.code).toBe('UNSUPPORTED_IMAGE_TYPE');
    expect(error.message).toMatch(/HEIC photo \(export it as JPEG first\)/);
  });

  it('another known type, naming it', async () => {
    const midi = Buffer.concat([Buffer.from('MThd'), Buffer.from([0, 0, 0, 6, 0, 1, 0, 1, 0, 96]), Buffer.alloc(32)]);
    const error = await refusal(midi);
    expect(error.code).toBe('UNSUPPORTED_IMAGE_TYPE');
    expect(error.message).toMatch(/^The file is of type MID \(audio\/midi\), not a photo;/);
  });

  it('an XML document that is not SVG', async () => {
    const error = await refusal(Buffer.from('<?xml version="1.0"?><note>hi</note>'));
    expect(error.message).toMatch(/XML or HTML document/);
  });

  it('unknown binary data', async () => {
    const error = await refusal(Buffer.from([0, 1, 2, 3, 250, 251, 252, 253, 0, 0, 7, 9]));
    expect(error.code).toBe('UNSUPPORTED_IMAGE_TYPE');
    expect(error.message).toMatch(/not an image format Glimpse recognises/);
  });

  it('a JPEG signature followed by garbage', async () => {
    const error = await refusal(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 0x41)]));
    expect(error.code).toBe('IMAGE_UNDECODABLE');
    expect(error.message).toMatch(/^The image could not be decoded: .*JPEG/);
  });

  it('more pixels than the cap, naming both', async () => {
    const error = await refusal(await solid(100, 100, '#808080').png().toBuffer(), 1000);
    expect(error.code).toBe('IMAGE_TOO_MANY_PIXELS');
    expect(error.message).toBe(
      'The image is 0.01 megapixels (100 × 100); the limit is 0.001 megapixels. Scale it down and upload it again.',
    );
  });

  it('a 50 KB PNG that would decode to 400 megapixels (decompression bomb), quickly', async () => {
    const bomb = bombPng(20_000, 20_000);
    expect(bomb.length).toBeLessThan(200_000);
    const started = performance.now();
    const error = await refusal(bomb);
    expect(performance.now() - started).toBeLessThan(500);
    expect(error.code).toBe('IMAGE_TOO_MANY_PIXELS');
    expect(error.message).toMatch(/^The image is 400 megapixels \(20000 × 20000\); the limit is 100 megapixels/);
  });
});
