import { solid } from '@glimpse/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, startTestGateway, type Session, type TestGateway } from './harness';

let glimpse: TestGateway;
let alice: Session;
let bob: Session;
const ids = { public: '', unlisted: '', private: '' };
let privateUrls: string[] = [];

beforeAll(async () => {
  glimpse = await startTestGateway();
  [alice, bob] = await Promise.all([glimpse.signUp('alice'), glimpse.signUp('bob')]);
  // Three different photos: the same file twice would be one image (an exact duplicate).
  const colours = { public: '#3070b0', unlisted: '#30b070', private: '#b07030' };
  for (const visibility of ['public', 'unlisted', 'private'] as const) {
    ids[visibility] = await glimpse.uploadOk(alice, await solid(120, 80, colours[visibility]).png().toBuffer(), { visibility, title: `${visibility} one` });
  }
  for (const id of Object.values(ids)) expect((await glimpse.settle(alice, id)).status).toBe('ready');
  privateUrls = (await glimpse.settle(alice, ids.private)).variants.map((v) => v.url);
});
afterAll(() => glimpse.stop());

const feedIds = (items: Array<{ id: string }>) => items.map((item) => item.id);

describe('visibility', () => {
  it('shows only public images in the latest feed, to anyone', async () => {
    for (const viewer of [glimpse.anonymous(), bob, alice]) {
      const { items } = await viewer.feed.latest.query({});
      expect(feedIds(items)).toContain(ids.public);
      expect(feedIds(items)).not.toContain(ids.unlisted);
      expect(feedIds(items)).not.toContain(ids.private);
    }
  });

  it('hides another user’s private image from their profile feed, image page and static URLs', async () => {
    const seenByBob = await bob.feed.user.query({ username: 'alice' });
    expect(feedIds(seenByBob.items)).toEqual([ids.public]);
    expect(await failure(bob.feed.image.query({ imageId: ids.private }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await failure(glimpse.anonymous().feed.image.query({ imageId: ids.private }))).toMatchObject({ code: 'NOT_FOUND' });
    for (const url of privateUrls) {
      const unsigned = url.split('?')[0]!;
      expect((await glimpse.get(unsigned)).status, unsigned).toBe(404);
      expect((await glimpse.get(unsigned, { authorization: `Bearer ${bob.accessToken}` })).status).toBe(404);
      expect((await glimpse.get(`${unsigned}?exp=9999999999&sig=forged`)).status).toBe(404);
    }
    expect(await failure(bob.feed.like.mutate({ imageId: ids.private }))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('lets the owner see their private image, through signed URLs and with their token', async () => {
    const own = await alice.feed.user.query({ username: 'alice' });
    expect(feedIds(own.items).sort()).toEqual(Object.values(ids).sort());
    expect((await alice.feed.image.query({ imageId: ids.private })).isOwner).toBe(true);
    for (const url of privateUrls) expect((await glimpse.get(url)).status, url).toBe(200);
    expect((await glimpse.get(privateUrls[0]!.split('?')[0]!, { authorization: `Bearer ${alice.accessToken}` })).status).toBe(200);
  });

  it('lets anyone with the link open an unlisted image, but lists it nowhere', async () => {
    const detail = await bob.feed.image.query({ imageId: ids.unlisted });
    expect(detail.title).toBe('unlisted one');
    expect((await glimpse.get(detail.urls.thumb.webp)).status).toBe(200);
    expect(feedIds((await bob.feed.user.query({ username: 'alice' })).items)).not.toContain(ids.unlisted);
  });

  it('turns a public image private: it leaves the feed and its URLs stop answering', async () => {
    const imageId = await glimpse.uploadOk(alice, await solid(40, 40, '#808000').png().toBuffer());
    const { variants } = await glimpse.settle(alice, imageId);
    expect(feedIds((await bob.feed.latest.query({})).items)).toContain(imageId);
    await alice.upload.update.mutate({ imageId, visibility: 'private' });
    expect(feedIds((await bob.feed.latest.query({})).items)).not.toContain(imageId);
    expect((await glimpse.get(variants[0]!.url)).status).toBe(404);
  });

  it('shows a change to signed-in readers at once and to anonymous visitors (whose answers are reused) within a second', async () => {
    const imageId = await glimpse.uploadOk(alice, await solid(44, 44, '#a04020').png().toBuffer(), { title: 'soon private' });
    await glimpse.settle(alice, imageId);
    const anonymousLatest = async () => (await glimpse.get(`/api/feed/latest?input=${encodeURIComponent(JSON.stringify({ limit: 5 }))}`)).text();
    // Wait out any answer computed before the upload, then fill the cache.
    await new Promise((resolve) => setTimeout(resolve, 600));
    const burst = await Promise.all(Array.from({ length: 40 }, anonymousLatest));
    expect(burst.every((answer) => answer.includes(imageId))).toBe(true);

    await alice.upload.update.mutate({ imageId, visibility: 'private' });
    const changedAt = Date.now();
    // Anyone signed in: at once.
    expect(feedIds((await bob.feed.latest.query({ limit: 5 })).items)).not.toContain(imageId);
    // Anonymous visitors: within ANONYMOUS_CACHE_MS (500 ms here), never later than a second.
    let staleFor = 0;
    while ((await anonymousLatest()).includes(imageId)) {
      staleFor = Date.now() - changedAt;
      expect(staleFor, 'ms an anonymous visitor still saw the image after it turned private').toBeLessThan(1000);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const answer = await glimpse.get(`/api/feed/latest?input=${encodeURIComponent(JSON.stringify({ limit: 5 }))}`);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('feed and likes', () => {
  it('pages through the latest feed with cursors: newest first, nothing twice, nothing missed', async () => {
    const carol = await glimpse.signUp('carol');
    const uploaded: string[] = [];
    for (let i = 0; i < 7; i++) uploaded.push(await glimpse.uploadOk(carol, await solid(20 + i, 20, '#204060').png().toBuffer(), { title: `page ${i}` }));
    for (const id of uploaded) await glimpse.settle(carol, id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await bob.feed.user.query({ username: 'carol', cursor, limit: 3 });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...feedIds(page.items));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...uploaded].reverse());
    expect(await failure(bob.feed.latest.query({ cursor: 'garbage' }))).toMatchObject({ code: 'BAD_REQUEST', field: 'cursor' });
  });

  it('counts likes once per user, and unlike takes it back', async () => {
    const first = await bob.feed.like.mutate({ imageId: ids.public });
    expect(first).toMatchObject({ liked: true, likeCount: 1 });
    expect((await bob.feed.like.mutate({ imageId: ids.public })).likeCount).toBe(1);
    expect((await alice.feed.like.mutate({ imageId: ids.public })).likeCount).toBe(2);
    expect(await bob.feed.image.query({ imageId: ids.public })).toMatchObject({ likeCount: 2, likedByViewer: true });
    expect((await bob.feed.unlike.mutate({ imageId: ids.public })).likeCount).toBe(1);
    expect(await bob.feed.image.query({ imageId: ids.public })).toMatchObject({ likeCount: 1, likedByViewer: false });
    // Popular comes from the recommender, which learns of likes through the outbox: soon, not at once.
    const deadline = Date.now() + 15_000;
    let top = '';
    while (top !== ids.public && Date.now() < deadline) {
      top = (await glimpse.anonymous().feed.popular.query({})).items[0]?.id ?? '';
      if (top !== ids.public) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(top).toBe(ids.public);
    expect(await failure(glimpse.anonymous().feed.like.mutate({ imageId: ids.public }))).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('gives each card what the grid needs to lay out before the image loads', async () => {
    const [card] = (await bob.feed.user.query({ username: 'alice', limit: 1 })).items;
    expect(card).toMatchObject({ owner: { username: 'alice' }, width: 120, height: 80, dominantColor: expect.stringMatching(/^#[0-9a-f]{6}$/) });
    expect(card!.placeholder).toBeTruthy();
    expect(new Date(card!.createdAt).toISOString()).toBe(card!.createdAt);
  });
});
