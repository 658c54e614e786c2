import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { solid, until } from '@glimpse/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, startTestGateway, type Session, type TestGateway } from './harness';

let glimpse: TestGateway;
let alice: Session;
let bob: Session;
const photos: Record<string, string> = {};

const ids = (items: Array<{ id: string }>) => items.map((item) => item.id);

beforeAll(async () => {
  glimpse = await startTestGateway({ TAGGER_ENABLED: 'true' });
  [alice, bob] = await Promise.all([glimpse.signUp('alice'), glimpse.signUp('bob')]);
  const uploads: Array<[string, Session, string, Record<string, string>]> = [
    ['sunset', alice, '#e07020', { title: 'Sunset over the harbour', tags: 'sunset, sea' }],
    ['mountain', alice, '#406080', { title: 'Mountain lake at dawn', tags: 'mountain, lake' }],
    ['cat1', alice, '#808080', { title: 'Sleepy cat', tags: 'cat' }],
    ['cat2', alice, '#909090', { title: 'Cat on the sofa', tags: 'cat, sofa' }],
    ['cat3', alice, '#a0a0a0', { title: 'Kitten', tags: 'cat, kitten' }],
    ['dog1', alice, '#705030', { title: 'Dog in the park', tags: 'dog, park' }],
    ['dog2', alice, '#604020', { title: 'Dog at the beach', tags: 'dog, beach' }],
    ['secret', alice, '#102030', { title: 'Private sunset', tags: 'sunset', visibility: 'private' }],
    ['bobcat', bob, '#b0b0b0', { title: 'Bob’s own cat', tags: 'cat' }],
  ];
  for (const [name, owner, colour, fields] of uploads) {
    photos[name] = await glimpse.uploadOk(owner, await solid(320, 200, colour).png().toBuffer(), fields);
  }
  for (const [name, owner] of uploads) expect((await glimpse.settle(owner, photos[name]!)).status).toBe('ready');
  // Wait until the indexer caught up with every public image.
  await until(() => glimpse.anonymous().search.images.query({}), (r) => r.found === 8, 'the search index to hold the 8 public images');
});
afterAll(() => glimpse.stop());

describe('search', () => {
  it('finds images by words in the title, tags and owner, tolerating a typo', async () => {
    const { search } = glimpse.anonymous();
    expect(ids((await search.images.query({ q: 'sunset' })).hits)).toEqual([photos.sunset]);
    expect(ids((await search.images.query({ q: 'sunsett' })).hits)).toEqual([photos.sunset]);
    expect(ids((await search.images.query({ q: 'mountian' })).hits)).toEqual([photos.mountain]);
    expect((await search.images.query({ q: 'bob' })).hits.map((h) => h.owner.username)).toContain('bob');
  });

  it('combines filters and counts facets over every match, not just the page', async () => {
    const { search } = glimpse.anonymous();
    const cats = await search.images.query({ tags: ['cat'], limit: 2 });
    expect(cats.found).toBe(4);
    expect(cats.hits).toHaveLength(2);
    expect(cats.nextCursor).not.toBeNull();
    const next = await search.images.query({ tags: ['cat'], limit: 2, cursor: cats.nextCursor! });
    expect(new Set([...ids(cats.hits), ...ids(next.hits)]).size).toBe(4);
    expect(cats.facets.tags.find((f) => f.value === 'cat')?.count).toBe(4);
    expect(cats.facets.tags.find((f) => f.value === 'sofa')?.count).toBe(1);
    expect(ids((await search.images.query({ tags: 'cat, sofa' })).hits)).toEqual([photos.cat2]);
    expect((await search.images.query({ tags: ['cat'], owner: 'bob' })).found).toBe(1);
    expect((await search.images.query({ orientation: 'landscape' })).found).toBe(8);
    expect((await search.images.query({ orientation: 'portrait' })).found).toBe(0);
  });

  it('never shows another user’s private image, but shows owners their own', async () => {
    expect(ids((await bob.search.images.query({ q: 'private sunset' })).hits)).not.toContain(photos.secret);
    expect((await bob.search.images.query({ tags: ['sunset'] })).found).toBe(1);
    expect(ids((await alice.search.images.query({ tags: ['sunset'] })).hits).sort()).toEqual([photos.sunset, photos.secret].sort());
  });

  it('suggests tags with counts and users by prefix, counting only what the viewer may see', async () => {
    const suggestions = await glimpse.anonymous().search.suggest.query({ prefix: 'su' });
    expect(suggestions.tags).toContainEqual({ tag: 'sunset', count: 1 });
    expect((await alice.search.suggest.query({ prefix: 'su' })).tags).toContainEqual({ tag: 'sunset', count: 2 });
    expect((await glimpse.anonymous().search.suggest.query({ prefix: 'bo' })).users.map((u) => u.username)).toContain('bob');
    expect(await failure(glimpse.anonymous().search.suggest.query({ prefix: '' }))).toMatchObject({ code: 'BAD_REQUEST', field: 'prefix' });
  });

  it('drops deleted and newly private images from results', async () => {
    const gone = await glimpse.uploadOk(alice, await solid(100, 100, '#00ff00').png().toBuffer(), { title: 'Ephemeral meadow', tags: 'meadow' });
    await glimpse.settle(alice, gone);
    await until(() => glimpse.anonymous().search.images.query({ q: 'meadow' }), (r) => r.found === 1, 'the new image to be indexed');
    await alice.upload.delete.mutate({ imageId: gone });
    await until(() => glimpse.anonymous().search.images.query({ q: 'meadow' }), (r) => r.found === 0, 'the deleted image to leave the index');
    await alice.upload.update.mutate({ imageId: photos.dog2!, visibility: 'private' });
    await until(() => bob.search.images.query({ tags: ['dog'] }), (r) => r.found === 1, 'the now-private image to leave others’ results');
    await alice.upload.update.mutate({ imageId: photos.dog2!, visibility: 'public' });
  });
});

