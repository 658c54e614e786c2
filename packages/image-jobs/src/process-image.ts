import { createHash, randomUUID } from 'node:crypto';
import type { Database } from '@glimpse/database';
import { isGlimpseError } from '@glimpse/errors';
import { processImage, type ProcessedImage } from '@glimpse/image-processing';
import { imagePipeline, imageWrites, planEdits, variantKey, type ImageEdit, type VariantRecord } from '@glimpse/images';
import { QUEUES, type Job, type JobHandler, type JobPayloads } from '@glimpse/job-queue';
import { enqueueJob } from '@glimpse/outbox';
import type { Logger } from '@glimpse/logging';
import type { ObjectStorage } from '@glimpse/object-storage';
import { ObjectNotFoundError } from '@glimpse/object-storage';

export interface ProcessImageDeps {
  db: Database;
  storage: ObjectStorage;
  buckets: { unprocessed: string; processed: string };
  logger: Logger;
  maxPixels: number;
  /** Queue a tag-images job for every image that becomes ready (off where no tagger runs). */
  tagging: boolean;
  /** Publish queued work now rather than at the relay's next poll (the owner's email when an image fails). */
  wakeRelay?: () => void;
}

export type ProcessImagePayload = JobPayloads['process-images'];

/**
 * The `process-images` job. Idempotent: a redelivered job for an image that is already
 * ready (or failed for good) is acknowledged without work; variants are written under
 * fixed keys before the row points to them, and the row turns `ready` exactly once.
 *
 * A ready image whose owner asked for an edit is rendered again from its original through
 * the whole stack of edits, as the next version under new keys; the row then points to the
 * new variants (a later version is never replaced by an earlier one) and the old objects go.
 */
