import { startOutboxRelay } from '@glimpse/outbox';
import { createVerifier, feedRoutes, runService } from '@glimpse/platform';

// The feed service: latest, popular, for-you, similar, per-user feeds, image details, likes.
// Likes and views reach the recommender through the outbox, relayed from here.
await runService('feed', async ({ config, infra, logger }) => {
  const relay = startOutboxRelay({ db: infra.db, queue: infra.queue, logger });
  return { routes: feedRoutes(infra, await createVerifier(config), relay, logger), stop: () => relay.stop() };
});
