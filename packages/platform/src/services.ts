import { createLocalVerifier, createRemoteVerifier, createTokenSigner, loadSigningKey, type TokenSigner, type TokenVerifier } from '@glimpse/access-tokens';
import { createAdminRoutes } from '@glimpse/admin';
import { createAuthRoutes, rejectInactiveAccounts } from '@glimpse/auth';
import { ConfigError, type GlimpseConfig } from '@glimpse/config';
import { createFeedRoutes } from '@glimpse/feed';
import { createRateLimiter, createTokenBucket, type Route } from '@glimpse/http-service';
import { createIndexImageHandler, createProcessImageHandler, createTagImageHandler, reconcileStuckImages, redriveDeadLetters, reindexAll, sweepOrphans } from '@glimpse/image-jobs';
import { createImageTaggerThread, type ImageTagger } from '@glimpse/image-tagging';
import { createSearchRoutes } from '@glimpse/search';
import { QUEUES, jobRetryBackoff, type Consumer } from '@glimpse/job-queue';
import type { Logger } from '@glimpse/logging';
import { startOutboxRelay, type OutboxRelay } from '@glimpse/outbox';
import { createStaticImageRoutes } from '@glimpse/static-images';
import { createLibraryJobHandler, createUploadRoutes, sweepExpiredExports, type LibraryJobDeps } from '@glimpse/upload';
import { openMailTransport } from '@glimpse/mail';
import { createNotificationHandler, createNotificationRoutes, startLikesDigestScheduler } from '@glimpse/notifications';
import type { Infrastructure } from './infrastructure';
import type { RunningParts, ServiceContext } from './run-service';

/**
 * One builder per service, shared by the all-in-one gateway and the standalone apps, so
 * both run the same wiring and differ only in which builders they call.
 */

/** The auth service's signer: AUTH_PRIVATE_KEY in production, a key kept in the data dir embedded. */
export function createSigner(config: GlimpseConfig): TokenSigner {
  return createTokenSigner(loadSigningKey({ privateKeyPem: config.AUTH_PRIVATE_KEY, dataDir: config.dataDir }), config.ACCESS_TOKEN_TTL_SECONDS);
}

/** How a service other than auth checks access tokens: the auth service's JWKS, or the key itself. */
export async function createVerifier(config: GlimpseConfig, signer?: TokenSigner): Promise<TokenVerifier> {
  if (signer) return createLocalVerifier(await signer.jwks());
  if (config.AUTH_JWKS_URL) return createRemoteVerifier(config.AUTH_JWKS_URL);
  if (config.AUTH_PRIVATE_KEY) return createLocalVerifier(await createSigner(config).jwks());
  throw new ConfigError('Invalid configuration:\n  AUTH_JWKS_URL: expected the auth service JWKS URL, e.g. http://auth:8080/.well-known/jwks.json (unset)');
}

const checkedVerifiers = new WeakMap<TokenVerifier, TokenVerifier>();

/**
 * The verifier every route builder below uses: the token's signature, then (cached for 5 s per
 * account) whether the account is still enabled, so a disabled or deleted account's access
 * token stops working everywhere within seconds, not when it expires. One per verifier, so a
 * process's services share the cache.
 */
function activeAccountsOnly(infra: Infrastructure, verifier: TokenVerifier): TokenVerifier {
  let checked = checkedVerifiers.get(verifier);
  if (!checked) checkedVerifiers.set(verifier, (checked = rejectInactiveAccounts(verifier, infra.db)));
  return checked;
}

export function authRoutes(infra: Infrastructure, signer: TokenSigner, verifier: TokenVerifier, relay: OutboxRelay, logger: Logger): Route[] {
  const deps = {
    db: infra.db,
    signer,
    refreshTokenTtlDays: infra.config.REFRESH_TOKEN_TTL_DAYS,
    attemptLimiter: createRateLimiter({ limit: 30, windowMs: 60_000 }),
    wakeRelay: relay.wake,
    adminEmails: infra.config.ADMIN_EMAILS,
  };
  return createAuthRoutes(deps, activeAccountsOnly(infra, verifier), logger);
}

/**
 * The operators' API (`/api/admin`), served beside auth. Redriving process-images puts its
 * images back to pending first (as the CLI's `redrive` does); other queues move as they are.
 */
