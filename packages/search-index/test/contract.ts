import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SearchDocument, SearchIndex, SearchQuery } from '@glimpse/search-index';

/**
 * What every search index adapter must do, run against each one (in-process in `npm test`,
 * a live Typesense when TYPESENSE_URL is set), so the embedded default cannot drift from
 * Typesense. Each test starts from an empty index.
 */

const day = 86_400_000;
const base = Date.UTC(2025, 0, 1);

export function doc(id: string, fields: Partial<SearchDocument> = {}): SearchDocument {
  return {
    id,
    title: `Untitled ${id}`,
    description: '',
    tags: [],
    userTags: [],
    machineTags: [],
    ownerId: 'owner-alice',
    ownerUsername: 'alice',
    visibility: 'public',
    colors: [],
    orientation: 'landscape',
    width: 1600,
    height: 900,
    likeCount: 0,
    createdAt: base,
    ...fields,
  };
}

const alice = { ownerId: 'owner-alice', ownerUsername: 'alice' };
const bruno = { ownerId: 'owner-bruno', ownerUsername: 'bruno' };

/** A small album: three owners' worth of visibility, tags, colours, shapes, dates and likes. */
const album: SearchDocument[] = [
  doc('a1', { ...alice, title: 'Sunset over the harbour', tags: ['sunset', 'sea', 'new-york'], colors: ['orange', 'blue'], camera: 'Apple iPhone 12', likeCount: 5, createdAt: base + 1 * day }),
  doc('a2', { ...alice, title: 'Mountain lake', description: 'Cold water at dawn', tags: ['mountain', 'lake'], colors: ['blue', 'green'], orientation: 'portrait', width: 900, height: 1600, likeCount: 9, createdAt: base + 2 * day }),
  doc('a3', { ...alice, title: 'Private sunset', tags: ['sunset', 'family'], colors: ['orange'], camera: 'Apple iPhone 12', visibility: 'private', likeCount: 1, createdAt: base + 3 * day }),
  doc('b1', { ...bruno, title: 'Sunset on the ridge', tags: ['sunset', 'mountain'], colors: ['red', 'orange'], camera: 'Canon EOS 5D', likeCount: 7, createdAt: base + 4 * day }),
  doc('b2', { ...bruno, title: 'Hidden cabin', tags: ['cabin', 'secretive'], colors: ['brown'], camera: 'Canon EOS 5D', visibility: 'unlisted', orientation: 'square', width: 1000, height: 1000, likeCount: 3, createdAt: base + 5 * day }),
  doc('b3', { ...bruno, title: 'Private garden', tags: ['garden', 'secretive'], colors: ['green'], visibility: 'private', likeCount: 2, createdAt: base + 6 * day }),
  doc('c1', { ownerId: 'owner-chen', ownerUsername: 'chen_wei', title: 'Café at night', description: 'Neon and rain', tags: ['city', 'night'], colors: ['purple', 'blue'], orientation: 'portrait', width: 800, height: 1200, likeCount: 9, createdAt: base + 7 * day }),
];

