import { beforeAll, describe, expect, it } from 'vitest';
import type { SearchDocument, SearchIndex } from '@glimpse/search-index';
import { levenshtein, tokensOf } from './corpus';
import { judgedQueries, relevanceCorpus } from './relevance-corpus';

/**
 * Search relevance against human judgments: for each judged query, NDCG@10 of the hits an
 * anonymous visitor gets (gain 2^grade − 1, discounted by log2 of the rank + 1, divided by
 * the best order of the judged photos they may see). The mean must reach 0.9.
 */

const GOAL = 0.9;
const CUTOFF = 10;

const dcg = (grades: number[]) => grades.slice(0, CUTOFF).reduce((sum, grade, rank) => sum + (2 ** grade - 1) / Math.log2(rank + 2), 0);

export function ndcgAt10(ranked: string[], grades: Record<string, number>, visible: ReadonlySet<string>): number {
  const ideal = dcg(
    Object.entries(grades)
      .filter(([id]) => visible.has(id))
      .map(([, grade]) => grade)
      .sort((a, b) => b - a),
  );
  return ideal === 0 ? 1 : dcg(ranked.map((id) => grades[id] ?? 0)) / ideal;
}

export function describeRelevance(name: string, open: () => Promise<SearchIndex>) {
  describe(`search relevance on judged queries: ${name}`, () => {
    let index: SearchIndex;
    let corpus: SearchDocument[];
    let filler: SearchDocument[];

    beforeAll(async () => {
      index = await open();
      await index.ensureCollection();
      await index.clear();
      const built = relevanceCorpus();
      filler = built.filler;
      corpus = [...built.judged, ...filler];
      await index.upsert(corpus);
    }, 120_000);

    it('uses a corpus of a few hundred photos whose filler is about none of the queries', () => {
      expect(corpus.length).toBeGreaterThanOrEqual(300);
      const queryWords = judgedQueries.flatMap(({ q }) => q.toLowerCase().split(/\s+/)).filter((word) => word.length > 3);
      // What the engines could match: the word, a longer word it starts, or one within its typo budget.
      const budget = (word: string) => (word.length >= 7 ? 2 : word.length >= 4 ? 1 : 0);
      const close = filler.flatMap(tokensOf).filter((token) => queryWords.some((word) => token.startsWith(word) || levenshtein(token, word) <= budget(word)));
      expect(close).toEqual([]);
      const ids = new Set(corpus.map((doc) => doc.id));
      expect(judgedQueries.flatMap(({ grades }) => Object.keys(grades)).filter((id) => !ids.has(id))).toEqual([]);
    });

    it(`ranks judged queries at a mean NDCG@10 of at least ${GOAL}`, async () => {
      const visible = new Set(corpus.filter((doc) => doc.visibility === 'public').map((doc) => doc.id));
      const scores: Array<[string, number]> = [];
      for (const { q, grades } of judgedQueries) {
        const { hits } = await index.search({ q, perPage: CUTOFF });
        scores.push([q, ndcgAt10(hits.map((hit) => hit.id), grades, visible)]);
      }
      const mean = scores.reduce((sum, [, score]) => sum + score, 0) / scores.length;
      const report = scores.map(([q, score]) => `${score.toFixed(3)}  ${q}`).join('\n');
      console.info(`NDCG@10 ${name}: mean ${mean.toFixed(3)} over ${scores.length} queries\n${report}`);
      expect(mean, report).toBeGreaterThanOrEqual(GOAL);
    });

    it('finds every public photo of a cat on a sofa for "cat on the sofa", never the private one', async () => {
      const expected = corpus.filter((doc) => doc.visibility === 'public' && ['cat', 'sofa'].every((word) => tokensOf(doc).includes(word))).map((doc) => doc.id);
      expect(expected).toHaveLength(15);
      const result = await index.search({ q: 'cat on the sofa', perPage: 100 });
      expect(result.found).toBe(expected.length);
      expect(result.hits.map((hit) => hit.id).sort()).toEqual([...expected].sort());
      const taggedSofa = corpus.filter((doc) => expected.includes(doc.id) && doc.tags.includes('sofa')).length;
      expect(result.facets.tags.find((facet) => facet.value === 'sofa')).toEqual({ value: 'sofa', count: taggedSofa });
    });
  });
}