export function adminRoutes(infra: Infrastructure, verifier: TokenVerifier, relay: OutboxRelay, logger: Logger): Route[] {
  const { db, queue } = infra;
  const deps = {
    db,
    queues: Object.values(QUEUES),
    depth: (name: string) => queue.depth(name),
    deadLetters: (name: string) => queue.deadLetters(name),
    redrive: (name: string) => (name === QUEUES.processImages ? redriveDeadLetters(db, queue, logger, name) : queue.redrive(name)),
    catalogue: infra.catalogue,
    wakeRelay: relay.wake,
  };
  return createAdminRoutes(deps, activeAccountsOnly(infra, verifier), logger);
}

/** The bell: a signed-in user's in-app notifications (`/api/notifications`), served beside auth. */
export function notificationRoutes(infra: Infrastructure, verifier: TokenVerifier, logger: Logger): Route[] {
  return createNotificationRoutes({ db: infra.db }, activeAccountsOnly(infra, verifier), logger);
}

/**
 * The notifier: sends the `notifications` queue's email over SMTP_URL, or writes each message
 * as an .eml file under the data directory without it. Links point at PUBLIC_URL, else at
 * `ownUrl` (the all-in-one's own address). MAIL_MAX_ATTEMPTS attempts, then dead letters.
 * It also schedules the daily likes digest (through the outbox, once per UTC day whoever runs it).
 */
export function startNotifier(infra: Infrastructure, logger: Logger, ownUrl: string, retryDelayMs = jobRetryBackoff(), wakeRelay?: () => void): Consumer {
  const { config } = infra;
  const transport = openMailTransport({ smtpUrl: config.SMTP_URL, smtpUser: config.SMTP_USER, smtpPassword: config.SMTP_PASSWORD, dataDir: config.dataDir });
  const publicUrl = config.PUBLIC_URL ?? ownUrl;
  const log = logger.child({ worker: 'notifier' });
  if (!config.SMTP_URL) log.info({ directory: `${config.dataDir}/mail` }, `notifier: no SMTP_URL; email is written as .eml files under ${config.dataDir}/mail`);
  const handler = createNotificationHandler({ db: infra.db, transport, from: config.MAIL_FROM, publicUrl, logger: log });
  const consumer = infra.queue.consume(QUEUES.notifications, handler, { concurrency: 4, maxAttempts: config.MAIL_MAX_ATTEMPTS, retryDelayMs });
  const stopDigests = startLikesDigestScheduler({ db: infra.db, logger: log, wakeRelay });
  return {
    async stop() {
      stopDigests();
      await consumer.stop();
      transport.close();
    },
  };
}

/** The notifier worker on its own, with a relay of its own so notifications queued anywhere go out promptly. */
export async function notifierWorker({ infra, logger, url }: ServiceContext): Promise<RunningParts> {
  if (!infra.config.PUBLIC_URL) logger.warn({ url }, 'notifier: PUBLIC_URL is not set; links in emails point at this worker\'s own address, which users cannot reach');
  const relay = startOutboxRelay({ db: infra.db, queue: infra.queue, logger });
  const notifier = startNotifier(infra, logger, url, undefined, relay.wake);
  return {
    async stop() {
      await notifier.stop();
      await relay.stop();
    },
  };
}

export function uploadRoutes(infra: Infrastructure, verifier: TokenVerifier, relay: OutboxRelay, logger: Logger): Route[] {
  const { db, storage, buckets, catalogue, config } = infra;
  const deps = {
    db,
    storage,
    buckets,
    catalogue,
    wakeRelay: relay.wake,
    limits: { maxBytes: config.UPLOAD_MAX_BYTES, maxPixels: config.UPLOAD_MAX_PIXELS, quotaBytes: config.UPLOAD_QUOTA_BYTES, importMaxBytes: config.IMPORT_MAX_BYTES },
    urlSigner: infra.urlSigner,
    uploadLimiter: createRateLimiter({ limit: config.UPLOADS_PER_HOUR, windowMs: 3_600_000 }),
    uploadBurst: createTokenBucket({ burst: config.UPLOAD_BURST, perMinute: config.UPLOADS_PER_MINUTE }),
    requireVerifiedEmail: config.REQUIRE_VERIFIED_EMAIL_FOR_UPLOAD,
  };
  return createUploadRoutes(deps, activeAccountsOnly(infra, verifier), logger);
}

