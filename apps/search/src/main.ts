import { runService, searchService } from '@glimpse/platform';

// The search service. With the embedded index it also indexes in-process; with SEARCH_ENGINE
// database or typesense the indexer worker fills the shared index.
await runService('search', searchService);
