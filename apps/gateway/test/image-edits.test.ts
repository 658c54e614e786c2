import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { settleEdit } from '@glimpse/api-client';
import { variantKey } from '@glimpse/images';
import { scene } from '@glimpse/test-fixtures';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, startTestGateway, type Session, type TestGateway } from './harness';

let glimpse: TestGateway;
let owner: Session;
let original: Buffer;
let imageId: string;
/** The upload as processed (version 0): its medium WebP. */
let firstMedium: { url: string; etag: string; bytes: Buffer };
let firstPlaceholder: string | null;
let firstHash: string;
/** The perceptual hash the processor recorded (duplicates and similar images are found by it). */
const perceptualHash = async (id: string) =>
  (await glimpse.gateway.infra.db.query<{ perceptual_hash: string }>('SELECT perceptual_hash FROM images WHERE id = $1', [id]))[0]!.perceptual_hash;

interface Pixels {
  data: Buffer;
  width: number;
  height: number;
}
const pixels = async (input: Buffer | Sharp): Promise<Pixels> => {
  const { data, info } = await (Buffer.isBuffer(input) ? sharp(input) : input).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
};
/** Mean absolute difference per channel (0..255) of two renders of one size. */
function difference(a: Pixels, b: Pixels): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let total = 0;
  for (let i = 0; i < a.data.length; i++) total += Math.abs(a.data[i]! - b.data[i]!);
  return total / a.data.length;
}
/** What sharp makes of the original with `steps`, shrunk as the medium variant is (longest edge 1280). */
const expectedMedium = async (steps: (image: Sharp) => Sharp) =>
  pixels(sharp(await steps(sharp(original).rotate()).png().toBuffer()).resize(1280, 1280, { fit: 'inside', withoutEnlargement: true }));

async function medium(session: Session, id = imageId) {
  const state = await session.upload.status.query({ imageId: id });
  const variant = state.variants.find((v) => v.name === 'medium' && v.format === 'webp')!;
  const response = await glimpse.get(variant.url);
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  return { state, variant, url: variant.url, etag: response.headers.get('etag')!, bytes: Buffer.from(await response.arrayBuffer()) };
}

beforeAll(async () => {
  glimpse = await startTestGateway();
  owner = await glimpse.signUp('editor');
  // 1600×1000 and asymmetric (sun top right, hills along the bottom): every turn and flip of it differs.
  original = await scene(1600, 1000, 'a').jpeg({ quality: 95 }).toBuffer();
  imageId = await glimpse.uploadOk(owner, original, { title: 'Hills' });
  expect((await glimpse.settle(owner, imageId)).status).toBe('ready');
  const first = await medium(owner);
  expect(first.url).toBe(`/static/image/${imageId}/medium.webp`);
  firstMedium = { url: first.url, etag: first.etag, bytes: first.bytes };
  firstPlaceholder = first.state.placeholder;
  expect(firstPlaceholder).toBeTruthy();
  firstHash = await perceptualHash(imageId);
});
afterAll(() => glimpse.stop());