export function createProcessImageHandler(deps: ProcessImageDeps): JobHandler<ProcessImagePayload> {
  const { db, storage, buckets } = deps;

  return async (job: Job<ProcessImagePayload>) => {
    const { imageId } = job.payload;
    const logger = deps.logger.child({ imageId, jobId: job.id, attempt: job.attempt });
    const row = await imagePipeline.processingState(db, imageId);
    if (!row || row.deleted) return logger.info('process: image no longer exists; nothing to do');
    if (row.status === 'ready' && row.edits_version > row.version && !row.edit_failure) return renderEdit(job, { ...row, imageId }, logger);
    if (row.status === 'ready' || row.status === 'failed') return logger.info({ status: row.status }, 'process: already settled; nothing to do');

    await db.transaction(async (tx) => {
      await imagePipeline.markProcessing(tx, imageId);
      await imageWrites.recordEvent(tx, imageId, 'processing', `attempt ${job.attempt} of ${job.maxAttempts}`);
    });

    let processed: ProcessedImage;
    try {
      const original = await storage.getObject(buckets.unprocessed, row.original_key);
      processed = await processImage(original, { maxPixels: deps.maxPixels });
    } catch (error) {
      if (error instanceof ObjectNotFoundError) return markFailed(imageId, 'The uploaded file is missing from storage; upload it again.', logger);
      if (isGlimpseError(error)) return markFailed(imageId, error.message, logger);
      if (job.isLastAttempt) await markFailed(imageId, `Processing failed ${job.attempt} times: ${describe(error)}`, logger);
      throw error;
    }

    try {
      const variants = await storeVariants(imageId, processed);
      const became = await db.transaction(async (tx) => {
        const ready = await imagePipeline.markReady(tx, imageId, { ...processed, variants });
        if (ready) {
          await imageWrites.recordEvent(tx, imageId, 'ready', `${variants.length} variants`);
          // Searchable at once by its title and the owner's tags; tagging re-indexes it later.
          await imageWrites.requestReindex(tx, imageId);
          if (deps.tagging) await enqueueJob(tx, QUEUES.tagImages, { imageId });
        }
        return ready;
      });
      if (became) logger.info({ width: processed.width, height: processed.height }, 'process: image ready');
      else logger.info('process: image was deleted or already ready meanwhile');
    } catch (error) {
      if (job.isLastAttempt) await markFailed(imageId, `Processing failed ${job.attempt} times: ${describe(error)}`, logger);
      throw error;
    }
  };

  async function renderEdit(
    job: Job<ProcessImagePayload>,
    row: { imageId: string; original_key: string; edits_version: number; edits: ImageEdit[]; original_width: number | null; original_height: number | null },
    parent: Logger,
  ) {
    const { imageId, edits_version: version, edits } = row;
    const logger = parent.child({ version });
    let processed: ProcessedImage;
    try {
      if (row.original_width === null || row.original_height === null) throw new Error('the original size is not known');
      const plan = planEdits({ width: row.original_width, height: row.original_height }, edits);
      const original = await storage.getObject(buckets.unprocessed, row.original_key);
      processed = await processImage(original, { maxPixels: deps.maxPixels, edit: plan });
    } catch (error) {
      if (error instanceof ObjectNotFoundError) return editFailed(imageId, version, 'The original file is missing from storage; the edit cannot be rendered.', logger);
      if (isGlimpseError(error)) return editFailed(imageId, version, error.message, logger);
      if (job.isLastAttempt) await editFailed(imageId, version, `Rendering the edit failed ${job.attempt} times: ${describe(error)}`, logger);
      throw error;
    }
    let variants: VariantRecord[];
    let outcome: Awaited<ReturnType<typeof imagePipeline.markEdited>>;
    try {
      variants = await storeVariants(imageId, processed, version);
      outcome = await db.transaction(async (tx) => {
        const marked = await imagePipeline.markEdited(tx, imageId, version, edits, { ...processed, variants });
        if ('replaced' in marked) {
          await imageWrites.recordEvent(tx, imageId, 'edited', `version ${version}: ${edits.length} edits, ${processed.width}×${processed.height}`);
          // Search and recommendations show its new size and orientation.
          await imageWrites.requestReindex(tx, imageId);
        }
        return marked;
      });
    } catch (error) {
      if (job.isLastAttempt) await editFailed(imageId, version, `Rendering the edit failed ${job.attempt} times: ${describe(error)}`, logger);
      throw error;
    }
    // Old objects go only once the row points to the new ones. A rendering that lost its race
    // goes too, unless another job served this same version (the same keys, in use).
    const replaced = 'replaced' in outcome ? outcome.replaced : undefined;
    const inUse = new Set((replaced || ('servedVersion' in outcome && outcome.servedVersion === version) ? variants : []).map((variant) => variant.key));
    const obsolete = (replaced ?? variants).filter((variant) => !inUse.has(variant.key));
    await Promise.all(obsolete.map((variant) => storage.deleteObject(buckets.processed, variant.key).catch((error: unknown) => logger.warn({ err: error, key: variant.key }, 'process: an old variant was not deleted; the sweeper will'))));
    if (replaced) logger.info({ width: processed.width, height: processed.height }, 'process: edited version served');
    else logger.info('process: a later version is served already, or the image is gone; this rendering was dropped');
  }

  async function editFailed(imageId: string, version: number, reason: string, logger: Logger) {
    const failed = await db.transaction(async (tx) => {
      const marked = await imagePipeline.markEditFailed(tx, imageId, version, reason);
      if (marked) await imageWrites.recordEvent(tx, imageId, 'edit-failed', `version ${version}: ${reason}`);
      return marked;
    });
    if (failed) logger.warn({ reason }, 'process: the edit could not be rendered; the served version stays');
  }

  async function storeVariants(imageId: string, processed: ProcessedImage, version = 0): Promise<VariantRecord[]> {
    return Promise.all(
      processed.variants.map(async (variant) => {
        const key = variantKey(imageId, variant.name, variant.format, version);
        await storage.putObject(buckets.processed, key, variant.data, variant.contentType);
        return {
          name: variant.name,
          format: variant.format,
          contentType: variant.contentType,
          width: variant.width,
          height: variant.height,
          bytes: variant.data.length,
          etag: `"${createHash('sha256').update(variant.data).digest('base64url')}"`,
          key,
        };
      }),
    );
  }

  /** Fails the image and, in the same transaction, queues the owner's "your upload failed" email: both or neither, once. */
  async function markFailed(imageId: string, reason: string, logger: Logger) {
    const failed = await db.transaction(async (tx) => {
      const image = await imagePipeline.markFailed(tx, imageId, reason);
      if (!image) return false;
      await imageWrites.recordEvent(tx, imageId, 'failed', reason);
      await enqueueJob(tx, QUEUES.notifications, { kind: 'upload-failed', notificationId: randomUUID(), userId: image.ownerId, imageId, title: image.title, reason });
      return true;
    });
    if (failed) deps.wakeRelay?.();
    logger.warn({ reason }, 'process: image failed');
  }
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
