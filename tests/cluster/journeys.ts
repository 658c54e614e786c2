import { readFileSync } from 'node:fs';
import { apiClients, signUp, uploadFile, type Session } from '@glimpse/api-client';
import type { Database } from '@glimpse/database';
import { noiseJpeg, scene, solid } from '@glimpse/test-fixtures';
import sharp from 'sharp';
import { expect } from 'vitest';
import { expectReadyExactlyOnce } from '../stack/checks';
import { ROOT, SITE, waitFor } from './harness';

/** Five photographs: one real photo that ships in an npm package, four drawn with sharp. */
export async function fivePhotos(): Promise<Buffer[]> {
  const real = readFileSync(`${ROOT}/node_modules/@vladmandic/human/assets/samples.jpg`);
  return [
    real,
    await scene(1600, 1000, 'a').jpeg({ quality: 85 }).toBuffer(),
    await scene(900, 1400, 'b').jpeg({ quality: 85 }).toBuffer(),
    await noiseJpeg(1200, 800),
    await solid(640, 480, '#2a6fdb').png().toBuffer(),
  ];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Uploads through the ingress as a careful client does: uploadFile itself waits out a 429's
 * Retry-After (the ingress pacing us, not a failure; counted in `paced`), and a request the
 * ingress or a rolling pod drops is tried once more.
 */
export async function uploadWithOneRetry(session: Session, file: Buffer, title: string, stats = { retried: 0, paced: 0 }) {
  const paced = { onWait: () => void stats.paced++ };
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await uploadFile(SITE, session.accessToken, file, { title, filename: `${title}.jpg`, visibility: 'public' }, paced);
      if (result.status === 200) return result.result!.data.imageId;
      if (attempt > 1) throw new Error(`upload "${title}" failed twice: ${result.status} ${result.error?.message}`);
    } catch (error) {
      if (attempt > 1) throw error;
    }
    stats.retried++;
  }
}

/** Waits for an image to settle, asking once a second as the web app does. */
export async function settle(session: Session, imageId: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await session.upload.status.query({ imageId });
    if (state.status === 'ready' || state.status === 'failed') return state;
    if (Date.now() > deadline) throw new Error(`image ${imageId} still ${state.status} after ${timeoutMs} ms`);
    await sleep(1000);
  }
}

/**
 * What a person does on a fresh install: sign up, upload five photos, see them ready and served,
 * find them by a word, get a For you feed, and make one private so that nobody else sees it.
 */
export async function userJourney(db: Database, profile: string) {
  // unique per run: the production profile's database outlives a run
  const label = `${profile}${Date.now().toString(36)}`;
  const alice = await signUp(SITE, `${label}_alice`);
  const bob = await signUp(SITE, `${label}_bob`);
  const photos = await fivePhotos();
  const ids: string[] = [];
  for (const [i, photo] of photos.entries()) ids.push(await uploadWithOneRetry(alice, photo, `${label} harbour ${i + 1}`));
  for (const id of ids) expect((await settle(alice, id, 240_000)).status, `image ${id}`).toBe('ready');
  await expectReadyExactlyOnce(db, ids);

  const anonymous = apiClients(SITE);
  const latest = await anonymous.feed.latest.query({ limit: 50 });
  const cards = latest.items.filter((card) => ids.includes(card.id));
  expect(cards).toHaveLength(5);
  for (const card of cards) {
    for (const url of [card.urls.thumb.webp, card.urls.medium.jpeg]) {
      const response = await fetch(`${SITE}${url}`);
      expect(response.status, url).toBe(200);
      expect(response.headers.get('etag'), url).toMatch(/^"/);
      expect(response.headers.get('cache-control'), url).toContain('immutable');
      const meta = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
      expect(Math.max(meta.width!, meta.height!), url).toBeLessThanOrEqual(url.includes('thumb') ? 480 : 1280);
      expect(meta.exif, `${url} carries no EXIF`).toBeUndefined();
    }
  }

  const found = await waitFor('the five photos found by a word', async () => {
    const result = await anonymous.search.images.query({ q: `${label} harbour` });
    return ids.every((id) => result.hits.some((hit) => hit.id === id)) && result;
  });
  expect(found.found).toBeGreaterThanOrEqual(5);

  await bob.feed.like.mutate({ imageId: ids[1]! });
  const forYou = await bob.feed.forYou.query({});
  expect(forYou.items.length, 'forYou answers with images').toBeGreaterThan(0);
  expect(forYou.items.some((card) => ids.includes(card.id))).toBe(true);

  // made private: gone for another user and for anonymous visitors, everywhere they look
  const secret = cards.find((card) => card.id === ids[0])!;
  await alice.upload.update.mutate({ imageId: ids[0]!, visibility: 'private' });
  await waitFor('the private image gone from feeds and search', async () => {
    const [feed, search] = await Promise.all([bob.feed.latest.query({ limit: 50 }), bob.search.images.query({ q: `${label} harbour` })]);
    return !feed.items.some((card) => card.id === ids[0]) && !search.hits.some((hit) => hit.id === ids[0]) && search.found === found.found - 1;
  }, 30_000);
  expect((await fetch(`${SITE}${secret.urls.thumb.webp}`)).status, 'static URL of a private image').toBe(404);
  await expect(bob.feed.image.query({ imageId: ids[0]! })).rejects.toThrow();
  expect((await alice.upload.status.query({ imageId: ids[0]! })).status).toBe('ready');
  return { alice, bob, ids };
}
