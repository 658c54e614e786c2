import { randomUUID, webcrypto } from 'node:crypto';
import type { Database, Queryable } from '@glimpse/database';
import { GlimpseError } from '@glimpse/errors';
import { inspectUpload, type InspectedImage } from '@glimpse/image-processing';
import { imageReads, imageWrites, type Visibility } from '@glimpse/images';
import { QUEUES } from '@glimpse/job-queue';
import type { Logger } from '@glimpse/logging';
import type { ObjectStorage } from '@glimpse/object-storage';
import { enqueueJob } from '@glimpse/outbox';
import { assertFitsQuota } from './quota';

/** What taking an image in needs, in the upload service and in an import job alike. */
export interface AcceptDeps {
  db: Database;
  storage: ObjectStorage;
  buckets: { unprocessed: string; processed: string };
  limits: { maxBytes: number; maxPixels: number; quotaBytes: number };
  logger: Logger;
}

export interface IncomingImage {
  ownerId: string;
  bytes: Buffer;
  title: string;
  description: string;
  visibility: Visibility;
  tags: readonly string[];
  /** Chosen by the caller when the id must survive a retry (an import entry); random otherwise. */
  imageId?: string;
}

export interface AcceptOptions {
  /** Take an exact copy of one of the owner's own images anyway (otherwise it is reported, not stored). */
  keepDuplicates: boolean;
  /** `uploaded` event detail prefix, e.g. "import <id>". */
  source?: string;
  /**
   * Runs in the image's own transaction before the row is written; false leaves the image
   * out (an import entry that another run took already). Whatever it writes commits with the row.
   */
  claim?: (tx: Queryable, outcome: { imageId: string } | { duplicateOf: string }) => Promise<boolean>;
}

export type AcceptOutcome =
  | { kind: 'accepted'; imageId: string; inspected: InspectedImage; contentHash: string }
  | { kind: 'duplicate'; duplicateOf: string; contentHash: string }
  /** `claim` said no: someone else took this one. */
  | { kind: 'skipped' };

/** SHA-256 of the bytes, hex. Web Crypto hashes on libuv's thread pool: a 50 MB original does not hold the event loop. */
export const contentHashOf = async (bytes: Uint8Array) => Buffer.from(await webcrypto.subtle.digest('SHA-256', bytes)).toString('hex');

/**
 * Takes one image in: the same checks for an upload and for an import entry. An exact copy of
 * one of the owner's own images is a duplicate (unless kept). The type is sniffed and the
 * pixel count read from the header before anything is stored; then the original is written
 * (blob before row), and the row, its `uploaded` event and its processing job commit in one
 * transaction (outbox), after the quota is checked again inside it.
 */
export async function acceptImage(deps: AcceptDeps, image: IncomingImage, options: AcceptOptions): Promise<AcceptOutcome> {
  const { db, storage, buckets } = deps;
  const contentHash = await contentHashOf(image.bytes);
  if (!options.keepDuplicates) {
    const existing = await imageReads.ownedWithContentHash(db, image.ownerId, contentHash);
    if (existing) {
      if (options.claim && !(await db.transaction((tx) => options.claim!(tx, { duplicateOf: existing })))) return { kind: 'skipped' };
      return { kind: 'duplicate', duplicateOf: existing, contentHash };
    }
  }
  const inspected = await inspectUpload(image.bytes, { maxPixels: deps.limits.maxPixels });

  const imageId = image.imageId ?? randomUUID();
  const originalKey = `originals/${imageId}`;
  try {
    await storage.putObject(buckets.unprocessed, originalKey, image.bytes, inspected.mimeType);
  } catch (error) {
    deps.logger.error({ err: error, imageId }, 'storing the original failed');
    throw new GlimpseError('STORAGE_UNAVAILABLE', 'Image storage is unavailable right now; nothing was saved. Try again shortly.', undefined, { cause: error });
  }

  let outcome: AcceptOutcome;
  try {
    outcome = await oneAtATime(image.ownerId, () =>
      db.transaction(async (tx): Promise<AcceptOutcome> => {
        // Again inside the transaction: two uploads at once must not both fit the last gigabyte,
        // nor both be the first copy of the same file.
        await assertFitsQuota(deps, tx, image.ownerId, image.bytes.length);
        if (!options.keepDuplicates) {
          const existing = await imageReads.ownedWithContentHash(tx, image.ownerId, contentHash);
          if (existing) {
            if (options.claim && !(await options.claim(tx, { duplicateOf: existing }))) return { kind: 'skipped' };
            return { kind: 'duplicate', duplicateOf: existing, contentHash };
          }
        }
        if (options.claim && !(await options.claim(tx, { imageId }))) return { kind: 'skipped' };
        await imageWrites.insertPending(tx, {
          id: imageId, ownerId: image.ownerId, title: image.title, description: image.description, visibility: image.visibility,
          originalKey, originalMime: inspected.mimeType, originalBytes: image.bytes.length, width: inspected.width, height: inspected.height,
          tags: image.tags, contentHash,
        });
        const detail = `${inspected.format} ${inspected.width}x${inspected.height}, ${image.bytes.length} bytes`;
        await imageWrites.recordEvent(tx, imageId, 'uploaded', options.source ? `${options.source}: ${detail}` : detail);
        await enqueueJob(tx, QUEUES.processImages, { imageId });
        return { kind: 'accepted', imageId, inspected, contentHash };
      }, { maxAttempts: 20 }),
    );
  } catch (error) {
    // The row never committed: remove the original now (the sweeper would otherwise).
    await storage.deleteObject(buckets.unprocessed, originalKey).catch(() => undefined);
    throw error;
  }
  // Not taken after all: the original goes, unless a row already points at it (the same
  // import entry, with its fixed image id, taken by an earlier run).
  if (outcome.kind !== 'accepted' && !(image.imageId && (await imageReads.find(db, imageId)))) {
    await storage.deleteObject(buckets.unprocessed, originalKey).catch(() => undefined);
  }
  return outcome;
}

/**
 * One user's images commit one at a time in this process. Each reads the user's stored
 * bytes (the quota) and adds a row, so several at once (a folder, 8 in flight) are write
 * skew to SERIALIZABLE and would mostly abort and retry; queued here, only the short
 * transaction waits, not the upload or the storage write. Across replicas the retries remain.
 */
const commits = new Map<string, Promise<unknown>>();
function oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = commits.get(key) ?? Promise.resolve();
  const run = previous.then(work, work);
  const settled = run.catch(() => undefined);
  commits.set(key, settled);
  void settled.then(() => {
    if (commits.get(key) === settled) commits.delete(key);
  });
  return run;
}