describe('machine tags', () => {
  it('tags every image with the model, keeps machine tags apart with their confidence, and makes colours searchable', async () => {
    const state = await until(() => alice.upload.status.query({ imageId: photos.mountain! }), (s) => s.taggingStatus !== 'pending', 'the tagger', 50_000);
    expect(state.taggingStatus).toBe('tagged');
    expect(state.tags.filter((t) => t.source === 'user').map((t) => t.tag).sort()).toEqual(['lake', 'mountain']);
    for (const tag of state.tags.filter((t) => t.source === 'machine')) expect(tag.confidence).toBeGreaterThan(0);
    // The owner's tags stay the owner's: a machine tag never replaces them.
    const ocean = await glimpse.uploadOk(alice, await solid(320, 200, '#1f4fd8').png().toBuffer(), { title: 'Open ocean' });
    await glimpse.settle(alice, ocean);
    const blue = await until(() => glimpse.anonymous().search.images.query({ colors: ['blue'] }), (r) => ids(r.hits).includes(ocean), 'colour names in the index', 50_000);
    expect(ids(blue.hits)).not.toContain(photos.sunset);
    expect(blue.facets.colors.find((f) => f.value === 'blue')?.count).toBe(blue.found);
  });
  it('makes the words inside a photo searchable (a real street sign read by OCR)', async () => {
    const sign = readFileSync(fileURLToPath(new URL('../../../packages/image-tagging/test/fixtures/photos/opencv-scenetext01.jpg', import.meta.url)));
    const id = await glimpse.uploadOk(alice, sign, { title: 'On my walk' });
    await glimpse.settle(alice, id);
    await until(() => alice.upload.status.query({ imageId: id }), (s) => s.taggingStatus !== 'pending', 'the tagger', 90_000);
    // "NOTICE … DOUBLE PARKING PROHIBITED …": neither the title nor any tag says parking.
    const found = await until(() => glimpse.anonymous().search.images.query({ q: 'parking' }), (r) => ids(r.hits).includes(id), 'the words read in the photo in the index', 30_000);
    expect(ids(found.hits)).toContain(id);
    expect(ids((await glimpse.anonymous().search.images.query({ q: 'prohibited' })).hits)).toContain(id);
  });
});

describe('recommendations', () => {
  it('ranks images with the tag a user likes above the others in For you', async () => {
    const carol = await glimpse.signUp('carol');
    await carol.feed.like.mutate({ imageId: photos.cat1! });
    await carol.feed.like.mutate({ imageId: photos.cat2! });
    const feed = await until(
      () => carol.feed.forYou.query({ limit: 20 }),
      // Liked images leave the user's own recommendations once the likes reached the recommender.
      (r) => !r.items.some((item) => item.id === photos.cat1 || item.id === photos.cat2),
      'likes to reach the recommender',
    );
    const ranked = ids(feed.items);
    expect(ranked).not.toContain(photos.cat1);
    expect(ranked).not.toContain(photos.secret);
    const rank = (id: string) => (ranked.indexOf(id) === -1 ? ranked.length : ranked.indexOf(id));
    const catRanks = [photos.cat3!, photos.bobcat!].map(rank);
    const otherRanks = [photos.sunset!, photos.mountain!, photos.dog1!].map(rank);
    expect(Math.max(...catRanks), `cats ${catRanks} vs others ${otherRanks}`).toBeLessThan(Math.min(...otherRanks));
  });

  it('gives a new user popular images rather than nothing, and refuses anonymous For you', async () => {
    const dan = await glimpse.signUp('dan');
    expect((await dan.feed.forYou.query({})).items.length).toBeGreaterThan(0);
    expect(await failure(glimpse.anonymous().feed.forYou.query({}))).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('finds similar images: shared tags first, never private ones of others', async () => {
    const similar = ids((await bob.feed.similar.query({ imageId: photos.cat1! })).items);
    expect(similar.slice(0, 3).sort()).toEqual([photos.cat2, photos.cat3, photos.bobcat].sort());
    expect(similar).not.toContain(photos.cat1);
    expect(similar).not.toContain(photos.secret);
  });
});
