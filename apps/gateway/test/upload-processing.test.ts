import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLUE, RED, alphaPng, animatedGif, bombPng, colourDistance, fixtureFile, noiseJpeg, pixelAt, rotatedJpegWithGps, solid } from '@glimpse/test-fixtures';
import { startTestGateway, type Session, type TestGateway } from './harness';

let glimpse: TestGateway;
let owner: Session;
beforeAll(async () => {
  // A small pixel cap so a pixel bomb is cheap to make; everything else as shipped.
  glimpse = await startTestGateway({ UPLOAD_MAX_BYTES: String(8 * 1024 * 1024), UPLOAD_MAX_PIXELS: String(40_000_000) });
  owner = await glimpse.signUp('uploader');
});
afterAll(() => glimpse.stop());

async function fetchVariant(url: string) {
  const response = await glimpse.get(url);
  expect(response.status, url).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

/** Uploads, waits until ready, and returns every served variant decoded. */
async function uploadUntilReady(file: Buffer, filename: string) {
  const imageId = await glimpse.uploadOk(owner, file, { filename });
  const state = await glimpse.settle(owner, imageId);
  expect(state.status, `${filename}: ${state.failureReason}`).toBe('ready');
  expect(state.variants.map((v) => `${v.name}.${v.format}`).sort()).toEqual(['large.jpeg', 'large.webp', 'medium.jpeg', 'medium.webp', 'thumb.jpeg', 'thumb.webp']);
  const served = await Promise.all(state.variants.map(async (v) => ({ ...v, data: await fetchVariant(v.url) })));
  for (const variant of served) {
    const meta = await sharp(variant.data).metadata();
    expect(meta.format).toBe(variant.format);
    expect([meta.width, meta.height]).toEqual([variant.width, variant.height]);
    expect(meta.exif, `${filename} ${variant.name}.${variant.format} carries EXIF`).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
  }
  return { imageId, state, served };
}

describe('uploads that become ready', () => {
  it('serves an EXIF-rotated photo upright, with no EXIF and no GPS left in any variant', async () => {
    const { state, served } = await uploadUntilReady(await rotatedJpegWithGps(), 'rotated.jpg');
    expect([state.width, state.height]).toEqual([300, 400]);
    for (const variant of served) {
      expect(variant.height).toBeGreaterThan(variant.width);
      // The band drawn along the stored top edge is on the right once upright.
      const right = await pixelAt(variant.data, variant.width - 2, Math.floor(variant.height / 2));
      const left = await pixelAt(variant.data, 1, Math.floor(variant.height / 2));
      expect(colourDistance(right, RED)).toBeLessThan(60);
      expect(colourDistance(left, BLUE)).toBeLessThan(60);
      expect(variant.data.includes(Buffer.from('Canon'))).toBe(false);
      expect(variant.data.includes(Buffer.from('GPS'))).toBe(false);
    }
  });

  it.each([
    ['PNG with alpha', 'alpha.png', () => alphaPng(), [200, 100]],
    ['CMYK JPEG', 'cmyk.jpg', () => solid(320, 240, '#cc3344').toColourspace('cmyk').jpeg().toBuffer(), [320, 240]],
    ['16-bit PNG', 'deep.png', () => solid(300, 200, '#4080c0').toColourspace('rgb16').png().toBuffer(), [300, 200]],
    ['grayscale JPEG', 'gray.jpg', () => solid(256, 256, '#808080').grayscale().jpeg().toBuffer(), [256, 256]],
    ['animated GIF', 'anim.gif', () => animatedGif('gif'), [64, 48]],
    ['WebP', 'photo.webp', () => solid(500, 300, '#20a060').webp().toBuffer(), [500, 300]],
    ['AVIF', 'photo.avif', () => solid(256, 128, '#a02060').avif({ effort: 0 }).toBuffer(), [256, 128]],
    ['TIFF', 'scan.tiff', () => solid(200, 300, '#406080').tiff().toBuffer(), [200, 300]],
    ['1x1 pixel', 'dot.png', () => solid(1, 1, '#ff0000').png().toBuffer(), [1, 1]],
  ] as const)('processes a %s into upright variants and a placeholder', async (_label, filename, make, [width, height]) => {
    const { state, served } = await uploadUntilReady(await make(), filename);
    expect([state.width, state.height]).toEqual([width, height]);
    expect(state.placeholder).toMatch(/^[A-Za-z0-9+/]+=*$/);
    for (const variant of served) expect(variant.width).toBeLessThanOrEqual(width);
    const jpegs = served.filter((v) => v.format === 'jpeg');
    for (const jpeg of jpegs) expect((await sharp(jpeg.data).metadata()).space).toBe('srgb');
  });

  it('keeps large photos to the documented sizes', async () => {
    const { served } = await uploadUntilReady(await noiseJpeg(3000, 2000), 'big.jpg');
    const size = (name: string) => served.find((v) => v.name === name && v.format === 'webp')!;
    // Smaller sizes are derived from the large one, so heights may round 1 px differently.
    for (const [name, width, height] of [['large', 2560, 1707], ['medium', 1280, 853], ['thumb', 480, 320]] as const) {
      expect(size(name).width).toBe(width);
      expect(Math.abs(size(name).height - height), `${name} height ${size(name).height}`).toBeLessThanOrEqual(1);
    }
  });

  it('fails a truncated JPEG with a reason a person understands instead of leaving it stuck', async () => {
    const whole = await noiseJpeg(600, 400);
    const result = await glimpse.upload(owner, whole.subarray(0, Math.floor(whole.length / 2)), { filename: 'cut.jpg' });
    if (result.error) {
      expect(result.error.data.code).toBe('BAD_REQUEST');
      return;
    }
    const state = await glimpse.settle(owner, result.result!.data.imageId);
    expect(state.status).toBe('failed');
    expect(state.failureReason).toMatch(/could not be decoded/i);
    expect(state.failureReason).not.toMatch(/\/|vips|\.c:/);
  });
});

describe('TIFFs in layouts libvips does not read as they are, through upload and the processor', () => {
  // before: each of these failed as "corrupt" (or "header cannot be read" at upload)
  it.each(['tiff/old-jpeg.tif', 'tiff/planar-tiles-lzw-predictor.tif', 'tiff/cielab-8bit.tif', 'tiff/rgb-12bit-lzw-tiled.tif', 'tiff/grey-12bit-deflate.tif'])(
    'makes %s ready, with 8-bit sRGB variants',
    async (path) => {
      const { state, served } = await uploadUntilReady(fixtureFile(path), path.split('/')[1]!);
      expect([state.width, state.height]).toEqual([64, 48]);
      for (const v of served) expect((await sharp(v.data).metadata()).space).toBe('srgb');
    },
  );

  it('refuses a valid layout nothing decodes at upload, naming it, and stores nothing', async () => {
    const before = (await owner.upload.mine.query({})).items.length;
    const result = await glimpse.upload(owner, fixtureFile('refused/planar-tiles-ycbcr.tif'), { filename: 'scan.tif' });
    expect(result.status).toBe(415);
    expect(result.error?.message).toMatch(/^The file is a TIFF with planar tiles of 8-bit YCbCr, which is not supported; save it as a JPEG/);
    expect((await owner.upload.mine.query({})).items.length).toBe(before);
  });
});

describe('uploads that are refused before anything is stored', () => {
  const refusals = [
    ['text renamed .jpg', 'notes.jpg', async () => Buffer.from('Just some text pretending to be a photo.\n'.repeat(20)), 415, 'UNSUPPORTED_MEDIA_TYPE', /text/i],
    ['an SVG drawing', 'drawing.jpg', async () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'), 415, 'UNSUPPORTED_MEDIA_TYPE', /svg/i],
    ['a zero-byte file', 'empty.jpg', async () => Buffer.alloc(0), 400, 'BAD_REQUEST', /empty/i],
    ['a file just over the size cap', 'big.jpg', () => noiseJpeg(400, 300).then((b) => Buffer.concat([b, Buffer.alloc(8 * 1024 * 1024)])), 413, 'PAYLOAD_TOO_LARGE', /over the 8\.0 MB limit/],
    ['a file far over the size cap', 'huge.jpg', () => noiseJpeg(400, 300).then((b) => Buffer.concat([b, Buffer.alloc(12 * 1024 * 1024)])), 413, 'PAYLOAD_TOO_LARGE', /over the 8\.0 MB limit/],
    ['a small file that decodes to too many pixels', 'bomb.png', async () => bombPng(10_000, 10_000), 400, 'BAD_REQUEST', /megapixel/i],
  ] as const;

  it.each(refusals)('refuses %s with a clear error and queues nothing', async (_label, filename, make, httpStatus, code, message) => {
    const before = await owner.upload.mine.query({});
    const file = await make();
    const result = await glimpse.upload(owner, file, { filename });
    expect(result.status).toBe(httpStatus);
    expect(result.error?.data.code).toBe(code);
    expect(result.error?.message).toMatch(message);
    expect((await owner.upload.mine.query({})).items.length).toBe(before.items.length);
    // Nothing was queued for it: every waiting job names an image that exists.
    expect(await glimpse.gateway.infra.db.query(`SELECT 1 FROM outbox o WHERE NOT EXISTS (SELECT 1 FROM images i WHERE i.id::text = o.subject) AND o.subject IS NOT NULL`)).toEqual([]);
  });

  it('refuses uploads without a session, and bad form fields by name', async () => {
    const png = await solid(10, 10, '#123456').png().toBuffer();
    expect((await glimpse.upload({ accessToken: 'nope' }, png)).status).toBe(401);
    const badVisibility = await glimpse.upload(owner, png, { visibility: 'everyone' });
    expect(badVisibility.error?.data).toMatchObject({ code: 'BAD_REQUEST', field: 'visibility' });
    expect(badVisibility.error?.message).toMatch(/public, unlisted or private/);
  });
});

describe('managing uploads', () => {
  it('updates title, tags and visibility, and deletes an image with its variants', async () => {
    const imageId = await glimpse.uploadOk(owner, await solid(64, 64, '#336699').png().toBuffer(), { title: 'First', tags: 'Sea, #Sunset , sea' });
    const ready = await glimpse.settle(owner, imageId);
    expect(ready.tags.map((t) => t.tag).sort()).toEqual(['sea', 'sunset']);
    const updated = await owner.upload.update.mutate({ imageId, title: 'Renamed', tags: 'mountain', visibility: 'unlisted' });
    expect(updated).toMatchObject({ title: 'Renamed', visibility: 'unlisted', tags: [{ tag: 'mountain', source: 'user' }] });

    const thumb = ready.variants.find((v) => v.name === 'thumb')!.url;
    expect((await glimpse.get(thumb)).status).toBe(200);
    await owner.upload.delete.mutate({ imageId });
    expect((await glimpse.get(thumb)).status).toBe(404);
    const leftovers: string[] = [];
    for await (const object of glimpse.gateway.infra.storage.listObjects('processed', `images/${imageId}/`)) leftovers.push(object.key);
    for await (const object of glimpse.gateway.infra.storage.listObjects('unprocessed', `originals/${imageId}`)) leftovers.push(object.key);
    expect(leftovers).toEqual([]);
  });

  it('lets nobody but the owner change or delete an image', async () => {
    const imageId = await glimpse.uploadOk(owner, await solid(32, 32, '#aa5500').png().toBuffer());
    const stranger = await glimpse.signUp('stranger');
    await expect(stranger.upload.update.mutate({ imageId, title: 'mine now' })).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
    await expect(stranger.upload.delete.mutate({ imageId })).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
    expect((await glimpse.settle(owner, imageId)).title).not.toBe('mine now');
  });
});
