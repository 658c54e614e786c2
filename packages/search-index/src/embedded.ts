import { SuggestionCounts } from './embedded-counts';
import { Journal, type LiveDocuments } from './embedded-journal';
import { createSearcher } from './embedded-matching';
import { DocumentStore } from './embedded-store';
import { normalizeQuery, normalizeSuggest, prepareDocument, rankSuggestions } from './query';
import type { SearchIndex, SearchQuery, SearchResult } from './search-index';

export interface EmbeddedSearchIndexOptions {
  /** A file that keeps the index across restarts; without it the index lives in memory only. */
  snapshotPath?: string;
}

/**
 * The in-process search index: an inverted index of its own (posting lists per word, tag,
 * colour and owner; a sorted vocabulary walked as a trie for prefixes and typos; the
 * columns filters and sorts read in typed arrays). Text, visibility, filters, facets,
 * sorting and paging are one pass over the same matches, so `found` and facets count
 * precisely what the viewer may see.
 */
export async function createEmbeddedSearchIndex(options: EmbeddedSearchIndexOptions = {}): Promise<SearchIndex> {
  const opened = options.snapshotPath ? await Journal.open(options.snapshotPath) : undefined;
  const journal = opened?.journal;
  const store = new DocumentStore();
  const suggestions = new SuggestionCounts();
  const search = createSearcher(store);
  const live: LiveDocuments = {
    get size() {
      return store.size;
    },
    values: () => store.values(),
  };

  const forget = (id: string): boolean => {
    const old = store.remove(id);
    if (old) suggestions.remove(old);
    return old !== undefined;
  };
  const remember = (doc: ReturnType<typeof prepareDocument>) => {
    const slot = store.slotOf.get(doc.id);
    const old = slot === undefined ? undefined : store.docs[slot];
    if (old) suggestions.remove(old);
    store.upsert(doc);
    suggestions.add(doc);
  };
  for (const doc of opened?.documents.values() ?? []) remember(doc);

  return {
    kind: 'embedded',
    embedsImages: false,

    async ensureCollection() {},

    async upsert(batch) {
      const prepared = batch.map(prepareDocument);
      if (prepared.length === 0) return;
      for (const doc of prepared) remember(doc);
      await journal?.append({ op: 'upsert', documents: prepared }, live);
    },

    async remove(ids) {
      const removed = ids.filter(forget);
      if (removed.length > 0) await journal?.append({ op: 'remove', ids: removed }, live);
    },

    async search(query: SearchQuery): Promise<SearchResult> {
      return search(normalizeQuery(query));
    },

    async suggest(prefix, viewerId, limit) {
      const normalized = normalizeSuggest(prefix, viewerId, limit);
      return normalized ? rankSuggestions(suggestions.suggest(normalized), normalized.limit) : [];
    },

    async count() {
      return store.size;
    },

    async clear() {
      store.clear();
      suggestions.clear();
      await journal?.replace([]);
    },

    async ping() {},
  };
}
