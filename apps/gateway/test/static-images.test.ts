import { rmSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { variantKey } from '@glimpse/images';
import { solid } from '@glimpse/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './harness';

let glimpse: TestGateway;
let urls: { webp: string; jpeg: string };
let imageId: string;

beforeAll(async () => {
  glimpse = await startTestGateway();
  const owner = await glimpse.signUp('photographer');
  imageId = await glimpse.uploadOk(owner, await solid(900, 600, '#c08040').jpeg().toBuffer());
  const state = await glimpse.settle(owner, imageId);
  const medium = state.variants.filter((v) => v.name === 'medium');
  urls = { webp: medium.find((v) => v.format === 'webp')!.url, jpeg: medium.find((v) => v.format === 'jpeg')!.url };
});
afterAll(() => glimpse.stop());

describe('GET /static/image/{id}/{variant}.{ext}', () => {
  it('serves each format with its content type and an immutable, year-long Cache-Control', async () => {
    for (const [format, url] of Object.entries(urls)) {
      const response = await glimpse.get(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(`image/${format}`);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('accept-ranges')).toBe('bytes');
      const body = Buffer.from(await response.arrayBuffer());
      expect(Number(response.headers.get('content-length'))).toBe(body.length);
      expect((await sharp(body).metadata()).format).toBe(format);
    }
  });

  it('answers a matching If-None-Match with 304 and no body, using a strong ETag', async () => {
    const first = await glimpse.get(urls.webp);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[^"]+"$/);
    const again = await glimpse.get(urls.webp, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect((await glimpse.get(urls.webp, { 'if-none-match': '"something-else"' })).status).toBe(200);
  });

  it('answers Range requests with 206 and exactly the bytes asked for', async () => {
    const whole = Buffer.from(await (await glimpse.get(urls.jpeg)).arrayBuffer());
    const partial = await glimpse.get(urls.jpeg, { range: 'bytes=10-109' });
    expect(partial.status).toBe(206);
    expect(partial.headers.get('content-range')).toBe(`bytes 10-109/${whole.length}`);
    expect(Buffer.from(await partial.arrayBuffer())).toEqual(whole.subarray(10, 110));
    const tail = await glimpse.get(urls.jpeg, { range: 'bytes=-50' });
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(whole.subarray(whole.length - 50));
    const beyond = await glimpse.get(urls.jpeg, { range: `bytes=${whole.length + 10}-` });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${whole.length}`);
  });

  it('answers 404 for unknown images, unknown variants and malformed paths', async () => {
    for (const path of [
      '/static/image/00000000-0000-4000-8000-000000000000/thumb.webp',
      `/static/image/${imageId}/huge.webp`,
      `/static/image/${imageId}/thumb.gif`,
      '/static/image/..%2F..%2Fetc%2Fpasswd',
      `/static/image/${imageId}/..%2F..%2Foriginals%2F${imageId}`,
    ]) {
      expect((await glimpse.get(path)).status, path).toBe(404);
    }
  });

  it('never serves originals', async () => {
    expect((await glimpse.get(`/static/image/${imageId}/original.jpg`)).status).toBe(404);
  });

  it('answers a matching If-None-Match before reading object storage', async () => {
    const owner = await glimpse.signUp('revalidator');
    const id = await glimpse.uploadOk(owner, await solid(500, 400, '#3060a0').jpeg().toBuffer());
    const thumb = (await glimpse.settle(owner, id)).variants.find((v) => v.name === 'thumb' && v.format === 'webp')!;
    // With the object gone from disk, only an answer that never touched storage can succeed.
    rmSync(join(glimpse.dataDir, 'objects', 'processed', variantKey(id, 'thumb', 'webp')));
    const revalidated = await glimpse.get(thumb.url, { 'if-none-match': thumb.etag });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get('etag')).toBe(thumb.etag);
  });

  it('honours a visibility change and a delete on the very next request, while others for the same image are in flight', async () => {
    const owner = await glimpse.signUp('changer');
    const id = await glimpse.uploadOk(owner, await solid(600, 400, '#a04060').jpeg().toBuffer());
    const medium = (await glimpse.settle(owner, id)).variants.find((v) => v.name === 'medium' && v.format === 'webp')!;
    const url = medium.url.split('?')[0]!;
    expect((await glimpse.get(url)).status).toBe(200);

    // Concurrent readers keep the route busy (and share its database reads) across each change.
    let reading = true;
    const readers = Array.from({ length: 16 }, async () => {
      while (reading) await (await glimpse.get(url, { 'if-none-match': medium.etag })).arrayBuffer();
    });
    try {
      await owner.upload.update.mutate({ imageId: id, visibility: 'private' });
      expect((await glimpse.get(url)).status).toBe(404);
      expect((await glimpse.get(url, { 'if-none-match': medium.etag })).status).toBe(404);
      await owner.upload.update.mutate({ imageId: id, visibility: 'unlisted' });
      expect((await glimpse.get(url, { 'if-none-match': medium.etag })).status).toBe(304);
      expect((await glimpse.get(url)).status).toBe(200);
      await owner.upload.delete.mutate({ imageId: id });
      expect((await glimpse.get(url)).status).toBe(404);
      expect((await glimpse.get(url, { 'if-none-match': medium.etag })).status).toBe(404);
    } finally {
      reading = false;
      await Promise.all(readers);
    }
  });
});