describe('simple edits: rotate, flip, crop and undo', () => {
  it('rotates 90°: the new medium variant has its sides swapped and the pixels sharp turns the original into', async () => {
    const asked = await owner.upload.edit.mutate({ imageId, edit: { rotate: 90 } });
    expect(asked.edits).toEqual([{ rotate: 90 }]);
    const state = await settleEdit(owner, imageId);
    expect(state).toMatchObject({ version: 1, editStatus: null, width: 1000, height: 1600, edits: [{ rotate: 90 }] });

    const now = await medium(owner);
    expect(now.url).toBe(`/static/image/${imageId}/v1/medium.webp`);
    expect([now.variant.width, now.variant.height]).toEqual([800, 1280]);
    const served = await pixels(now.bytes);
    expect(difference(served, await expectedMedium((image) => image.rotate(90)))).toBeLessThan(4);
    // Not merely some turn: the other way round is far off.
    expect(difference(served, await expectedMedium((image) => image.rotate(270)))).toBeGreaterThan(20);

    // The image page, feeds and search cards show the new rendering and its new placeholder.
    const detail = await owner.feed.image.query({ imageId });
    expect(detail).toMatchObject({ version: 1, width: 1000, height: 1600 });
    expect(detail.urls.medium.webp).toBe(now.url);
    expect(detail.placeholder).toBe(state.placeholder);
    expect(state.placeholder).not.toBe(firstPlaceholder);
    expect(await perceptualHash(imageId)).not.toBe(firstHash);
    // The replaced version's objects are gone from storage; the original is untouched.
    expect(existsSync(join(glimpse.dataDir, 'objects', 'processed', variantKey(imageId, 'medium', 'webp')))).toBe(false);
    expect(existsSync(join(glimpse.dataDir, 'objects', 'processed', variantKey(imageId, 'medium', 'webp', 1)))).toBe(true);
  });

  it('answers the old URL with an uncached redirect to the new one, never the new image under an immutable cache', async () => {
    const response = await fetch(`${glimpse.url}${firstMedium.url}`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`/static/image/${imageId}/v1/medium.webp`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('etag')).toBeNull();
    expect(response.headers.get('content-type')).not.toMatch(/^image\//);
    // A version that does not exist yet is no image at all.
    expect((await glimpse.get(`/static/image/${imageId}/v9/medium.webp`)).status).toBe(404);
  });

  it('crops the rotated image in its own pixels: the variants take the rectangle’s size and content', async () => {
    await owner.upload.edit.mutate({ imageId, edit: { crop: { left: 100, top: 200, width: 500, height: 700 } } });
    const state = await settleEdit(owner, imageId);
    expect(state).toMatchObject({ version: 2, width: 500, height: 700 });
    const now = await medium(owner);
    expect(now.url).toBe(`/static/image/${imageId}/v2/medium.webp`);
    expect([now.variant.width, now.variant.height]).toEqual([500, 700]);
    const thumb = state.variants.find((v) => v.name === 'thumb' && v.format === 'jpeg')!;
    expect([thumb.width, thumb.height]).toEqual([343, 480]);
    const expected = await pixels(sharp(await sharp(original).rotate(90).png().toBuffer()).extract({ left: 100, top: 200, width: 500, height: 700 }));
    expect(difference(await pixels(now.bytes), expected)).toBeLessThan(4);
  });

  it('undoes edit by edit, back to exactly the upload’s own rendering', async () => {
    await owner.upload.undoEdit.mutate({ imageId });
    const rotated = await settleEdit(owner, imageId);
    expect(rotated).toMatchObject({ version: 3, width: 1000, height: 1600, edits: [{ rotate: 90 }] });

    await owner.upload.undoEdit.mutate({ imageId });
    const back = await settleEdit(owner, imageId);
    expect(back).toMatchObject({ version: 4, width: 1600, height: 1000, edits: [], placeholder: firstPlaceholder });
    const now = await medium(owner);
    expect(now.url).toBe(`/static/image/${imageId}/v4/medium.webp`);
    // Rendered from the original as the upload was: the very same bytes, nothing lost on the way.
    expect(now.etag).toBe(firstMedium.etag);
    expect(now.bytes.equals(firstMedium.bytes)).toBe(true);
    expect(await perceptualHash(imageId)).toBe(firstHash);

    const nothingLeft = await failure(owner.upload.undoEdit.mutate({ imageId }));
    expect(nothingLeft).toMatchObject({ code: 'CONFLICT', field: 'imageId' });
    expect(nothingLeft.message).toContain('no edit to undo');
  });

  it('keeps serving the old variant while the new one is rendered, then switches', async () => {
    const { storage, buckets } = glimpse.gateway.infra;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let reads = 0;
    const getObject = storage.getObject.bind(storage);
    // Hold the processor at its read of the original: the edit is then certainly in progress.
    storage.getObject = async (bucket, key) => {
      if (bucket === buckets.unprocessed) {
        reads++;
        await held;
      }
      return getObject(bucket, key);
    };
    try {
      const before = await medium(owner);
      await owner.upload.edit.mutate({ imageId, edit: { flipHorizontal: true } });
      for (let waited = 0; reads === 0 && waited < 10_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(reads).toBe(1);
      const during = await owner.upload.status.query({ imageId });
      expect(during).toMatchObject({ version: 4, editStatus: 'processing', edits: [{ flipHorizontal: true }] });
      const served = await medium(owner);
      expect(served.url).toBe(before.url);
      expect(served.bytes.equals(before.bytes)).toBe(true);
      expect((await owner.feed.image.query({ imageId })).urls.medium.webp).toBe(before.url);
    } finally {
      release();
      storage.getObject = getObject;
    }
    expect(await settleEdit(owner, imageId)).toMatchObject({ version: 5, editStatus: null });
    const mirrored = await pixels((await medium(owner)).bytes);
    expect(difference(mirrored, await expectedMedium((image) => image.flop()))).toBeLessThan(4);
    await owner.upload.undoEdit.mutate({ imageId });
    await settleEdit(owner, imageId);
  });

  it('lets only the owner edit: anyone else is refused and the image stays as it is', async () => {
    const stranger = await glimpse.signUp('stranger');
    const refused = await failure(stranger.upload.edit.mutate({ imageId, edit: { rotate: 180 } }));
    expect(refused).toMatchObject({ code: 'NOT_FOUND', field: 'imageId' });
    expect((await failure(stranger.upload.undoEdit.mutate({ imageId }))).code).toBe('NOT_FOUND');
    expect((await failure(glimpse.anonymous().upload.edit.mutate({ imageId, edit: { rotate: 180 } }))).code).toBe('UNAUTHORIZED');
    expect(await owner.upload.status.query({ imageId })).toMatchObject({ version: 6, editStatus: null, edits: [] });
  });

  it('refuses bad edits with an error naming the field, and queues nothing', async () => {
    const cases: Array<[unknown, string, string]> = [
      [{ crop: { left: 1000, top: 0, width: 700, height: 100 } }, 'edit.crop', 'left + width is 1700, past the right edge of the 1600×1000 image'],
      [{ crop: { left: 0, top: 900, width: 100, height: 101 } }, 'edit.crop', 'top + height is 1001, past the bottom edge of the 1600×1000 image'],
      [{ crop: { left: -5, top: 0, width: 100, height: 100 } }, 'edit.crop.left', 'expected the left edge at 0 or more'],
      [{ crop: { left: 0, top: 0, width: 0, height: 100 } }, 'edit.crop.width', 'expected the width to be at least 1 pixel'],
      [{ crop: { left: 0, top: 0, width: 10.5, height: 100 } }, 'edit.crop.width', 'whole number'],
      [{ crop: { left: 0, top: 0, width: 100 } }, 'edit.crop.height', 'expected the height in pixels'],
      [{ rotate: 45 }, 'edit.rotate', 'expected 90, 180 or 270'],
      [{ flipHorizontal: 'yes' }, 'edit.flipHorizontal', 'expected true or false'],
      [{}, 'edit', 'expected at least one of rotate, flipHorizontal, flipVertical or crop'],
      [{ rotate: 90, scale: 2 }, 'edit', 'unknown field "scale"'],
    ];
    for (const [edit, field, message] of cases) {
      const refused = await failure(owner.upload.edit.mutate({ imageId, edit: edit as { rotate: 90 } }));
      expect(refused, JSON.stringify(edit)).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400, field });
      expect(refused.message, JSON.stringify(edit)).toContain(message);
    }
    expect(await owner.upload.status.query({ imageId })).toMatchObject({ version: 6, editStatus: null, edits: [] });
  });

  it('renders edits sent one after the other as one stack, and keeps only the served version’s objects', async () => {
    const id = await glimpse.uploadOk(owner, await scene(600, 400, 'b').jpeg({ quality: 95 }).toBuffer());
    await glimpse.settle(owner, id);
    await owner.upload.edit.mutate({ imageId: id, edit: { rotate: 90 } });
    await owner.upload.edit.mutate({ imageId: id, edit: { rotate: 90 } });
    const state = await settleEdit(owner, id);
    expect(state).toMatchObject({ version: 2, width: 600, height: 400, edits: [{ rotate: 90 }, { rotate: 90 }] });
    const upsideDown = await pixels(sharp(await sharp(await scene(600, 400, 'b').jpeg({ quality: 95 }).toBuffer()).rotate(180).png().toBuffer()));
    expect(difference(await pixels((await medium(owner, id)).bytes), upsideDown)).toBeLessThan(4);

    const { storage, buckets } = glimpse.gateway.infra;
    const stored = async () => {
      const keys: string[] = [];
      for await (const object of storage.listObjects(buckets.processed, `images/${id}/`)) keys.push(object.key);
      return keys.sort();
    };
    const served = state.variants.map((variant) => `images/${id}/v2/${variant.name}.${variant.format === 'jpeg' ? 'jpg' : 'webp'}`).sort();
    for (let waited = 0; (await stored()).length !== served.length && waited < 5_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await stored()).toEqual(served);
  });

  it('keeps a private image private across versions: signed new URLs, and the old signed URL points only to them', async () => {
    const id = await glimpse.uploadOk(owner, await scene(500, 300, 'a').jpeg().toBuffer(), { visibility: 'private' });
    const before = (await glimpse.settle(owner, id)).variants.find((v) => v.name === 'thumb' && v.format === 'webp')!.url;
    await owner.upload.edit.mutate({ imageId: id, edit: { rotate: 270 } });
    const after = (await settleEdit(owner, id)).variants.find((v) => v.name === 'thumb' && v.format === 'webp')!;
    expect(after.url).toMatch(new RegExp(`^/static/image/${id}/v1/thumb\\.webp\\?exp=\\d+&sig=`));
    expect([after.width, after.height]).toEqual([288, 480]);
    const served = await glimpse.get(after.url);
    expect(served.status).toBe(200);
    expect(served.headers.get('cache-control')).toBe('private, max-age=3600');
    expect((await glimpse.get(after.url.split('?')[0]!)).status).toBe(404);
    const old = await fetch(`${glimpse.url}${before}`, { redirect: 'manual' });
    expect(old.status).toBe(302);
    expect(old.headers.get('location')).toBe(`/static/image/${id}/v1/thumb.webp${before.slice(before.indexOf('?'))}`);
    // Without the signature the old URL reveals nothing, not even that there is a new version.
    const unsigned = await fetch(`${glimpse.url}${before.split('?')[0]}`, { redirect: 'manual' });
    expect(unsigned.status).toBe(404);
  });

  it('refuses to edit an image that is not ready yet', async () => {
    const { storage, buckets } = glimpse.gateway.infra;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const getObject = storage.getObject.bind(storage);
    storage.getObject = async (bucket, key) => {
      if (bucket === buckets.unprocessed) await held;
      return getObject(bucket, key);
    };
    try {
      const fresh = await glimpse.uploadOk(owner, await scene(400, 300, 'b').jpeg().toBuffer());
      const refused = await failure(owner.upload.edit.mutate({ imageId: fresh, edit: { rotate: 90 } }));
      expect(refused).toMatchObject({ code: 'CONFLICT', field: 'imageId' });
      expect(refused.message).toContain('can be edited once it is ready');
    } finally {
      release();
      storage.getObject = getObject;
    }
  });
});
