import { startOutboxRelay } from '@glimpse/outbox';
import { jobRetryBackoff } from '@glimpse/job-queue';
import { runService, startImageProcessor, startMaintenance } from '@glimpse/platform';

// The image-processor worker: consumes process-images; serves /healthz, /readyz, /metrics.
await runService('image-processor', async ({ infra, logger }) => {
  // Jobs this worker queues (for the tagger, the owner's email when an image fails) leave through the outbox like everyone's.
  const relay = startOutboxRelay({ db: infra.db, queue: infra.queue, logger });
  const consumer = startImageProcessor(infra, logger, jobRetryBackoff(), relay.wake);
  const stopMaintenance = startMaintenance(infra, logger);
  return {
    async stop() {
      stopMaintenance();
      await consumer.stop();
      await relay.stop();
    },
  };
});
