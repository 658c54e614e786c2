import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { processImage } from '@glimpse/image-processing';
import { hammingDistance } from '@glimpse/images';
import { scene, solid, until } from '@glimpse/test-fixtures';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, startTestGateway, type Session, type TestGateway } from './harness';

/**
 * Albums and "possible duplicates" over real HTTP on the embedded adapters: what an owner
 * can do with an album, what everyone else may see of it, and near-duplicate groups found
 * among real photos and their resized and recompressed copies.
 */
let glimpse: TestGateway;
let alice: Session;
let bob: Session;
const ids = { public: '', unlisted: '', private: '', other: '' };

beforeAll(async () => {
  glimpse = await startTestGateway();
  [alice, bob] = await Promise.all([glimpse.signUp('alice'), glimpse.signUp('bob')]);
  for (const visibility of ['public', 'unlisted', 'private'] as const) {
    ids[visibility] = await glimpse.uploadOk(alice, await solid(60 + visibility.length, 40, '#3070b0').png().toBuffer(), { visibility, title: `album ${visibility} shot` });
  }
  ids.other = await glimpse.uploadOk(bob, await solid(50, 50, '#b07030').png().toBuffer(), { title: 'bob shot' });
  await glimpse.settle(alice, ids.public);
  await glimpse.settle(alice, ids.unlisted);
  await glimpse.settle(alice, ids.private);
  await glimpse.settle(bob, ids.other);
});
afterAll(() => glimpse.stop());

const idsOf = (items: Array<{ id: string }>) => items.map((item) => item.id);