export function feedRoutes(infra: Infrastructure, verifier: TokenVerifier, relay: OutboxRelay, logger: Logger): Route[] {
  return createFeedRoutes({ db: infra.db, catalogue: infra.catalogue, recommender: infra.recommender(), wakeRelay: relay.wake }, activeAccountsOnly(infra, verifier), logger, infra.config.ANONYMOUS_CACHE_MS);
}

export async function searchRoutes(infra: Infrastructure, verifier: TokenVerifier, logger: Logger): Promise<Route[]> {
  return createSearchRoutes({ db: infra.db, catalogue: infra.catalogue, searchIndex: await infra.searchIndex() }, activeAccountsOnly(infra, verifier), logger);
}

/**
 * The indexer: keeps the search index and the recommender in step with the database. An
 * embedded recommender starts empty, so it is first fed from the database. It takes jobs
 * only once the search index is set up (`searchIndex()` waits for an engine that does not
 * answer yet): meanwhile jobs wait in the queue instead of failing into dead letters.
 */
export async function startIndexer(infra: Infrastructure, logger: Logger, retryDelayMs = jobRetryBackoff()): Promise<Consumer> {
  const searchIndex = await infra.searchIndex();
  const recommender = infra.recommender();
  if (recommender.kind === 'embedded') {
    const fed = await reindexAll({ db: infra.db, recommender });
    logger.info(fed, 'indexer: embedded recommender fed from the database');
  }
  const images = { storage: infra.storage, bucket: infra.buckets.processed };
  const handler = createIndexImageHandler({ db: infra.db, searchIndex, recommender, images, logger: logger.child({ worker: 'indexer' }) });
  return infra.queue.consume(QUEUES.indexImages, handler, { concurrency: 4, maxAttempts: infra.config.JOB_MAX_ATTEMPTS, retryDelayMs });
}

/**
 * The search service on its own. With the embedded index (SEARCH_ENGINE=embedded) the index
 * lives in this process, so this process indexes too; in the database or in Typesense the
 * index is shared and the indexer worker fills it.
 */
export async function searchService({ config, infra, logger }: ServiceContext): Promise<RunningParts> {
  const routes = await searchRoutes(infra, await createVerifier(config), logger);
  const indexer = config.searchEngine === 'embedded' ? await startIndexer(infra, logger) : undefined;
  return { routes, stop: async () => indexer?.stop() };
}

/** The indexer worker on its own: it needs an index that other processes share, in the database or in Typesense. */
export async function indexerWorker({ config, infra, logger }: ServiceContext): Promise<RunningParts> {
  if (config.searchEngine === 'embedded') {
    throw new ConfigError(
      'Invalid configuration:\n  SEARCH_ENGINE: a separate indexer needs a search index other processes share: "database" (no server needed) or "typesense" (got embedded, the default without TYPESENSE_URL); with the embedded index the search service indexes in-process',
    );
  }
  const indexer = await startIndexer(infra, logger);
  const relay = startOutboxRelay({ db: infra.db, queue: infra.queue, logger });
  return {
    async stop() {
      await indexer.stop();
      await relay.stop();
    },
  };
}

/**
 * The image-tagger: the model is loaded once, on the first image, so a process that never tags never pays for it,
 * and on a thread of its own, so that loading and tagging never hold up the requests this process answers.
 */
export function startTagger(infra: Infrastructure, logger: Logger, retryDelayMs = jobRetryBackoff()): Consumer & { tagger(): Promise<ImageTagger> } {
  let loading: Promise<ImageTagger> | undefined;
  const tagger = () => (loading ??= createImageTaggerThread());
  const lazyTagger: ImageTagger = { tag: async (image) => (await tagger()).tag(image), close: async () => (loading ? (await loading).close() : undefined) };
  const handler = createTagImageHandler({ db: infra.db, storage: infra.storage, processedBucket: infra.buckets.processed, tagger: lazyTagger, logger: logger.child({ worker: 'image-tagger' }) });
  const consumer = infra.queue.consume(QUEUES.tagImages, handler, { concurrency: 1, maxAttempts: infra.config.JOB_MAX_ATTEMPTS, retryDelayMs });
  return {
    tagger,
    async stop() {
      await consumer.stop();
      await lazyTagger.close();
    },
  };
}

