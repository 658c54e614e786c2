import type { Database } from '@glimpse/database';
import { imagePipeline, imageWrites } from '@glimpse/images';
import { QUEUES, type JobQueue } from '@glimpse/job-queue';
import type { Logger } from '@glimpse/logging';
import type { ObjectStorage } from '@glimpse/object-storage';
import { enqueueJob } from '@glimpse/outbox';

/**
 * Re-enqueues images stuck in a non-terminal state for longer than `olderThanSeconds`
 * (a job lost to a bug or an operator purging a queue). Idempotent workers make a
 * duplicate harmless. Returns the ids it re-enqueued.
 */
export async function reconcileStuckImages(db: Database, olderThanSeconds: number, logger: Logger): Promise<string[]> {
  const stuck = await imagePipeline.stuck(db, olderThanSeconds, QUEUES.processImages);
  for (const image of stuck) {
    await db.transaction(async (tx) => {
      await imagePipeline.touch(tx, image.id);
      await imageWrites.recordEvent(tx, image.id, 'reconciled', `was ${image.status} for over ${olderThanSeconds} s`);
      await enqueueJob(tx, QUEUES.processImages, { imageId: image.id }, 'bulk');
    });
    logger.warn({ imageId: image.id, status: image.status }, 'reconcile: re-enqueued a stuck image');
  }
  return stuck.map((image) => image.id);
}

export interface SweepResult {
  orphanObjects: string[];
  purgedImages: string[];
}

const IMAGE_ID = /^(?:originals|images)\/([0-9a-f-]{36})(?:\/|$)/;

/**
 * Removes what a crash can leave behind: objects no live row points to (an upload whose
 * row never committed; variants of a deleted image or of a version an edit replaced) and
 * rows deleted but not yet purged.
 * Objects younger than `graceSeconds` are left alone: their row may be committing now.
 */
export async function sweepOrphans(
  deps: { db: Database; storage: ObjectStorage; buckets: { unprocessed: string; processed: string }; logger: Logger },
  graceSeconds = 3600,
): Promise<SweepResult> {
  const { db, storage, buckets, logger } = deps;
  const result: SweepResult = { orphanObjects: [], purgedImages: [] };

  for (const id of await imagePipeline.purgeable(db, graceSeconds)) {
    await imageWrites.purge(db, id);
    result.purgedImages.push(id);
  }

  const cutoff = Date.now() - graceSeconds * 1000;
  for (const bucket of [buckets.unprocessed, buckets.processed]) {
    const candidates = new Map<string, string[]>();
    for await (const object of storage.listObjects(bucket)) {
      const id = IMAGE_ID.exec(object.key)?.[1];
      if (!id || object.lastModified.getTime() > cutoff) continue;
      candidates.set(id, [...(candidates.get(id) ?? []), object.key]);
    }
    const ids = [...candidates.keys()];
    for (let start = 0; start < ids.length; start += 500) {
      const batch = ids.slice(start, start + 500);
      const live = await imagePipeline.liveIds(db, batch);
      // Of a live image's variants, those of a version an edit replaced (its deletion interrupted).
      const served = bucket === buckets.processed ? await imagePipeline.servedVariantKeys(db, batch.filter((id) => live.has(id))) : new Map<string, Set<string>>();
      for (const id of batch) {
        // undefined: keep every object (a live upload, or one still being processed).
        const keep = !live.has(id) ? new Set<string>() : served.get(id);
        if (!keep) continue;
        for (const key of candidates.get(id)!) {
          if (keep.has(key)) continue;
          await storage.deleteObject(bucket, key);
          result.orphanObjects.push(`${bucket}/${key}`);
        }
      }
    }
  }
  if (result.orphanObjects.length || result.purgedImages.length) logger.info({ orphanObjects: result.orphanObjects.length, purgedImages: result.purgedImages.length }, 'sweep: removed leftovers');
  return result;
}

/**
 * Puts every dead-lettered processing job back on its queue, after resetting its image
 * from `failed` to `pending` so the worker takes it up again. Returns how many.
 */
export async function redriveDeadLetters(db: Database, queue: JobQueue, logger: Logger, queueName: string = QUEUES.processImages): Promise<number> {
  const letters = await queue.deadLetters(queueName);
  for (const letter of letters) {
    const imageId = (letter.payload as { imageId?: string } | null)?.imageId;
    if (!imageId) continue;
    await db.transaction(async (tx) => {
      if (await imagePipeline.resetFailed(tx, imageId)) await imageWrites.recordEvent(tx, imageId, 'redriven', `dead-lettered after ${letter.attempts} attempts: ${letter.reason}`);
    });
  }
  const moved = await queue.redrive(queueName);
  logger.info({ queue: queueName, moved }, 'redrive: dead letters returned to their queue');
  return moved;
}

/**
 * Sends every ready image back to the tagger (after a model change: new tags, the words in
 * photos), as bulk jobs behind fresh uploads. Its machine tags are replaced when the job
 * runs; until then the old ones stay. Reports progress; returns how many were queued.
 */
export async function retagAll(db: Database, onProgress: (done: number, total: number) => void = () => {}, batchSize = 500): Promise<number> {
  const total = await imagePipeline.countReady(db);
  let after = '00000000-0000-0000-0000-000000000000';
  let queued = 0;
  for (;;) {
    const ids = await imagePipeline.readyIdsAfter(db, after, batchSize);
    if (ids.length === 0) return queued;
    await db.transaction(async (tx) => {
      for (const id of ids) {
        if (!(await imagePipeline.markTaggingPending(tx, id))) continue;
        await imageWrites.recordEvent(tx, id, 'retag', 'sent back to the tagger');
        await enqueueJob(tx, QUEUES.tagImages, { imageId: id }, 'bulk');
      }
    });
    queued += ids.length;
    after = ids.at(-1)!;
    onProgress(queued, total);
  }
}
