/**
 * The embedded index as it was before the inverted index (MiniSearch for text), kept only so
 * the benchmark can measure both in one run. Not used by the application.
 */
import MiniSearch, { type SearchOptions } from 'minisearch';
import { SuggestionCounts } from '../../src/embedded-counts';
import { Journal, type LiveDocuments } from '../../src/embedded-journal';
import { compareFor, countFacets, firstInOrder, Interner, matchesFilters, toEntry, type Entry, type Facets } from './embedded-matching';
import { foldTerm, normalizeQuery, normalizeSuggest, prepareDocument, rankSuggestions, TEXT_FIELDS, typoBudget } from '../../src/query';
import type { SearchDocument, SearchIndex, SearchQuery, SearchResult } from '../../src/search-index';

export interface EmbeddedSearchIndexOptions {
  /** A file that keeps the index across restarts; without it the index lives in memory only. */
  snapshotPath?: string;
}

function createTextIndex(): MiniSearch<SearchDocument> {
  return new MiniSearch<SearchDocument>({
    fields: Object.keys(TEXT_FIELDS),
    idField: 'id',
    extractField: (doc, field) => {
      const value = doc[field as keyof SearchDocument];
      return Array.isArray(value) ? value.join(' ') : String(value ?? '');
    },
    processTerm: foldTerm,
  });
}

/**
 * The in-process search index: MiniSearch finds text matches (BM25, prefix on the last
 * word, typo tolerance); filters, visibility, facets, sorting and paging are exact code
 * over the matched documents, so `found` and facets count precisely what the viewer may see.
 */
export async function createPreviousEmbeddedSearchIndex(options: EmbeddedSearchIndexOptions = {}): Promise<SearchIndex> {
  const opened = options.snapshotPath ? await Journal.open(options.snapshotPath) : undefined;
  const journal = opened?.journal;
  const entries = new Map<string, Entry>();
  const facets: Facets = { tags: new Interner(), colors: new Interner(), orientation: new Interner() };
  const text = createTextIndex();
  const suggestions = new SuggestionCounts();
  const live: LiveDocuments = {
    get size() {
      return entries.size;
    },
    *values() {
      for (const entry of entries.values()) yield entry.doc;
    },
  };

  const remember = (doc: SearchDocument) => {
    entries.set(doc.id, toEntry(doc, facets));
    text.add(doc);
    suggestions.add(doc);
  };
  const forget = (id: string): boolean => {
    const old = entries.get(id);
    if (!old) return false;
    text.discard(id);
    suggestions.remove(old.doc);
    entries.delete(id);
    return true;
  };
  for (const doc of opened?.documents.values() ?? []) remember(doc);

  /** Documents matching the text and passing `keep`, with their text scores. */
  const textMatches = (query: string, keep: (doc: SearchDocument) => boolean, withTypos: boolean): Map<Entry, number> => {
    const searchOptions: SearchOptions = {
      boost: { ...TEXT_FIELDS },
      prefix: (_term, index, terms) => index === terms.length - 1,
      fuzzy: withTypos ? (term) => typoBudget(term) : false,
      combineWith: 'AND',
      filter: (result) => keep((entries.get(result.id as string) as Entry).doc),
    };
    return new Map(text.search(query, searchOptions).map((result) => [entries.get(result.id as string) as Entry, result.score]));
  };

  return {
    kind: 'embedded',
    embedsImages: false,

    async ensureCollection() {},

    async upsert(batch) {
      const prepared = batch.map(prepareDocument);
      if (prepared.length === 0) return;
      for (const doc of prepared) {
        forget(doc.id);
        remember(doc);
      }
      await journal?.append({ op: 'upsert', documents: prepared }, live);
    },

    async remove(ids) {
      const removed = ids.filter(forget);
      if (removed.length > 0) await journal?.append({ op: 'remove', ids: removed }, live);
    },

    async search(query: SearchQuery): Promise<SearchResult> {
      const normalized = normalizeQuery(query);
      const keep = matchesFilters(normalized);
      let matches: Entry[];
      let scores: Map<Entry, number> | undefined;
      if (normalized.text) {
        // As Typesense does (typo_tokens_threshold 1): typos are tried only when the words as spelt find nothing.
        scores = textMatches(normalized.text, keep, false);
        if (scores.size === 0) scores = textMatches(normalized.text, keep, true);
        matches = [...scores.keys()];
      } else {
        matches = [];
        for (const entry of entries.values()) if (keep(entry.doc)) matches.push(entry);
        // Stored in the order written, so roughly oldest first; newest first makes picking a page cheap.
        matches.reverse();
      }
      const { page, perPage } = normalized;
      const ordered = firstInOrder(matches, page * perPage, compareFor(normalized.sort, scores));
      return {
        hits: ordered.slice((page - 1) * perPage).map((entry) => ({ id: entry.id, score: scores?.get(entry) ?? 0 })),
        found: matches.length,
        facets: countFacets(matches, facets),
        page,
      };
    },

    async suggest(prefix, viewerId, limit) {
      const normalized = normalizeSuggest(prefix, viewerId, limit);
      return normalized ? rankSuggestions(suggestions.suggest(normalized), normalized.limit) : [];
    },

    async count() {
      return entries.size;
    },

    async clear() {
      entries.clear();
      text.removeAll();
      suggestions.clear();
      await journal?.replace([]);
    },

    async ping() {},
  };
}
