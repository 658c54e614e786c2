import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GlimpseConfig } from '@glimpse/config';
import { migrate, openDatabase, type Database } from '@glimpse/database';
import type { ReadinessCheck } from '@glimpse/http-service';
import { createImageCatalogue, createUrlSigner, type ImageCatalogue, type UrlSigner } from '@glimpse/images';
import { openJobQueue, withJobMetrics, type JobQueue } from '@glimpse/job-queue';
import type { Registry } from 'prom-client';
import type { Logger } from '@glimpse/logging';
import { openObjectStorage, type ObjectStorage } from '@glimpse/object-storage';
import { openRecommender, type Recommender } from '@glimpse/recommender';
import { openSearchIndex, type SearchIndex } from '@glimpse/search-index';
import { waitFor, type StartupProgress } from './wait-for';

/**
 * The adapters an app needs, chosen by configuration: the production adapter when its
 * variable is set, the embedded one otherwise. Code above this never knows which.
 */
export interface Infrastructure {
  config: GlimpseConfig;
  db: Database;
  storage: ObjectStorage;
  queue: JobQueue;
  buckets: { unprocessed: string; processed: string };
  urlSigner: UrlSigner;
  catalogue: ImageCatalogue;
  readiness: ReadinessCheck[];
  /**
   * Opened on first use: only the search service and the indexer need it (SEARCH_ENGINE). It
   * resolves once the index is set up, waiting for an engine that does not answer yet; from
   * then on /readyz checks it too (`searchIndex`).
   */
  searchIndex(): Promise<SearchIndex>;
  /** Opened on first use: only the feed service and the indexer need it. */
  recommender(): Recommender;
  close(): Promise<void>;
}

export interface InfrastructureOptions {
  /** Apply the migrations (default: only for the embedded database). */
  migrate?: boolean;
  /**
   * How long to wait for a dependency that does not answer yet (object storage creating its
   * buckets, Typesense its collection) before giving up; default: as long as it takes.
   */
  waitMs?: number;
  /** Told what is being waited for, for /readyz. */
  progress?: StartupProgress;
  /** Where the jobs this process handles are counted and timed (its /metrics). */
  metrics?: Registry;
}

export async function openInfrastructure(config: GlimpseConfig, logger: Logger, options: InfrastructureOptions = {}): Promise<Infrastructure> {
  const waiting = { logger, timeoutMs: options.waitMs, progress: options.progress };
  const embedded = !config.DATABASE_URL || !config.S3_ENDPOINT || !config.AMQP_URL;
  if (embedded) mkdirSync(config.dataDir, { recursive: true });

  const db = await openDatabase({ url: config.DATABASE_URL, readUrl: config.DATABASE_READ_URL, dataDir: config.dataDir, poolSize: config.DATABASE_POOL_SIZE });
  if (options.migrate ?? !config.DATABASE_URL) {
    const applied = await migrate(db);
    if (applied.length) logger.info({ applied }, 'database migrated');
  }
  const storage = openObjectStorage({
    dataDir: config.dataDir,
    s3: config.S3_ENDPOINT
      ? { endpoint: config.S3_ENDPOINT, region: config.S3_REGION, accessKey: config.S3_ACCESS_KEY!, secretKey: config.S3_SECRET_KEY!, forcePathStyle: config.S3_FORCE_PATH_STYLE }
      : undefined,
  });
  const buckets = { unprocessed: config.S3_BUCKET_UNPROCESSED, processed: config.S3_BUCKET_PROCESSED };
  const storageAt = config.S3_ENDPOINT ?? join(config.dataDir, 'objects');
  for (const bucket of [buckets.unprocessed, buckets.processed]) {
    await waitFor(`object storage bucket "${bucket}" at ${storageAt}`, () => storage.ensureBucket(bucket), waiting);
  }
  const opened = await openJobQueue({ dataDir: config.dataDir, amqpUrl: config.AMQP_URL, logger });
  const queue = options.metrics ? withJobMetrics(opened, options.metrics) : opened;
  const urlSigner = createUrlSigner(config.STATIC_URL_SECRET ?? embeddedSecret(config.dataDir));

  let searchIndex: Promise<SearchIndex> | undefined;
  let recommender: Recommender | undefined;
  const readiness: ReadinessCheck[] = [
    { name: 'database', check: () => db.ping() },
    { name: 'objectStorage', check: () => storage.ping() },
    { name: 'jobQueue', check: () => queue.ping() },
  ];
  const searchAt = { typesense: `the search index at ${config.TYPESENSE_URL}`, database: 'the search tables in the database', embedded: 'the search index' }[config.searchEngine];

  return {
    config,
    db,
    storage,
    queue,
    buckets,
    urlSigner,
    catalogue: createImageCatalogue(urlSigner),
    readiness,
    searchIndex() {
      const settings = { engine: config.searchEngine, typesenseUrl: config.TYPESENSE_URL, typesenseApiKey: config.TYPESENSE_API_KEY, typesenseSemantic: config.TYPESENSE_SEMANTIC, dataDir: config.dataDir, db };
      searchIndex ??= openSearchIndex(settings).then(async (index) => {
        // An engine still starting (Typesense) or not migrated yet (the database's search tables) is waited for, not a crash.
        await waitFor(searchAt, () => index.ensureCollection(), waiting);
        readiness.push({ name: 'searchIndex', check: () => index.ping() });
        return index;
      });
      return searchIndex;
    },
    recommender() {
      recommender ??= openRecommender({ gorseUrl: config.GORSE_URL, gorseApiKey: config.GORSE_API_KEY });
      return recommender;
    },
    async close() {
      await queue.close();
      await db.close();
    },
  };
}

/** Embedded mode keeps its URL-signing secret beside its data, so signed URLs survive restarts. */
function embeddedSecret(dataDir: string): string {
  const path = join(dataDir, 'keys', 'static-url-secret');
  try {
    return readFileSync(path, 'utf8');
  } catch {
    mkdirSync(join(dataDir, 'keys'), { recursive: true });
    const secret = randomBytes(32).toString('base64url');
    writeFileSync(path, secret, { mode: 0o600 });
    return secret;
  }
}
