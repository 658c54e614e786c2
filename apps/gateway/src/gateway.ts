import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { GlimpseConfig } from '@glimpse/config';
import { createLogger, type Logger } from '@glimpse/logging';
import { startOutboxRelay } from '@glimpse/outbox';
import {
  adminRoutes,
  authRoutes,
  createSigner,
  createVerifier,
  feedRoutes,
  notificationRoutes,
  searchRoutes,
  startImageProcessor,
  startIndexer,
  startMaintenance,
  startNotifier,
  startService,
  startTagger,
  staticImageRoutes,
  uploadRoutes,
  type RunningParts,
  type RunningService,
  type ServiceContext,
} from '@glimpse/platform';

export type Gateway = RunningService;

const webRoot = fileURLToPath(new URL('../../web/dist', import.meta.url));

/**
 * The all-in-one: every service router, the static image service, the web app, the
 * outbox relay and the workers (processor, tagger, indexer, notifier) in one process on one port, on whichever
 * adapters the configuration selects (embedded by default).
 */
export function composeGateway(options: { retryDelayMs?: (attempt: number) => number } = {}) {
  return async ({ url, config, infra, logger }: ServiceContext): Promise<RunningParts> => {
    const signer = createSigner(config);
    const verifier = await createVerifier(config, signer);
    const relay = startOutboxRelay({ db: infra.db, queue: infra.queue, logger });
    const processor = startImageProcessor(infra, logger, options.retryDelayMs, relay.wake);
    const tagger = config.TAGGER_ENABLED ? startTagger(infra, logger, options.retryDelayMs) : undefined;
    const indexer = await startIndexer(infra, logger, options.retryDelayMs);
    const notifier = startNotifier(infra, logger, url, options.retryDelayMs, relay.wake);
    const stopMaintenance = startMaintenance(infra, logger);
    relay.wake();
    return {
      routes: [
        ...authRoutes(infra, signer, verifier, relay, logger),
        ...notificationRoutes(infra, verifier, logger),
        ...adminRoutes(infra, verifier, relay, logger),
        ...uploadRoutes(infra, verifier, relay, logger),
        ...feedRoutes(infra, verifier, relay, logger),
        ...(await searchRoutes(infra, verifier, logger)),
        ...staticImageRoutes(infra, verifier, logger),
      ],
      webRoot: existsSync(webRoot) ? webRoot : undefined,
      async stop() {
        stopMaintenance();
        await processor.stop();
        await tagger?.stop();
        await indexer.stop();
        await notifier.stop();
        await relay.stop();
      },
    };
  };
}

export function startGateway(config: GlimpseConfig, options: { logger?: Logger; retryDelayMs?: (attempt: number) => number } = {}): Promise<Gateway> {
  const logger = options.logger ?? createLogger('gateway', config.LOG_LEVEL);
  return startService('gateway', config, logger, composeGateway(options), { migrate: true });
}

