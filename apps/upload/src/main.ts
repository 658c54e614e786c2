import { startOutboxRelay } from '@glimpse/outbox';
import { createVerifier, runService, uploadRoutes } from '@glimpse/platform';

// The upload service: accepts uploads, and relays the jobs they queue in the outbox.
await runService('upload', async ({ config, infra, logger }) => {
  const relay = startOutboxRelay({ db: infra.db, queue: infra.queue, logger });
  relay.wake();
  return { routes: uploadRoutes(infra, await createVerifier(config), relay, logger), stop: () => relay.stop() };
});
