import { indexerWorker, runService } from '@glimpse/platform';

// The indexer worker: consumes index-images, feeding the shared search index (SEARCH_ENGINE
// database or typesense) and the recommender from the database.
await runService('indexer', indexerWorker);
