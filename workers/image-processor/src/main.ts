import { startOutboxRelay } from '@glimpse/outbox';
import { runService, startImageProcessor, startMaintenance } from '@glimpse/platform';

// The image-processor worker: consumes process-images; serves /healthz, /readyz, /metrics.
await runService('image-processor', async ({ infra, logger }) => {
  const consumer = startImageProcessor(infra, logger);
  const stopMaintenance = startMaintenance(infra, logger);
  // Jobs this worker queues (for the tagger) leave through the outbox like everyone's.
  const relay = startOutboxRelay({ db: infra.db, queue: infra.queue, logger });
  return {
    async stop() {
      stopMaintenance();
      await consumer.stop();
      await relay.stop();
    },
  };
});
