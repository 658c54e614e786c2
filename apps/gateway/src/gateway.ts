import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createLocalVerifier, createTokenSigner, loadSigningKey } from '@glimpse/access-tokens';
import { createAuthRoutes } from '@glimpse/auth';
import type { GlimpseConfig } from '@glimpse/config';
import { createFeedRoutes } from '@glimpse/feed';
import { createMetrics, createRateLimiter, createServiceServer } from '@glimpse/http-service';
import { createProcessImageHandler } from '@glimpse/image-jobs';
import { QUEUES, exponentialBackoff } from '@glimpse/job-queue';
import { createLogger, type Logger } from '@glimpse/logging';
import { startOutboxRelay } from '@glimpse/outbox';
import { openInfrastructure, type Infrastructure } from '@glimpse/platform';
import { createStaticImageRoutes } from '@glimpse/static-images';
import { createUploadRoutes } from '@glimpse/upload';

export interface Gateway {
  url: string;
  infra: Infrastructure;
  close(): Promise<void>;
}

const defaultWebRoot = fileURLToPath(new URL('../../web/dist', import.meta.url));

/**
 * The all-in-one: every service router, the static image service, the web app, the
 * outbox relay and the image-processor worker in one process on one port, on whichever
 * adapters the configuration selects (embedded by default).
 */
export async function startGateway(config: GlimpseConfig, options: { logger?: Logger; retryDelayMs?: (attempt: number) => number } = {}): Promise<Gateway> {
  const logger = options.logger ?? createLogger('gateway', config.LOG_LEVEL);
  const infra = await openInfrastructure(config, logger, { migrate: true });
  const { db, storage, queue, buckets, catalogue, urlSigner } = infra;

  const signer = createTokenSigner(loadSigningKey({ privateKeyPem: config.AUTH_PRIVATE_KEY, dataDir: config.dataDir }), config.ACCESS_TOKEN_TTL_SECONDS);
  const verifier = await createLocalVerifier(await signer.jwks());
  const relay = startOutboxRelay({ db, queue, logger });

  const routes = [
    ...createAuthRoutes(
      { db, signer, refreshTokenTtlDays: config.REFRESH_TOKEN_TTL_DAYS, attemptLimiter: createRateLimiter({ limit: 30, windowMs: 60_000 }) },
      verifier,
      logger,
    ),
    ...createUploadRoutes(
      {
        db,
        storage,
        buckets,
        catalogue,
        wakeRelay: relay.wake,
        limits: { maxBytes: config.UPLOAD_MAX_BYTES, maxPixels: config.UPLOAD_MAX_PIXELS },
        uploadLimiter: createRateLimiter({ limit: 600, windowMs: 60_000 }),
      },
      verifier,
      logger,
    ),
    ...createFeedRoutes({ db, catalogue }, verifier, logger),
    ...createStaticImageRoutes({ db, storage, processedBucket: buckets.processed, signer: urlSigner, verifier, logger }),
  ];

  const processor = queue.consume(
    QUEUES.processImages,
    createProcessImageHandler({ db, storage, buckets, logger: logger.child({ worker: 'image-processor' }), maxPixels: config.UPLOAD_MAX_PIXELS }),
    { concurrency: config.WORKER_CONCURRENCY, maxAttempts: config.JOB_MAX_ATTEMPTS, retryDelayMs: options.retryDelayMs ?? exponentialBackoff() },
  );

  const server = createServiceServer({
    name: 'gateway',
    routes,
    readiness: infra.readiness,
    metrics: createMetrics('gateway'),
    logger,
    webRoot: existsSync(defaultWebRoot) ? defaultWebRoot : undefined,
  });
  const address = await server.listen(config.PORT, config.HOST);
  relay.wake();

  let closing: Promise<void> | undefined;
  return {
    url: `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`,
    infra,
    close() {
      // Stop taking requests and jobs, let in-flight work finish, then close the stores.
      closing ??= (async () => {
        await server.close();
        await processor.stop();
        await relay.stop();
        await infra.close();
      })();
      return closing;
    },
  };
}
