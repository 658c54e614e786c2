import sharp from 'sharp';
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
});