describe('albums', () => {
  it('creates, renames, describes and deletes an album; deleting it keeps the images', async () => {
    const created = await alice.feed.albums.create.mutate({ title: '  Holidays ', description: 'Summer' });
    expect(created).toMatchObject({ title: 'Holidays', description: 'Summer', visibility: 'public', imageCount: 0, cover: null, isOwner: true, owner: { username: 'alice' } });
    await alice.feed.albums.addImages.mutate({ albumId: created.id, imageIds: [ids.public] });
    const renamed = await alice.feed.albums.update.mutate({ albumId: created.id, title: 'Holidays 2026', description: 'Summer, by the sea' });
    expect(renamed).toMatchObject({ title: 'Holidays 2026', description: 'Summer, by the sea', imageCount: 1 });
    expect((await alice.feed.albums.get.query({ albumId: created.id })).album.title).toBe('Holidays 2026');
    expect(await alice.feed.albums.delete.mutate({ albumId: created.id })).toEqual({ albumId: created.id, deleted: true });
    expect(await failure(alice.feed.albums.get.query({ albumId: created.id }))).toMatchObject({ code: 'NOT_FOUND', field: 'albumId' });
    expect((await alice.feed.image.query({ imageId: ids.public })).title).toBe('album public shot');
  });

  it('adds many images at once, keeps them in order, moves and reorders them, and picks a cover', async () => {
    const { id: albumId } = await alice.feed.albums.create.mutate({ title: 'Order' });
    const added = await alice.feed.albums.addImages.mutate({ albumId, imageIds: [ids.unlisted, ids.public, ids.private] });
    expect(added).toMatchObject({ added: 3, album: { imageCount: 3, cover: { id: ids.unlisted } } });
    // Adding one again changes nothing: it stays where it was.
    expect((await alice.feed.albums.addImages.mutate({ albumId, imageIds: [ids.unlisted] })).added).toBe(0);
    expect(idsOf((await alice.feed.albums.get.query({ albumId })).items)).toEqual([ids.unlisted, ids.public, ids.private]);

    await alice.feed.albums.move.mutate({ albumId, imageId: ids.private, beforeImageId: ids.unlisted });
    expect(idsOf((await alice.feed.albums.get.query({ albumId })).items)).toEqual([ids.private, ids.unlisted, ids.public]);
    await alice.feed.albums.move.mutate({ albumId, imageId: ids.private, beforeImageId: null });
    expect(idsOf((await alice.feed.albums.get.query({ albumId })).items)).toEqual([ids.unlisted, ids.public, ids.private]);
    // Many moves into the same gap still keep the order (positions are renumbered when the gap runs out).
    for (let i = 0; i < 12; i++) {
      const [first, second] = idsOf((await alice.feed.albums.get.query({ albumId })).items);
      await alice.feed.albums.move.mutate({ albumId, imageId: i % 2 ? first! : second!, beforeImageId: i % 2 ? ids.private : first! });
    }
    expect(new Set(idsOf((await alice.feed.albums.get.query({ albumId })).items))).toEqual(new Set([ids.unlisted, ids.public, ids.private]));

    const reordered = await alice.feed.albums.reorder.mutate({ albumId, imageIds: [ids.public, ids.private, ids.unlisted] });
    expect(reordered.cover?.id).toBe(ids.public);
    const firstPage = await alice.feed.albums.get.query({ albumId, limit: 2 });
    expect(idsOf(firstPage.items)).toEqual([ids.public, ids.private]);
    expect(idsOf((await alice.feed.albums.get.query({ albumId, limit: 2, cursor: firstPage.nextCursor! })).items)).toEqual([ids.unlisted]);

    expect((await alice.feed.albums.update.mutate({ albumId, coverImageId: ids.unlisted })).cover?.id).toBe(ids.unlisted);
    expect((await alice.feed.albums.update.mutate({ albumId, coverImageId: null })).cover?.id).toBe(ids.public);

    const after = await alice.feed.albums.removeImages.mutate({ albumId, imageIds: [ids.public, ids.private] });
    expect(after).toMatchObject({ removed: 2, album: { imageCount: 1, cover: { id: ids.unlisted } } });
    expect((await alice.feed.image.query({ imageId: ids.public })).id).toBe(ids.public);
  });

  it('names what was wrong: a stranger’s image, a reorder that leaves one out, a cover not in the album, a bad id', async () => {
    const { id: albumId } = await alice.feed.albums.create.mutate({ title: 'Strict' });
    expect(await failure(alice.feed.albums.addImages.mutate({ albumId, imageIds: [ids.public, ids.other] }))).toMatchObject({
      code: 'NOT_FOUND',
      field: 'imageIds',
      message: expect.stringContaining(ids.other),
    });
    expect((await alice.feed.albums.get.query({ albumId })).items).toEqual([]); // nothing added: all or none
    await alice.feed.albums.addImages.mutate({ albumId, imageIds: [ids.public, ids.unlisted] });
    expect(await failure(alice.feed.albums.reorder.mutate({ albumId, imageIds: [ids.public] }))).toMatchObject({ code: 'BAD_REQUEST', field: 'imageIds', message: expect.stringContaining(ids.unlisted) });
    expect(await failure(alice.feed.albums.update.mutate({ albumId, coverImageId: ids.private }))).toMatchObject({ code: 'BAD_REQUEST', field: 'coverImageId' });
    expect(await failure(alice.feed.albums.get.query({ albumId: 'not-an-id' }))).toMatchObject({ code: 'BAD_REQUEST', field: 'albumId' });
    expect(await failure(alice.feed.albums.create.mutate({ title: '   ' }))).toMatchObject({ code: 'BAD_REQUEST', field: 'title' });
    expect(await failure(glimpse.anonymous().feed.albums.create.mutate({ title: 'x' }))).toMatchObject({ code: 'UNAUTHORIZED' });
    // Bob may see this public album but not change it; he is told so (it reveals nothing he could not open).
    expect(await failure(bob.feed.albums.update.mutate({ albumId, title: 'mine now' }))).toMatchObject({ code: 'FORBIDDEN', field: 'albumId' });
    expect(await failure(bob.feed.albums.addImages.mutate({ albumId, imageIds: [ids.other] }))).toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('who sees what of an album', () => {
  let shared: string;
  beforeAll(async () => {
    shared = (await alice.feed.albums.create.mutate({ title: 'Shared' })).id;
    await alice.feed.albums.addImages.mutate({ albumId: shared, imageIds: [ids.private, ids.public, ids.unlisted] });
    await alice.feed.albums.update.mutate({ albumId: shared, coverImageId: ids.private });
  });

  it('never shows, counts or uses as cover a private image to anyone but the owner', async () => {
    for (const viewer of [bob, glimpse.anonymous()]) {
      const { album, items } = await viewer.feed.albums.get.query({ albumId: shared });
      expect(idsOf(items)).toEqual([ids.public, ids.unlisted]);
      expect(album).toMatchObject({ imageCount: 2, cover: { id: ids.public }, isOwner: false });
      const listed = (await viewer.feed.albums.list.query({ username: 'alice' })).items.find((a) => a.id === shared);
      expect(listed).toMatchObject({ imageCount: 2, cover: { id: ids.public } });
      // The private image's static file stays closed, album or not.
      expect((await glimpse.get(items[0]!.urls.thumb.webp.replace(ids.public, ids.private))).status).toBe(404);
    }
    const own = await alice.feed.albums.get.query({ albumId: shared });
    expect(own.album).toMatchObject({ imageCount: 3, cover: { id: ids.private }, isOwner: true });
    expect(idsOf(own.items)).toEqual([ids.private, ids.public, ids.unlisted]);
  });

  it('opens an unlisted album by its link but lists it nowhere; a private one is NOT_FOUND to others', async () => {
    const unlisted = (await alice.feed.albums.create.mutate({ title: 'By link', visibility: 'unlisted' })).id;
    const hidden = (await alice.feed.albums.create.mutate({ title: 'Only me', visibility: 'private' })).id;
    await alice.feed.albums.addImages.mutate({ albumId: hidden, imageIds: [ids.public] });
    for (const viewer of [bob, glimpse.anonymous()]) {
      expect((await viewer.feed.albums.get.query({ albumId: unlisted })).album.title).toBe('By link');
      const listed = idsOf((await viewer.feed.albums.list.query({ username: 'alice' })).items);
      expect(listed).toContain(shared);
      expect(listed).not.toContain(unlisted);
      expect(listed).not.toContain(hidden);
      const refused = await failure(viewer.feed.albums.get.query({ albumId: hidden }));
      expect(refused).toMatchObject({ code: 'NOT_FOUND', field: 'albumId' });
      // The same answer as an album that never existed: nothing tells them it is there.
      expect((await failure(viewer.feed.albums.get.query({ albumId: '00000000-0000-4000-8000-000000000000' }))).message.replace('00000000-0000-4000-8000-000000000000', hidden)).toBe(refused.message);
    }
    expect(await failure(bob.feed.albums.update.mutate({ albumId: hidden, title: 'x' }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await failure(bob.feed.albums.delete.mutate({ albumId: hidden }))).toMatchObject({ code: 'NOT_FOUND' });
    const mine = idsOf((await alice.feed.albums.list.query({})).items);
    expect(mine).toEqual(expect.arrayContaining([shared, unlisted, hidden]));
    expect(await failure(glimpse.anonymous().feed.albums.list.query({}))).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('changes nothing in feeds, search and static files', async () => {
    // A public image in a private album stays in the feed; the private image in a public album stays out of it.
    const latest = idsOf((await bob.feed.latest.query({})).items);
    expect(latest).toContain(ids.public);
    expect(latest).not.toContain(ids.private);
    expect(latest).not.toContain(ids.unlisted);
    expect(idsOf((await bob.feed.user.query({ username: 'alice' })).items)).toEqual([ids.public]);
    const found = await until(() => bob.search.images.query({ q: 'album' }), (r) => r.found > 0, 'the search index to hold alice’s public image');
    expect(idsOf(found.hits)).toEqual([ids.public]);
    expect(await failure(bob.feed.image.query({ imageId: ids.private }))).toMatchObject({ code: 'NOT_FOUND' });
    const publicUrl = (await bob.feed.image.query({ imageId: ids.public })).urls.thumb.webp;
    expect((await glimpse.get(publicUrl)).status).toBe(200);
    expect((await glimpse.get(publicUrl.replace(ids.public, ids.private))).status).toBe(404);
  });

  it('takes a deleted image out of every album at once, and the cover moves on', async () => {
    const doomed = await glimpse.uploadOk(alice, await solid(30, 30, '#aa2020').png().toBuffer(), { title: 'doomed' });
    await glimpse.settle(alice, doomed);
    const album = (await alice.feed.albums.create.mutate({ title: 'Doomed' })).id;
    await alice.feed.albums.addImages.mutate({ albumId: album, imageIds: [doomed, ids.public] });
    await alice.feed.albums.addImages.mutate({ albumId: shared, imageIds: [doomed] });
    await alice.feed.albums.update.mutate({ albumId: album, coverImageId: doomed });
    await alice.upload.delete.mutate({ imageId: doomed });
    const after = await alice.feed.albums.get.query({ albumId: album });
    expect(idsOf(after.items)).toEqual([ids.public]);
    expect(after.album).toMatchObject({ imageCount: 1, cover: { id: ids.public } });
    expect(idsOf((await alice.feed.albums.get.query({ albumId: shared })).items)).not.toContain(doomed);
    // It cannot be put back: it is gone.
    expect(await failure(alice.feed.albums.addImages.mutate({ albumId: album, imageIds: [doomed] }))).toMatchObject({ code: 'NOT_FOUND', field: 'imageIds' });
  });
});

describe('possible duplicates', () => {
  const photos = join(import.meta.dirname, '../../../packages/image-tagging/test/fixtures/photos');
  const photo = (name: string) => readFileSync(join(photos, name));

  it('groups a resized and a recompressed copy with their originals, and leaves unrelated photos alone', async () => {
    const carol = await glimpse.signUp('carol');
    const fruits = photo('opencv-fruits.jpg');
    const baboon = photo('opencv-baboon.jpg');
    const width = (await sharp(fruits).metadata()).width!;
    const uploads = {
      fruits: await glimpse.uploadOk(carol, fruits, { title: 'fruits' }),
      fruitsSmall: await glimpse.uploadOk(carol, await sharp(fruits).resize({ width: Math.round(width / 2) }).jpeg({ quality: 80 }).toBuffer(), { title: 'fruits small' }),
      baboon: await glimpse.uploadOk(carol, baboon, { title: 'baboon', visibility: 'private' }),
      baboonRecompressed: await glimpse.uploadOk(carol, await sharp(baboon).jpeg({ quality: 35 }).toBuffer(), { title: 'baboon q35' }),
      lena: await glimpse.uploadOk(carol, photo('opencv-home.jpg'), { title: 'home' }),
      scene: await glimpse.uploadOk(carol, await scene(400, 300, 'b').png().toBuffer(), { title: 'drawing' }),
    };
    for (const id of Object.values(uploads)) expect((await glimpse.settle(carol, id)).status).toBe('ready');
    // Someone else's copy of the same photo is not carol's duplicate.
    await glimpse.settle(bob, await glimpse.uploadOk(bob, fruits, { title: 'bob fruits' }));

    const { groups, threshold, nextCursor } = await carol.upload.duplicates.query({});
    expect(threshold).toBe(7);
    expect(nextCursor).toBeNull();
    const asSets = groups.map((group) => new Set(idsOf(group.images)));
    expect(asSets).toHaveLength(2);
    expect(asSets).toContainEqual(new Set([uploads.fruits, uploads.fruitsSmall]));
    expect(asSets).toContainEqual(new Set([uploads.baboon, uploads.baboonRecompressed]));
    for (const group of groups) expect(group.maxDistance).toBeLessThanOrEqual(threshold);

    // Pages of one group at a time.
    const first = await carol.upload.duplicates.query({ limit: 1 });
    expect(first.groups).toHaveLength(1);
    const second = await carol.upload.duplicates.query({ limit: 1, cursor: first.nextCursor! });
    expect([...idsOf(first.groups[0]!.images), ...idsOf(second.groups[0]!.images)].sort()).toEqual([uploads.fruits, uploads.fruitsSmall, uploads.baboon, uploads.baboonRecompressed].sort());

    // Keep one, delete the other (the ordinary delete): the group is gone.
    await carol.upload.delete.mutate({ imageId: uploads.fruitsSmall });
    const after = await carol.upload.duplicates.query({});
    expect(after.groups.map((group) => new Set(idsOf(group.images)))).toEqual([new Set([uploads.baboon, uploads.baboonRecompressed])]);
    expect((await bob.upload.duplicates.query({})).groups).toEqual([]);
    expect(await failure(glimpse.anonymous().upload.duplicates.query({}))).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('does not take the same layout in other colours for a copy', async () => {
    const dave = await glimpse.signUp('dave');
    // The web tests' kind of drawing: a gradient, a sun and a hill, in two palettes.
    const drawing = (hue: number) =>
      sharp(
        Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480">
          <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${hue},75%,62%)"/><stop offset="1" stop-color="hsl(${(hue + 70) % 360},70%,32%)"/></linearGradient></defs>
          <rect width="100%" height="100%" fill="url(#g)"/><circle cx="448" cy="168" r="77" fill="hsl(${(hue + 180) % 360},90%,85%)" opacity="0.85"/>
          <path d="M0 374 Q 192 264 384 360 T 640 336 V 480 H 0 Z" fill="hsl(${hue},40%,18%)" opacity="0.7"/></svg>`),
      )
        .jpeg()
        .toBuffer();
    const [warm, cold] = await Promise.all([drawing(47), drawing(188)]);
    const hashes = await Promise.all([warm, cold].map(async (bytes) => (await processImage(bytes, { maxPixels: 1e8 })).perceptualHash));
    expect(hammingDistance(hashes[0]!, hashes[1]!)).toBeLessThanOrEqual(7); // alike to the hash alone
    for (const bytes of [warm, cold]) await glimpse.settle(dave, await glimpse.uploadOk(dave, bytes));
    expect((await dave.upload.duplicates.query({})).groups).toEqual([]);
  });
});
