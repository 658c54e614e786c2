import type { Database } from '@glimpse/database';
import type { ImageTagger } from '@glimpse/image-tagging';
import { normalizeTag, recordImageEvent, type VariantRecord } from '@glimpse/images';
import { QUEUES, type JobHandler } from '@glimpse/job-queue';
import type { Logger } from '@glimpse/logging';
import type { ObjectStorage } from '@glimpse/object-storage';
import { enqueueJob } from '@glimpse/outbox';

export interface TagImageDeps {
  db: Database;
  storage: ObjectStorage;
  processedBucket: string;
  tagger: ImageTagger;
  logger: Logger;
}

interface TagRow {
  status: string;
  tagging_status: string;
  deleted: boolean;
  variants: VariantRecord[];
}

/**
 * The `tag-images` job: runs the vision model on the image's medium JPEG, then stores
 * machine tags (each with its confidence, apart from the owner's tags), the faces count,
 * colour names, the words read in it (`analysis.text`, for search) and the moderation
 * label, and asks for a re-index. Camera facts are the processor's (`images.camera`), not tags.
 * Idempotent: an image already tagged is left alone.
 */
export function createTagImageHandler(deps: TagImageDeps): JobHandler<{ imageId: string }> {
  return async (job) => {
    const { imageId } = job.payload;
    const logger = deps.logger.child({ imageId, jobId: job.id, attempt: job.attempt });
    const [row] = await deps.db.query<TagRow>(
      'SELECT status, tagging_status, deleted_at IS NOT NULL AS deleted, variants FROM images WHERE id = $1',
      [imageId],
    );
    if (!row || row.deleted || row.status !== 'ready' || row.tagging_status === 'tagged') return;
    const source = row.variants.find((v) => v.name === 'medium' && v.format === 'jpeg') ?? row.variants.find((v) => v.format === 'jpeg');
    if (!source) return markTagging(imageId, 'skipped', 'no JPEG variant to look at');

    let result;
    try {
      result = await deps.tagger.tag(await deps.storage.getObject(deps.processedBucket, source.key));
    } catch (error) {
      if (job.isLastAttempt) await markTagging(imageId, 'failed', error instanceof Error ? error.message : String(error));
      throw error;
    }
    const machineTags = new Map<string, number>();
    for (const { label, confidence } of result.labels) {
      const tag = normalizeTag(label);
      if (tag) machineTags.set(tag, Math.max(confidence, machineTags.get(tag) ?? 0));
    }
    // Camera make and model stay fields of the image (`camera`), never tags: an iPhone
    // photo must not be tagged `apple`, the fruit. `portrait`/`group` come from the tagger.

    await deps.db.transaction(async (tx) => {
      await tx.query(`DELETE FROM image_tags WHERE image_id = $1 AND source = 'machine'`, [imageId]);
      for (const [tag, confidence] of machineTags) {
        await tx.query(`INSERT INTO image_tags (image_id, source, tag, confidence) VALUES ($1, 'machine', $2, $3)`, [imageId, tag, Math.round(confidence * 1000) / 1000]);
      }
      await tx.query(
        `UPDATE images SET tagging_status = 'tagged', moderation = $2, analysis = $3, updated_at = now() WHERE id = $1`,
        [imageId, result.moderation.label, JSON.stringify({ faces: result.faces, colors: result.colors, moderationConfidence: result.moderation.confidence, text: result.text.text, model: result.model })],
      );
      await recordImageEvent(tx, imageId, 'tagged', [...machineTags.keys()].join(', ') || 'no confident labels');
      await enqueueJob(tx, QUEUES.indexImages, { imageId });
    });
    logger.info({ tags: [...machineTags.keys()], faces: result.faces, words: result.text.words.length, moderation: result.moderation.label }, 'tag: image tagged');
  };

  async function markTagging(imageId: string, status: 'failed' | 'skipped', reason: string) {
    await deps.db.transaction(async (tx) => {
      await tx.query(`UPDATE images SET tagging_status = $2, updated_at = now() WHERE id = $1`, [imageId, status]);
      await recordImageEvent(tx, imageId, `tagging-${status}`, reason);
      await enqueueJob(tx, QUEUES.indexImages, { imageId });
    });
  }
}
