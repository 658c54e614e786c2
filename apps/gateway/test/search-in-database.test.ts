import { reindexAll } from '@glimpse/image-jobs';
import { solid, until } from '@glimpse/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type Session, type TestGateway } from './harness';

/**
 * SEARCH_ENGINE=database: search lives in the application's own database (PGlite here,
 * CockroachDB or PostgreSQL in production), through the same API a browser calls.
 */

let glimpse: TestGateway;
let alice: Session;
let bob: Session;
const photos: Record<string, string> = {};

const ids = (items: Array<{ id: string }>) => items.map((item) => item.id);
const everyPublicImage = () => until(() => glimpse.anonymous().search.images.query({}), (r) => r.found === 5, 'the search tables to hold the 5 public images');

beforeAll(async () => {
  glimpse = await startTestGateway({ SEARCH_ENGINE: 'database' });
  [alice, bob] = await Promise.all([glimpse.signUp('alice'), glimpse.signUp('bob')]);
  const uploads: Array<[string, Session, [number, number], Record<string, string>, Record<string, string>?]> = [
    ['harbour', alice, [320, 200], { title: 'Sunset over the harbour', tags: 'sunset, sea' }, { Make: 'Canon', Model: 'Canon EOS R5' }],
    ['lake', alice, [200, 320], { title: 'Mountain lake at dawn', description: 'Cold water, first light', tags: 'mountain, lake' }],
    ['ridge', bob, [320, 200], { title: 'Ridge walk', tags: 'mountain, sunset' }],
    ['café', bob, [200, 320], { title: 'Café at night', tags: 'city, night' }],
    ['kitten', bob, [320, 200], { title: 'Sleepy kitten', tags: 'cat' }, { Make: 'Apple', Model: 'iPhone 12' }],
    ['diary', alice, [320, 200], { title: 'Private sunset diary', tags: 'sunset, family', visibility: 'private' }, { Make: 'Canon', Model: 'Canon EOS R5' }],
  ];
  // A colour each: the same file twice from one owner would be one image (an exact duplicate).
  for (const [index, [name, owner, [width, height], fields, camera]] of uploads.entries()) {
    const picture = solid(width, height, `#e070${(0x20 + index).toString(16)}`);
    // Those with a camera are JPEGs carrying it in their EXIF, as a camera writes it.
    const bytes = camera ? await picture.jpeg().withExif({ IFD0: camera }).toBuffer() : await picture.png().toBuffer();
    photos[name] = await glimpse.uploadOk(owner, bytes, fields);
  }
  for (const [name, owner] of uploads) expect((await glimpse.settle(owner, photos[name]!)).status).toBe('ready');
  await everyPublicImage();
  // the private one too (indexing is asynchronous: on a busy machine it can come last)
  await until(() => alice.search.images.query({}), (r) => r.found === 6, 'the private image indexed for its owner');
});
afterAll(() => glimpse.stop());

