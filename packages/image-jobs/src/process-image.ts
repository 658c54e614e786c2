import { createHash } from 'node:crypto';
import type { Database } from '@glimpse/database';
import { isGlimpseError } from '@glimpse/errors';
import { processImage, type ProcessedImage } from '@glimpse/image-processing';
import { recordImageEvent, type ImageStatus, type VariantRecord } from '@glimpse/images';
import { QUEUES, type Job, type JobHandler } from '@glimpse/job-queue';
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
}

export interface ProcessImagePayload {
  imageId: string;
}

const EXTENSION = { webp: 'webp', jpeg: 'jpg' } as const;

/**
 * The `process-images` job. Idempotent: a redelivered job for an image that is already
 * ready (or failed for good) is acknowledged without work; variants are written under
 * fixed keys before the row points to them, and the row turns `ready` exactly once.
 */
export function createProcessImageHandler(deps: ProcessImageDeps): JobHandler<ProcessImagePayload> {
  const { db, storage, buckets } = deps;

  return async (job: Job<ProcessImagePayload>) => {
    const { imageId } = job.payload;
    const logger = deps.logger.child({ imageId, jobId: job.id, attempt: job.attempt });
    const [row] = await db.query<{ status: ImageStatus; original_key: string; deleted: boolean }>(
      'SELECT status, original_key, deleted_at IS NOT NULL AS deleted FROM images WHERE id = $1',
      [imageId],
    );
    if (!row || row.deleted) return logger.info('process: image no longer exists; nothing to do');
    if (row.status === 'ready' || row.status === 'failed') return logger.info({ status: row.status }, 'process: already settled; nothing to do');

    await db.transaction(async (tx) => {
      await tx.query(`UPDATE images SET status = 'processing', processing_attempts = processing_attempts + 1, updated_at = now() WHERE id = $1`, [imageId]);
      await recordImageEvent(tx, imageId, 'processing', `attempt ${job.attempt} of ${job.maxAttempts}`);
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
        const updated = await tx.query<{ id: string }>(
          `UPDATE images SET status = 'ready', failure_reason = NULL, width = $2, height = $3, animated = $4, placeholder = $5,
             dominant_color = $6, perceptual_hash = $7, camera = $8, variants = $9, ready_at = now(), updated_at = now()
           WHERE id = $1 AND status <> 'ready' AND deleted_at IS NULL RETURNING id`,
          [imageId, processed.width, processed.height, processed.animated, processed.placeholder, processed.dominantColor,
            processed.perceptualHash, JSON.stringify(processed.camera), JSON.stringify(variants)],
        );
        if (updated.length > 0) {
          await recordImageEvent(tx, imageId, 'ready', `${variants.length} variants`);
          // Searchable at once by its title and the owner's tags; tagging re-indexes it later.
          await enqueueJob(tx, QUEUES.indexImages, { imageId });
          if (deps.tagging) await enqueueJob(tx, QUEUES.tagImages, { imageId });
        }
        return updated.length > 0;
      });
      if (became) logger.info({ width: processed.width, height: processed.height }, 'process: image ready');
      else logger.info('process: image was deleted or already ready meanwhile');
    } catch (error) {
      if (job.isLastAttempt) await markFailed(imageId, `Processing failed ${job.attempt} times: ${describe(error)}`, logger);
      throw error;
    }
  };

  async function storeVariants(imageId: string, processed: ProcessedImage): Promise<VariantRecord[]> {
    return Promise.all(
      processed.variants.map(async (variant) => {
        const key = `images/${imageId}/${variant.name}.${EXTENSION[variant.format]}`;
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

  async function markFailed(imageId: string, reason: string, logger: Logger) {
    await db.transaction(async (tx) => {
      const updated = await tx.query(
        `UPDATE images SET status = 'failed', failure_reason = $2, updated_at = now() WHERE id = $1 AND status <> 'ready' RETURNING id`,
        [imageId, reason],
      );
      if (updated.length > 0) await recordImageEvent(tx, imageId, 'failed', reason);
    });
    logger.warn({ reason }, 'process: image failed');
  }
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
