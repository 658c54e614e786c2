import { startOutboxRelay } from '@glimpse/outbox';
import { runService, startTagger } from '@glimpse/platform';

// The image-tagger worker: consumes tag-images, runs the vision model offline (weights from
// node_modules), stores machine tags and asks the indexer to re-index.
await runService('image-tagger', async ({ infra, logger }) => {
  const tagger = startTagger(infra, logger);
  const loading = Date.now();
  await tagger.tagger(); // load the model at start, so readiness means "can tag"
  logger.info({ ms: Date.now() - loading }, 'image-tagger: models loaded');
  const relay = startOutboxRelay({ db: infra.db, queue: infra.queue, logger });
  return {
    async stop() {
      await tagger.stop();
      await relay.stop();
    },
  };
});