describe('search in the database', () => {
  it('finds an image by a word of its title, description, tags or owner, and by the start of a word', async () => {
    const { search } = glimpse.anonymous();
    expect(ids((await search.images.query({ q: 'harbour' })).hits)).toEqual([photos.harbour]);
    expect(ids((await search.images.query({ q: 'first light' })).hits)).toEqual([photos.lake]);
    expect(ids((await search.images.query({ q: 'cat' })).hits)).toEqual([photos.kitten]);
    expect(ids((await search.images.query({ q: 'bob mountain' })).hits)).toEqual([photos.ridge]);
    expect(ids((await search.images.query({ q: 'kitt' })).hits)).toEqual([photos.kitten]);
    expect(ids((await search.images.query({ q: 'CAFE' })).hits)).toEqual([photos.café]);
  });

  it('still finds an image when a longer word has a typo, but not a short word with one', async () => {
    const { search } = glimpse.anonymous();
    expect(ids((await search.images.query({ q: 'mountian' })).hits).sort()).toEqual([photos.lake, photos.ridge].sort());
    expect(ids((await search.images.query({ q: 'harbor' })).hits)).toEqual([photos.harbour]);
    expect(ids((await search.images.query({ q: 'sleepy kiten' })).hits)).toEqual([photos.kitten]);
    expect((await search.images.query({ q: 'kat' })).found).toBe(0);
  });

  it("never finds another user's private image, nor counts it in found, facets or suggestions; its owner finds it", async () => {
    const asBob = await bob.search.images.query({ q: 'sunset' });
    expect(ids(asBob.hits)).not.toContain(photos.diary);
    expect(asBob.found).toBe(2);
    expect(asBob.facets.tags.find((facet) => facet.value === 'family')).toBeUndefined();
    expect((await bob.search.images.query({ q: 'diary' })).found).toBe(0);
    expect((await glimpse.anonymous().search.suggest.query({ prefix: 'fam' })).tags).toEqual([]);
    const asAlice = await alice.search.images.query({ q: 'sunset' });
    expect(ids(asAlice.hits)).toContain(photos.diary);
    expect(asAlice.facets.tags).toContainEqual({ value: 'family', count: 1 });
    expect((await alice.search.suggest.query({ prefix: 'sun' })).tags).toEqual([{ tag: 'sunset', count: 3 }]);
  });

  it('counts facets over every match, not just the page, and pages with a cursor', async () => {
    const { search } = glimpse.anonymous();
    const first = await search.images.query({ limit: 2 });
    expect(first.found).toBe(5);
    expect(first.facets.tags.slice(0, 2)).toEqual([
      { value: 'mountain', count: 2 },
      { value: 'sunset', count: 2 },
    ]);
    expect(first.facets.orientation).toEqual([
      { value: 'landscape', count: 3 },
      { value: 'portrait', count: 2 },
    ]);
    const seen = [...ids(first.hits)];
    for (let cursor = first.nextCursor; cursor; ) {
      const next = await search.images.query({ limit: 2, cursor });
      seen.push(...ids(next.hits));
      cursor = next.nextCursor;
    }
    expect(seen.sort()).toEqual([photos.harbour, photos.lake, photos.ridge, photos.café, photos.kitten].sort());
    expect(ids((await search.images.query({ tags: ['mountain'], orientation: 'portrait' })).hits)).toEqual([photos.lake]);
    expect(ids((await search.images.query({ owner: 'bob', sort: 'newest' })).hits)).toEqual([photos.kitten, photos.café, photos.ridge]);
  });

  it('filters by the camera from EXIF and counts cameras over what the viewer may see, never as tags', async () => {
    const anonymous = await glimpse.anonymous().search.images.query({});
    expect(anonymous.facets.camera).toEqual([
      { value: 'Apple iPhone 12', count: 1 },
      { value: 'Canon EOS R5', count: 1 },
    ]);
    expect(anonymous.facets.tags.some((facet) => /apple|iphone|canon/.test(facet.value))).toBe(false);
    expect((await alice.search.images.query({})).facets.camera).toContainEqual({ value: 'Canon EOS R5', count: 2 });
    expect(ids((await glimpse.anonymous().search.images.query({ camera: ['canon eos r5'] })).hits)).toEqual([photos.harbour]);
    expect(ids((await alice.search.images.query({ camera: 'Canon EOS R5' })).hits).sort()).toEqual([photos.harbour, photos.diary].sort());
    const detail = await glimpse.anonymous().feed.image.query({ imageId: photos.kitten! });
    expect(detail.camera).toMatchObject({ make: 'Apple', model: 'iPhone 12', label: 'Apple iPhone 12' });
    // Over HTTP, a bad camera filter is a 400 that names the field.
    const input = encodeURIComponent(JSON.stringify({ camera: Array.from({ length: 21 }, (_, i) => `Camera ${i}`) }));
    const response = await fetch(`${glimpse.url}/api/search/images?input=${input}`);
    const body = (await response.json()) as { error?: { data: { code: string; field?: string } } };
    expect(response.status).toBe(400);
    expect(body.error?.data).toMatchObject({ code: 'BAD_REQUEST', field: 'camera' });
  });

  it('follows edits and deletions, and is rebuilt whole from the images by reindex', async () => {
    await bob.upload.update.mutate({ imageId: photos.kitten!, title: 'Sleepy tabby' });
    await until(() => glimpse.anonymous().search.images.query({ q: 'tabby' }), (r) => r.found === 1, 'the new title to be indexed');
    await bob.upload.delete.mutate({ imageId: photos.café! });
    await until(() => glimpse.anonymous().search.images.query({ tags: ['night'] }), (r) => r.found === 0, 'the deleted image to leave the index');
    // Its word is gone too: a search for it now finds, by one typo, the nearest word left ("first light").
    expect(ids((await glimpse.anonymous().search.images.query({ q: 'night' })).hits)).toEqual([photos.lake]);

    const { db } = glimpse.gateway.infra;
    const searchIndex = await glimpse.gateway.infra.searchIndex();
    await db.query('DELETE FROM search_terms');
    await db.query('DELETE FROM search_documents');
    expect((await glimpse.anonymous().search.images.query({})).found).toBe(0);
    const rebuilt = await reindexAll({ db, searchIndex, recommender: glimpse.gateway.infra.recommender() });
    expect(rebuilt.images).toBe(5);
    expect((await glimpse.anonymous().search.images.query({})).found).toBe(4);
    expect(ids((await glimpse.anonymous().search.images.query({ q: 'tabby' })).hits)).toEqual([photos.kitten]);
    expect((await alice.search.images.query({ q: 'diary' })).found).toBe(1);
  });
});