export function staticImageRoutes(infra: Infrastructure, verifier: TokenVerifier, logger: Logger): Route[] {
  return createStaticImageRoutes({ db: infra.db, storage: infra.storage, processedBucket: infra.buckets.processed, signer: infra.urlSigner, verifier: activeAccountsOnly(infra, verifier), logger });
}

/**
 * The image processor, and beside it in the same process the library jobs (imports and
 * exports), which feed it: no worker of their own to deploy.
 */
export function startImageProcessor(infra: Infrastructure, logger: Logger, retryDelayMs = jobRetryBackoff(), wakeRelay?: () => void): Consumer {
  const { db, storage, buckets, queue, config } = infra;
  const handler = createProcessImageHandler({ db, storage, buckets, logger: logger.child({ worker: 'image-processor' }), maxPixels: config.UPLOAD_MAX_PIXELS, tagging: config.TAGGER_ENABLED, wakeRelay });
  const processor = queue.consume(QUEUES.processImages, handler, { concurrency: config.WORKER_CONCURRENCY, maxAttempts: config.JOB_MAX_ATTEMPTS, retryDelayMs });
  const library = startLibraryJobs(infra, logger, retryDelayMs, wakeRelay);
  return {
    async stop() {
      await library.stop();
      await processor.stop();
    },
  };
}

/** What an import or export job needs, from the configuration (the CLI's `import` runs one with it too). */
export function libraryJobDeps(infra: Infrastructure, logger: Logger, wakeRelay?: () => void): LibraryJobDeps {
  const { db, storage, buckets, config } = infra;
  return {
    db,
    storage,
    buckets,
    logger: logger.child({ worker: 'library' }),
    limits: { maxBytes: config.UPLOAD_MAX_BYTES, maxPixels: config.UPLOAD_MAX_PIXELS, quotaBytes: config.UPLOAD_QUOTA_BYTES },
    exportTtlMs: config.EXPORT_TTL_HOURS * 3_600_000,
    wakeRelay,
  };
}

/**
 * Imports and exports (`library-jobs`), one at a time. On stop, a running import lets go
 * after its current entry and queues its own continuation, so shutdown never waits for a
 * whole library; a killed worker's import is redelivered and resumes from its pending entries.
 */
export function startLibraryJobs(
  infra: Infrastructure,
  logger: Logger,
  retryDelayMs = jobRetryBackoff(),
  wakeRelay?: () => void,
): Consumer {
  const stopping = new AbortController();
  const handler = createLibraryJobHandler({ ...libraryJobDeps(infra, logger, wakeRelay), stopping: stopping.signal });
  const consumer = infra.queue.consume(QUEUES.library, handler, { concurrency: 1, maxAttempts: infra.config.JOB_MAX_ATTEMPTS, retryDelayMs });
  return {
    async stop() {
      stopping.abort();
      await consumer.stop();
      wakeRelay?.();
    },
  };
}

/**
 * Periodic upkeep that runs wherever images are processed: re-enqueue images stuck past
 * RECONCILE_AFTER_SECONDS every minute, sweep orphans every hour, delete expired exports
 * every 10 minutes. Returns a stop function.
 */
export function startMaintenance(infra: Infrastructure, logger: Logger): () => void {
  const reconcile = setInterval(() => {
    reconcileStuckImages(infra.db, infra.config.RECONCILE_AFTER_SECONDS, logger).catch((error: unknown) => logger.warn({ err: error }, 'reconcile pass failed'));
  }, 60_000);
  const sweep = setInterval(() => {
    sweepOrphans({ ...infra, logger }).catch((error: unknown) => logger.warn({ err: error }, 'sweep pass failed'));
  }, 3_600_000);
  const expiredExports = setInterval(() => {
    sweepExpiredExports({ ...infra, logger }).catch((error: unknown) => logger.warn({ err: error }, 'export sweep failed'));
  }, 600_000);
  reconcile.unref();
  sweep.unref();
  expiredExports.unref();
  return () => {
    clearInterval(reconcile);
    clearInterval(sweep);
    clearInterval(expiredExports);
  };
}
