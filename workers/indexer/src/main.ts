import { ConfigError } from '@glimpse/config';
import { startOutboxRelay } from '@glimpse/outbox';
import { runService, startIndexer } from '@glimpse/platform';

// The indexer worker: consumes index-images, feeding Typesense and Gorse from the database.
await runService('indexer', async ({ config, infra, logger }) => {
  if (!config.TYPESENSE_URL) {
    throw new ConfigError('Invalid configuration:\n  TYPESENSE_URL: required for a separate indexer (unset); without Typesense the search service keeps the index and indexes in-process');
  }
  const indexer = await startIndexer(infra, logger);
  const relay = startOutboxRelay({ db: infra.db, queue: infra.queue, logger });
  return {
    async stop() {
      await indexer.stop();
      await relay.stop();
    },
  };
});
