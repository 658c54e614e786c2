import { join } from 'node:path';
import type { Database } from '@glimpse/database';
import { createDatabaseSearchIndex } from './database';
import { createEmbeddedSearchIndex } from './embedded';
import type { SearchEngine, SearchIndex } from './search-index';
import { createTypesenseSearchIndex } from './typesense';

export type {
  FacetCount,
  Orientation,
  SearchDocument,
  SearchEngine,
  SearchFacets,
  SearchIndex,
  SearchIndexErrorCode,
  SearchQuery,
  SearchResult,
  SearchSort,
  Suggestion,
  TagSource,
  Visibility,
} from './search-index';
export { SearchIndexError, isSearchIndexError } from './search-index';
export { DEFAULT_PER_PAGE, FACET_LIMIT, MAX_CAMERA_FILTERS, MAX_CAMERA_LENGTH, MAX_PER_PAGE, TAG_SOURCES } from './query';
export { createDatabaseSearchIndex, type DatabaseSearchIndexOptions } from './database';
export { createEmbeddedSearchIndex, type EmbeddedSearchIndexOptions } from './embedded';
export { createTypesenseSearchIndex, type TypesenseSearchIndexOptions } from './typesense';
export { CLIP_MODEL, HYBRID_ALPHA, VECTOR_K, type SemanticMode } from './typesense-requests';

export interface SearchIndexSettings {
  /** Which index; without it, Typesense when `typesenseUrl` is set, else the in-process one. */
  engine?: SearchEngine;
  /** A Typesense server (engine "typesense"). */
  typesenseUrl?: string;
  typesenseApiKey?: string;
  /** "clip": Typesense embeds images with CLIP and answers free text with hybrid search. */
  typesenseSemantic?: 'off' | 'clip';
  /** Where the in-process index keeps its journal (`<dataDir>/search/index.jsonl`); without it, memory only. */
  dataDir?: string;
  /** The application's database, migrated (engine "database"). */
  db?: Database;
}

/**
 * The search index the configuration asks for: in this process (kept under `dataDir`), in
 * the application's database, or in Typesense. It contacts nothing: callers run
 * `ensureCollection()` at start and `ping()` for readiness.
 */
export async function openSearchIndex(settings: SearchIndexSettings): Promise<SearchIndex> {
  const engine = settings.engine ?? (settings.typesenseUrl ? 'typesense' : 'embedded');
  switch (engine) {
    case 'typesense':
      if (!settings.typesenseUrl) throw new Error('TYPESENSE_URL is required for the Typesense search index');
      if (!settings.typesenseApiKey) throw new Error('TYPESENSE_API_KEY is required when TYPESENSE_URL is set');
      return createTypesenseSearchIndex({ url: settings.typesenseUrl, apiKey: settings.typesenseApiKey, semantic: settings.typesenseSemantic });
    case 'database':
      if (!settings.db) throw new Error('the database search index needs the database');
      return createDatabaseSearchIndex({ db: settings.db });
    case 'embedded':
      return createEmbeddedSearchIndex({ snapshotPath: settings.dataDir ? join(settings.dataDir, 'search', 'index.jsonl') : undefined });
  }
}