export function describeSearchIndexContract(name: string, open: () => Promise<SearchIndex>) {
  describe(`search index contract: ${name}`, () => {
    let index: SearchIndex;
    const ids = async (query: SearchQuery) => (await index.search(query)).hits.map((hit) => hit.id);
    const sortedIds = async (query: SearchQuery) => (await ids(query)).sort();

    beforeAll(async () => {
      index = await open();
      await index.ensureCollection();
    });
    beforeEach(async () => {
      await index.clear();
      await index.upsert(album);
    });

    it('answers ping, and ensures its collection idempotently, also when replicas do it at once, keeping documents', async () => {
      await expect(index.ping()).resolves.toBeUndefined();
      await Promise.all([index.ensureCollection(), index.ensureCollection(), index.ensureCollection()]);
      expect(await index.count()).toBe(album.length);
    });

    it('leaves excluded ids out of hits, found and facets (what the database says the viewer may no longer see)', async () => {
      const all = await index.search({ tags: ['sunset'], viewerId: null });
      expect(all.hits.map((hit) => hit.id).sort()).toEqual(['a1', 'b1']);
      const without = await index.search({ tags: ['sunset'], viewerId: null, excludeIds: ['b1', 'not-indexed'] });
      expect(without.hits.map((hit) => hit.id)).toEqual(['a1']);
      expect(without.found).toBe(1);
      expect(without.facets.tags.find((facet) => facet.value === 'mountain')).toBeUndefined();
      expect(without.facets.tags.find((facet) => facet.value === 'sunset')?.count).toBe(1);
    });

    it('replaces a document on upsert by id, and removes documents, missing ids being fine', async () => {
      await index.upsert([doc('a1', { ...alice, title: 'Renamed to zebra crossing', createdAt: base + day })]);
      expect(await index.count()).toBe(album.length);
      expect(await ids({ q: 'zebra' })).toEqual(['a1']);
      expect(await ids({ q: 'harbour' })).toEqual([]);
      await index.upsert([]);
      await index.remove(['a1', 'never-there']);
      await index.remove([]);
      expect(await index.count()).toBe(album.length - 1);
      expect(await sortedIds({ q: 'zebra' })).toEqual([]);
    });

    it('matches all visible documents, newest first, when there is no text', async () => {
      expect(await ids({})).toEqual(['c1', 'b1', 'a2', 'a1']);
      expect(await ids({ q: '   ' })).toEqual(['c1', 'b1', 'a2', 'a1']);
    });

    it('finds words in title, description, tags and username; every word must match; the last word may be a prefix', async () => {
      expect(await sortedIds({ q: 'harbour' })).toEqual(['a1']);
      expect(await sortedIds({ q: 'dawn' })).toEqual(['a2']);
      expect(await sortedIds({ q: 'lake' })).toEqual(['a2']);
      expect(await sortedIds({ q: 'bruno' })).toEqual(['b1']);
      expect(await sortedIds({ q: 'sunset mountain' })).toEqual(['b1']);
      expect(await sortedIds({ q: 'mount' })).toEqual(['a2', 'b1']);
      expect(await sortedIds({ q: 'york' })).toEqual(['a1']);
      expect(await sortedIds({ q: 'wei' })).toEqual(['c1']);
    });

    it('tolerates typos in longer words and ignores case and accents', async () => {
      expect(await sortedIds({ q: 'sunsett' })).toEqual(['a1', 'b1']);
      expect(await sortedIds({ q: 'mountian' })).toEqual(['a2', 'b1']);
      expect(await sortedIds({ q: 'SUNSET' })).toEqual(['a1', 'b1']);
      expect(await sortedIds({ q: 'cafe' })).toEqual(['c1']);
    });

    it('counts a transposition as one typo', async () => {
      await index.upsert([doc('x1', { ...bruno, title: 'Old stone bridge', tags: ['bridge', 'river'], createdAt: base + 8 * day })]);
      expect(await sortedIds({ q: 'brigde' })).toEqual(['x1']);
      expect(await sortedIds({ q: 'stone brigde' })).toEqual(['x1']);
      expect(await sortedIds({ q: 'lkae' })).toEqual(['a2']); // four letters allow one typo, and a swap is one
      expect(await sortedIds({ q: 'rbigde' })).toEqual([]); // two swaps are two typos; six letters allow one
      expect(await sortedIds({ q: 'mountian lkae' })).toEqual(['a2']);
    });

    it('does not let stop words and short words block a match, and still prefers documents holding them', async () => {
      expect(await sortedIds({ q: 'sunset on the ridge' })).toEqual(['b1']);
      expect(await sortedIds({ q: 'a lake at dawn' })).toEqual(['a2']);
      expect(await sortedIds({ q: 'café at night' })).toEqual(['c1']);
      expect(await sortedIds({ q: 'the sunset' })).toEqual(['a1', 'b1']);
      // Only stop words: they must match, or the query would mean everything.
      expect(await sortedIds({ q: 'on the' })).toEqual(['b1']);
    });

    it('matches the last word that must match as a prefix, and only that one', async () => {
      expect(await sortedIds({ q: 'sunset harb' })).toEqual(['a1']);
      expect(await sortedIds({ q: 'sun harbour' })).toEqual([]);
      expect(await sortedIds({ q: 'mountain la' })).toEqual(['a2', 'b1']); // "la" is short: it only ranks
      expect((await ids({ q: 'mountain la' }))[0]).toBe('a2');
    });

    it('ranks a phrase above the same words scattered across fields', async () => {
      await index.upsert([
        doc('p1', { ...bruno, title: 'Golden retriever in the park', tags: ['dog'], createdAt: base + 8 * day }),
        doc('p2', { ...bruno, title: 'Retriever under golden leaves', tags: ['golden', 'retriever'], createdAt: base + 9 * day }),
      ]);
      expect(await ids({ q: 'golden retriever' })).toEqual(['p1', 'p2']);
      expect(await ids({ q: 'golden retr' })).toEqual(['p1', 'p2']);
    });

    it("ranks an owner's tag above the same word as a machine label", async () => {
      // The machine-labelled one is newer and better liked, so only the tag's source can put the other first.
      await index.upsert([
        doc('m1', { ...bruno, title: 'Afternoon', tags: ['beach'], machineTags: ['beach'], likeCount: 50, createdAt: base + 9 * day }),
        doc('o1', { ...bruno, title: 'Morning', tags: ['beach'], userTags: ['beach'], createdAt: base + 8 * day }),
      ]);
      expect(await ids({ q: 'beach' })).toEqual(['o1', 'm1']);
    });

    it('filters by ALL tags, ANY colour, orientation, owner and an inclusive date range, together', async () => {
      expect(await sortedIds({ tags: ['sunset', 'mountain'] })).toEqual(['b1']);
      expect(await sortedIds({ tags: ['SUNSET'] })).toEqual(['a1', 'b1']);
      expect(await sortedIds({ colors: ['red', 'green'] })).toEqual(['a2', 'b1']);
      expect(await sortedIds({ orientation: 'portrait' })).toEqual(['a2', 'c1']);
      expect(await sortedIds({ owner: 'alice' })).toEqual(['a1', 'a2']);
      expect(await sortedIds({ createdAfter: base + 2 * day, createdBefore: base + 4 * day })).toEqual(['a2', 'b1']);
      expect(await sortedIds({ q: 'sunset', colors: ['orange'], orientation: 'landscape', createdBefore: base + 1 * day })).toEqual(['a1']);
      expect(await sortedIds({ tags: ['sunset'], colors: ['purple'] })).toEqual([]);
    });

    it("filters tags by source: the owner's, the machine's labels or either", async () => {
      await index.upsert([
        doc('t1', { ...bruno, tags: ['beach', 'sea'], userTags: ['beach'], machineTags: ['sea'], createdAt: base + 8 * day }),
        doc('t2', { ...bruno, tags: ['beach'], machineTags: ['beach'], createdAt: base + 9 * day }),
        doc('t3', { ...bruno, tags: ['beach'], userTags: ['beach'], machineTags: ['beach'], createdAt: base + 10 * day }),
      ]);
      expect(await sortedIds({ tags: ['beach'] })).toEqual(['t1', 't2', 't3']);
      expect(await sortedIds({ tags: ['beach'], tagSource: 'any' })).toEqual(['t1', 't2', 't3']);
      expect(await sortedIds({ tags: ['beach'], tagSource: 'owner' })).toEqual(['t1', 't3']);
      expect(await sortedIds({ tags: ['beach'], tagSource: 'machine' })).toEqual(['t2', 't3']);
      expect(await sortedIds({ tags: ['beach', 'sea'], tagSource: 'owner' })).toEqual([]);
      expect(await sortedIds({ tags: ['beach', 'sea'], tagSource: 'any' })).toEqual(['t1']);
      expect((await index.search({ tags: ['beach'], tagSource: 'machine' })).found).toBe(2);
      // A tag of the album without a source is the owner's.
      expect(await sortedIds({ tags: ['sunset'], tagSource: 'owner' })).toEqual(['a1', 'b1']);
      expect(await sortedIds({ tags: ['sunset'], tagSource: 'machine' })).toEqual([]);
    });

    it('shows others only public documents, and owners their own of any visibility, in hits, found and facets', async () => {
      const anonymous = await index.search({ tags: ['secretive'] });
      expect(anonymous.found).toBe(0);
      expect(anonymous.facets.tags).toEqual([]);
      const asAlice = await index.search({ viewerId: 'owner-alice', perPage: 100 });
      expect(asAlice.hits.map((hit) => hit.id).sort()).toEqual(['a1', 'a2', 'a3', 'b1', 'c1']);
      expect(asAlice.facets.tags.find((facet) => facet.value === 'secretive')).toBeUndefined();
      expect(asAlice.facets.tags.find((facet) => facet.value === 'sunset')).toEqual({ value: 'sunset', count: 3 });
      const asBruno = await index.search({ viewerId: 'owner-bruno', tags: ['secretive'] });
      expect(asBruno.found).toBe(2);
      expect(asBruno.facets.orientation).toEqual([
        { value: 'landscape', count: 1 },
        { value: 'square', count: 1 },
      ]);
      expect(await sortedIds({ viewerId: 'owner-bruno', owner: 'alice' })).toEqual(['a1', 'a2']);
    });

    it('counts facets over every match, not just the page, most frequent first', async () => {
      const result = await index.search({ perPage: 1 });
      expect(result.hits).toHaveLength(1);
      expect(result.found).toBe(4);
      expect(result.facets.colors).toEqual([
        { value: 'blue', count: 3 },
        { value: 'orange', count: 2 },
        { value: 'green', count: 1 },
        { value: 'purple', count: 1 },
        { value: 'red', count: 1 },
      ]);
      expect(result.facets.orientation).toEqual([
        { value: 'landscape', count: 2 },
        { value: 'portrait', count: 2 },
      ]);
      expect(result.facets.tags.slice(0, 2)).toEqual([
        { value: 'mountain', count: 2 },
        { value: 'sunset', count: 2 },
      ]);
    });

    it('filters by ANY camera whatever its case, and counts cameras only over what the viewer may see, never as tags', async () => {
      const anonymous = await index.search({});
      expect(anonymous.facets.camera).toEqual([
        { value: 'Apple iPhone 12', count: 1 },
        { value: 'Canon EOS 5D', count: 1 },
      ]);
      expect(anonymous.facets.tags.map((facet) => facet.value)).not.toEqual(expect.arrayContaining(['apple']));
      expect(anonymous.facets.tags.some((facet) => /apple|iphone|canon/.test(facet.value))).toBe(false);
      expect((await index.search({ viewerId: 'owner-alice' })).facets.camera).toEqual([
        { value: 'Apple iPhone 12', count: 2 },
        { value: 'Canon EOS 5D', count: 1 },
      ]);
      expect((await index.search({ viewerId: 'owner-bruno' })).facets.camera).toEqual([
        { value: 'Canon EOS 5D', count: 2 },
        { value: 'Apple iPhone 12', count: 1 },
      ]);
      expect(await sortedIds({ camera: ['apple iphone 12'] })).toEqual(['a1']);
      expect(await sortedIds({ camera: ['Apple  iPhone 12'], viewerId: 'owner-alice' })).toEqual(['a1', 'a3']);
      expect(await sortedIds({ camera: ['Canon EOS 5D', 'Apple iPhone 12'] })).toEqual(['a1', 'b1']);
      expect(await sortedIds({ camera: ['Canon EOS 5D'], tags: ['sunset'], q: 'ridge' })).toEqual(['b1']);
      const none = await index.search({ camera: ['Nikon D750'] });
      expect(none).toMatchObject({ found: 0, hits: [] });
      expect(none.facets.camera).toEqual([]);
      // Facets follow the filter, and leave out what the database says the viewer may no longer see.
      expect((await index.search({ camera: ['canon eos 5d'], viewerId: 'owner-bruno' })).facets.camera).toEqual([{ value: 'Canon EOS 5D', count: 2 }]);
      expect((await index.search({ excludeIds: ['b1'] })).facets.camera).toEqual([{ value: 'Apple iPhone 12', count: 1 }]);
      // A camera is not a word of the text either: "canon" finds no photo.
      expect(await sortedIds({ q: 'canon' })).toEqual([]);
    });

    it('forgets a camera an upsert takes away, and refuses too many cameras or a backtick, naming the field', async () => {
      await index.upsert([doc('a1', { ...alice, title: 'Sunset over the harbour', tags: ['sunset', 'sea', 'new-york'], colors: ['orange', 'blue'], likeCount: 5, createdAt: base + day })]);
      expect(await sortedIds({ camera: ['Apple iPhone 12'] })).toEqual([]);
      expect((await index.search({})).facets.camera).toEqual([{ value: 'Canon EOS 5D', count: 1 }]);
      await index.upsert([doc('a2', { ...alice, title: 'Mountain lake', camera: 'Apple iPhone 12', createdAt: base + 2 * day })]);
      expect(await sortedIds({ camera: ['apple iphone 12'] })).toEqual(['a2']);
      const many = Array.from({ length: 21 }, (_, i) => `Camera ${i}`);
      await expect(index.search({ camera: many })).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'camera' });
      await expect(index.search({ camera: ['x'.repeat(101)] })).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'camera' });
      await expect(index.search({ camera: ['a`b'] })).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'camera' });
    });

    it('sorts by newest, by most liked, and by relevance by default when there is text', async () => {
      expect(await ids({ sort: 'newest' })).toEqual(['c1', 'b1', 'a2', 'a1']);
      expect(await ids({ sort: 'most_liked' })).toEqual(['c1', 'a2', 'b1', 'a1']);
      const relevant = await index.search({ q: 'sunset' });
      expect(relevant.hits.map((hit) => hit.id)).toEqual(['b1', 'a1']); // the closer match, and the newer
      expect(relevant.hits[0]?.score).toBeGreaterThan(0);
      expect(await ids({ q: 'lake', sort: 'newest' })).toEqual(['a2']);
    });

    it('pages through results and reports the total on every page, even past the end', async () => {
      const first = await index.search({ perPage: 3, page: 1 });
      const second = await index.search({ perPage: 3, page: 2 });
      const beyond = await index.search({ perPage: 3, page: 9 });
      expect(first.hits.map((hit) => hit.id)).toEqual(['c1', 'b1', 'a2']);
      expect(second).toMatchObject({ page: 2, found: 4, hits: [{ id: 'a1' }] });
      expect(beyond).toMatchObject({ page: 9, found: 4, hits: [] });
    });

    it('refuses a page size over 100, a page below 1 and a filter value with a backtick, naming the field', async () => {
      await expect(index.search({ perPage: 101 })).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'perPage' });
      await expect(index.search({ page: 0 })).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'page' });
      await expect(index.search({ tags: ['a`b'] })).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'tags' });
      await expect(index.search({ tags: ['a'], tagSource: 'robot' as never })).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'tagSource' });
    });

    it('suggests tags and usernames by prefix, with counts over what the viewer may see', async () => {
      expect(await index.suggest('sun')).toEqual([{ kind: 'tag', value: 'sunset', count: 2 }]);
      expect(await index.suggest('Sun', 'owner-alice')).toEqual([{ kind: 'tag', value: 'sunset', count: 3 }]);
      expect(await index.suggest('#new y')).toEqual([{ kind: 'tag', value: 'new-york', count: 1 }]);
      expect(await index.suggest('secr')).toEqual([]);
      expect(await index.suggest('secr', 'owner-bruno')).toEqual([{ kind: 'tag', value: 'secretive', count: 2 }]);
      expect(await index.suggest('b')).toEqual([{ kind: 'user', value: 'bruno', count: 1 }]);
      expect(await index.suggest('chen')).toEqual([{ kind: 'user', value: 'chen_wei', count: 1 }]);
      expect(await index.suggest('m', null, 1)).toEqual([{ kind: 'tag', value: 'mountain', count: 2 }]);
      expect(await index.suggest('  ')).toEqual([]);
    });

    it('stops suggesting what is removed or made private', async () => {
      await index.upsert([doc('a1', { ...alice, tags: ['sunset'], visibility: 'private' })]);
      await index.remove(['b1']);
      expect(await index.suggest('sun')).toEqual([]);
      expect(await index.suggest('bru')).toEqual([]);
      expect(await index.suggest('sun', 'owner-alice')).toEqual([{ kind: 'tag', value: 'sunset', count: 2 }]);
    });

    it('drops every document on clear', async () => {
      await index.clear();
      expect(await index.count()).toBe(0);
      expect(await index.search({ viewerId: 'owner-alice' })).toMatchObject({ found: 0, hits: [] });
      expect(await index.suggest('sun', 'owner-alice')).toEqual([]);
    });
  });
}
