import { join } from 'node:path';
import { createEmbeddedSearchIndex } from './embedded';
import type { SearchIndex } from './search-index';
import { createTypesenseSearchIndex } from './typesense';

export type {
  FacetCount,
  Orientation,
  SearchDocument,
  SearchFacets,
  SearchIndex,
  SearchIndexErrorCode,
  SearchQuery,
  SearchResult,
  SearchSort,
  Suggestion,
  Visibility,
} from './search-index';
export { SearchIndexError, isSearchIndexError } from './search-index';
export { DEFAULT_PER_PAGE, FACET_LIMIT, MAX_PER_PAGE } from './query';
export { createEmbeddedSearchIndex, type EmbeddedSearchIndexOptions } from './embedded';
export { createTypesenseSearchIndex, type TypesenseSearchIndexOptions } from './typesense';

export interface SearchIndexSettings {
  /** A Typesense server; without it the index runs in-process. */
  typesenseUrl?: string;
  typesenseApiKey?: string;
  /** Where the in-process index keeps its journal (`<dataDir>/search/index.jsonl`); without it, memory only. */
  dataDir?: string;
}

/**
 * The search index the configuration asks for: Typesense when `typesenseUrl` is set, else
 * the in-process index kept under `dataDir`. It does not contact Typesense: callers run
 * `ensureCollection()` at start and `ping()` for readiness.
 */
export async function openSearchIndex(settings: SearchIndexSettings): Promise<SearchIndex> {
  if (settings.typesenseUrl) {
    if (!settings.typesenseApiKey) throw new Error('TYPESENSE_API_KEY is required when TYPESENSE_URL is set');
    return createTypesenseSearchIndex({ url: settings.typesenseUrl, apiKey: settings.typesenseApiKey });
  }
  return createEmbeddedSearchIndex({ snapshotPath: settings.dataDir ? join(settings.dataDir, 'search', 'index.jsonl') : undefined });
}
