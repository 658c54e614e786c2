import { beforeAll, describe, expect, it } from 'vitest';
import type { SearchDocument, SearchIndex, SearchQuery, SearchResult } from '@glimpse/search-index';
import {
  facetMismatch,
  generateCorpus,
  HERMIT,
  levenshtein,
  ownerIdOf,
  referenceFacets,
  referenceFilter,
  referenceText,
  SECRET_CAMERA,
  SECRET_TAG,
  START,
  tokensOf,
  visibleTo,
} from './corpus';

/**
 * Search quality on a generated corpus of 3,000 documents: every answer is checked
 * against a direct count over the corpus with the same filters.
 */

const CORPUS_SIZE = 3_000;
const day = 86_400_000;

export function describeSearchQuality(name: string, open: () => Promise<SearchIndex>) {
  describe(`search quality on ${CORPUS_SIZE} generated documents: ${name}`, () => {
    let index: SearchIndex;
    let corpus: SearchDocument[];
    const viewer = ownerIdOf('quinn');
    const vocabulary = () => new Set(corpus.flatMap(tokensOf));

    beforeAll(async () => {
      index = await open();
      await index.ensureCollection();
      await index.clear();
      corpus = generateCorpus(CORPUS_SIZE);
      await index.upsert(corpus);
    }, 120_000);

    /** Every page of a query, in order. */
    const allPages = async (query: SearchQuery) => {
      const pages: SearchResult[] = [];
      for (let page = 1; ; page += 1) {
        const result = await index.search({ ...query, page, perPage: 100 });
        pages.push(result);
        if (result.hits.length < 100) return { pages, hits: pages.flatMap((one) => one.hits.map((hit) => hit.id)) };
      }
    };

    const expectMatchesReference = async (query: SearchQuery, expected: SearchDocument[]) => {
      const result = await index.search({ ...query, perPage: 100 });
      expect(result.found).toBe(expected.length);
      const reference = referenceFacets(expected);
      expect(facetMismatch(result.facets.tags, reference.tags), 'tags').toBeUndefined();
      expect(facetMismatch(result.facets.colors, reference.colors), 'colors').toBeUndefined();
      expect(facetMismatch(result.facets.camera, reference.camera), 'camera').toBeUndefined();
      expect(facetMismatch(result.facets.orientation, reference.orientation), 'orientation').toBeUndefined();
      const allowed = new Set(expected.map((doc) => doc.id));
      expect(result.hits.filter((hit) => !allowed.has(hit.id))).toEqual([]);
      return result;
    };

    it('indexes every document', async () => {
      expect(await index.count()).toBe(CORPUS_SIZE);
    });

    it.each([
      ['sunsett', 'sunset'],
      ['mountian', 'mountain'],
      ['glacer', 'glacier'],
    ])('finds "%s" as "%s": exactly the visible documents with the word', async (typo, word) => {
      // The corpus holds no other word this close, so the right answer is unambiguous.
      const near = [...vocabulary()].filter((token) => levenshtein(token, typo) <= 2 || token.startsWith(typo));
      expect(near).toEqual([word]);
      const expected = corpus.filter((doc) => visibleTo(null)(doc) && tokensOf(doc).includes(word));
      expect(expected.length).toBeGreaterThan(50);
      await expectMatchesReference({ q: typo }, expected);
    });

    it('needs every word of a query with a typo in one of them', async () => {
      const expected = corpus.filter((doc) => visibleTo(viewer)(doc) && ['golden', 'mountain'].every((word) => tokensOf(doc).includes(word)));
      expect(expected.length).toBeGreaterThan(5);
      await expectMatchesReference({ q: 'golden mountian', viewerId: viewer }, expected);
    });

    it('counts facets exactly as a direct count over the corpus, for text and for filters', async () => {
      const queries: SearchQuery[] = [
        {},
        { viewerId: viewer },
        { q: 'glacier', viewerId: viewer },
        { q: 'iceland' },
        { tags: ['outdoor'] },
        { colors: ['blue', 'green'], viewerId: viewer },
        { camera: ['nikon d750', 'Google Pixel 8'] },
        { q: 'norway', camera: ['Apple iPhone 12'], viewerId: viewer },
      ];
      for (const query of queries) {
        const matchesText = query.q ? referenceText(query.q) : () => true;
        const expected = corpus.filter((doc) => referenceFilter(query)(doc) && matchesText(doc));
        await expectMatchesReference(query, expected);
      }
    });

    it('combines filters: ALL tags, ANY colour, orientation, owner and date range, with and without text', async () => {
      const range = { createdAfter: START + 3 * day, createdBefore: START + 40 * day };
      const queries: SearchQuery[] = [
        { tags: ['outdoor'], colors: ['blue', 'red'], orientation: 'landscape', ...range },
        { tags: ['new-york'], colors: ['gray'], orientation: 'portrait', viewerId: viewer },
        { tags: ['water'], owner: 'alice', ...range },
        { q: 'peru', tags: ['people'], colors: ['yellow', 'pink', 'black'], orientation: 'square', viewerId: viewer },
        { q: 'photographed', tags: [SECRET_TAG], viewerId: viewer },
        { createdAfter: START + 10 * day, createdBefore: START + 10 * day },
      ];
      for (const query of queries) {
        const matchesText = query.q ? referenceText(query.q) : () => true;
        const expected = corpus.filter((doc) => referenceFilter(query)(doc) && matchesText(doc));
        expect(expected.length, JSON.stringify(query)).toBeGreaterThan(0);
        await expectMatchesReference(query, expected);
      }
    });

    it("never shows private documents, nor others' unlisted ones, in hits, found, facets or suggestions", async () => {
      for (const viewerId of [null, viewer]) {
        const { hits } = await allPages({ viewerId });
        const byId = new Map(corpus.map((doc) => [doc.id, doc]));
        const hidden = hits.map((id) => byId.get(id) as SearchDocument).filter((doc) => !visibleTo(viewerId)(doc));
        expect(hidden).toEqual([]);
        expect(hits.length).toBe(corpus.filter(visibleTo(viewerId)).length);
      }
      const asOther = await index.search({ viewerId: ownerIdOf('alice'), tags: [SECRET_TAG] });
      const aliceSecrets = corpus.filter((doc) => doc.ownerId === ownerIdOf('alice') && doc.tags.includes(SECRET_TAG));
      expect(asOther.found).toBe(aliceSecrets.length);
      expect((await index.search({ q: HERMIT })).found).toBe(0);
      expect((await index.search({ owner: HERMIT })).found).toBe(0);
      expect((await index.search({})).facets.tags.map((facet) => facet.value)).not.toContain(SECRET_TAG);
      expect((await index.search({ viewerId: ownerIdOf('alice') })).facets.camera.map((facet) => facet.value)).not.toContain(SECRET_CAMERA);
      expect((await index.search({ camera: [SECRET_CAMERA] })).found).toBe(0);
      expect((await index.search({ camera: [SECRET_CAMERA], viewerId: ownerIdOf(HERMIT) })).found).toBe(corpus.filter((doc) => doc.ownerUsername === HERMIT).length);
      expect(await index.suggest('zep')).toEqual([]);
      expect(await index.suggest('herm', ownerIdOf('alice'))).toEqual([]);
      const own = corpus.filter((doc) => doc.ownerId === viewer && doc.tags.includes(SECRET_TAG)).length;
      expect(await index.suggest('zep', viewer)).toEqual([{ kind: 'tag', value: SECRET_TAG, count: own }]);
      expect(await index.suggest('herm', ownerIdOf(HERMIT))).toEqual([{ kind: 'user', value: HERMIT, count: corpus.filter((doc) => doc.ownerUsername === HERMIT).length }]);
    });

    it('sorts newest and most liked correctly across every page, covering every hit once', async () => {
      const byId = new Map(corpus.map((doc) => [doc.id, doc]));
      const query: SearchQuery = { viewerId: viewer, colors: ['blue'] };
      const expected = corpus.filter(referenceFilter(query)).map((doc) => doc.id).sort();
      for (const sort of ['newest', 'most_liked', 'relevance'] as const) {
        const { hits } = await allPages({ ...query, sort });
        expect(new Set(hits).size).toBe(hits.length);
        expect([...hits].sort()).toEqual(expected);
        const docs = hits.map((id) => byId.get(id) as SearchDocument);
        for (let i = 1; i < docs.length; i += 1) {
          const [before, after] = [docs[i - 1] as SearchDocument, docs[i] as SearchDocument];
          if (sort === 'most_liked') {
            expect(before.likeCount).toBeGreaterThanOrEqual(after.likeCount);
            if (before.likeCount === after.likeCount) expect(before.createdAt).toBeGreaterThanOrEqual(after.createdAt);
          } else {
            expect(before.createdAt).toBeGreaterThanOrEqual(after.createdAt);
          }
        }
      }
    });

    it('pages through a text search by relevance without losing or repeating a hit', async () => {
      const expected = corpus.filter((doc) => visibleTo(null)(doc) && referenceText('forest')(doc)).map((doc) => doc.id);
      const { hits, pages } = await allPages({ q: 'forest' });
      expect(new Set(hits).size).toBe(hits.length);
      expect([...hits].sort()).toEqual([...expected].sort());
      expect(pages.every((page) => page.found === expected.length)).toBe(true);
      const scores = pages.flatMap((page) => page.hits.map((hit) => hit.score));
      expect(scores.every((score, i) => i === 0 || (scores[i - 1] as number) >= score)).toBe(true);
    });

    it('forgets removed documents in hits, found, facets and suggestions', async () => {
      const removed = corpus.filter((doc) => doc.tags.includes('volcano'));
      await index.remove(removed.map((doc) => doc.id));
      const remaining = corpus.filter((doc) => !doc.tags.includes('volcano'));
      expect(await index.count()).toBe(remaining.length);
      await expectMatchesReference({ viewerId: viewer }, remaining.filter(visibleTo(viewer)));
      expect((await index.search({ tags: ['volcano'], viewerId: viewer })).found).toBe(0);
      expect(await index.suggest('volc', viewer)).toEqual([]);
      await index.upsert(removed);
      expect(await index.count()).toBe(CORPUS_SIZE);
    });
  });
}
