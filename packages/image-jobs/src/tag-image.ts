import type { Database } from '@glimpse/database';
import type { ImageTagger } from '@glimpse/image-tagging';
import { imagePipeline, imageWrites, normalizeTag } from '@glimpse/images';
import type { JobHandler, JobPayloads } from '@glimpse/job-queue';
import type { Logger } from '@glimpse/logging';
import type { ObjectStorage } from '@glimpse/object-storage';

export interface TagImageDeps {
  db: Database;
  storage: ObjectStorage;
  processedBucket: string;
  tagger: ImageTagger;
  logger: Logger;
}

/**
 * The `tag-images` job: runs the vision model on the image's medium JPEG, then stores
 * machine tags (each with its confidence, apart from the owner's tags), the faces count,
 * colour names, the words read in it (`analysis.text`, for search) and the moderation
 * label, and asks for a re-index. Camera facts are the processor's (`images.camera`), not tags.
 * Idempotent: an image already tagged is left alone.
 */
export function createTagImageHandler(deps: TagImageDeps): JobHandler<JobPayloads['tag-images']> {
  return async (job) => {
    const { imageId } = job.payload;
    const logger = deps.logger.child({ imageId, jobId: job.id, attempt: job.attempt });
    const row = await imagePipeline.taggingState(deps.db, imageId);
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
      await imagePipeline.saveTagging(tx, imageId, {
        tags: machineTags,
        moderation: result.moderation.label,
        analysis: { faces: result.faces, colors: result.colors, moderationConfidence: result.moderation.confidence, text: result.text.text, model: result.model },
      });
      await imageWrites.recordEvent(tx, imageId, 'tagged', [...machineTags.keys()].join(', ') || 'no confident labels');
      await imageWrites.requestReindex(tx, imageId);
    });
    logger.info({ tags: [...machineTags.keys()], faces: result.faces, words: result.text.words.length, moderation: result.moderation.label }, 'tag: image tagged');
  };

  async function markTagging(imageId: string, status: 'failed' | 'skipped', reason: string) {
    await deps.db.transaction(async (tx) => {
      await imagePipeline.markTagging(tx, imageId, status);
      await imageWrites.recordEvent(tx, imageId, `tagging-${status}`, reason);
      await imageWrites.requestReindex(tx, imageId);
    });
  }
}
