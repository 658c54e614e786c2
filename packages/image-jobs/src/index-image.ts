import type { Database, Queryable } from '@glimpse/database';
import { cameraLabel, imagePipeline, isVisible } from '@glimpse/images';
import type { JobHandler, JobPayloads } from '@glimpse/job-queue';
import type { Logger } from '@glimpse/logging';
import type { Feedback, Recommender, RecommenderItem } from '@glimpse/recommender';
import type { Orientation, SearchDocument, SearchIndex } from '@glimpse/search-index';

/**
 * The `index-images` job: keeps the search index and the recommender in step with the
 * database, which stays the one source of truth. A payload either names an image to
 * re-sync (upsert when visible-and-ready, remove otherwise) or carries a like/view.
 */
export type IndexImagePayload = JobPayloads['index-images'];

export interface IndexImageDeps {
  db: Database;
  searchIndex: SearchIndex;
  recommender: Recommender;
  logger: Logger;
}

const orientationOf = (width: number, height: number): Orientation =>
  Math.abs(width - height) <= Math.max(width, height) * 0.05 ? 'square' : width > height ? 'landscape' : 'portrait';

/** The search document and recommender item of each indexable image; ids absent from the result must be removed. */
export async function loadIndexEntries(tx: Queryable, imageIds: string[]): Promise<Map<string, { document: SearchDocument; item: RecommenderItem }>> {
  const rows = await imagePipeline.indexRows(tx, imageIds);
  const entries = new Map<string, { document: SearchDocument; item: RecommenderItem }>();
  for (const row of rows) {
    if (row.deleted || row.status !== 'ready') continue;
    const { userTags, machineTags } = row;
    const allTags = [...new Set([...userTags, ...machineTags])];
    entries.set(row.id, {
      document: {
        id: row.id,
        title: row.title,
        // The words read in the photo (OCR) are searched like its description, ranked below the title.
        description: [row.description, row.analysis?.text].filter((part) => part && part.trim()).join('\n'),
        tags: allTags,
        userTags,
        machineTags,
        ownerId: row.owner_id,
        ownerUsername: row.owner_username,
        // A hidden image is searched like a private one: by its owner only.
        visibility: row.hidden ? 'private' : row.visibility,
        colors: row.analysis?.colors ?? [],
        // A field of its own, never among the tags: an iPhone photo is not tagged `apple`.
        camera: cameraLabel(row.camera?.make, row.camera?.model),
        orientation: orientationOf(row.width, row.height),
        width: row.width,
        height: row.height,
        likeCount: row.like_count,
        createdAt: row.created_at.getTime(),
      },
      item: {
        id: row.id,
        // The owner's tags count fully, the tagger's by how sure it was (see the recommender).
        labels: userTags,
        machineLabels: machineTags.map((label) => ({ label, confidence: row.machineConfidence[label] ?? 0 })),
        timestamp: row.created_at,
        // Recommended to others only where feeds may list it (owners are never recommended their own).
        hidden: !isVisible(row, null, 'feed'),
        ownerId: row.owner_id,
      },
    });
  }
  return entries;
}

export function createIndexImageHandler(deps: IndexImageDeps): JobHandler<IndexImagePayload> {
  return async (job) => {
    const payload = job.payload;
    if ('feedback' in payload) {
      const { type, userId, imageId, at } = payload.feedback;
      if (payload.undo) await deps.recommender.deleteFeedback(type, userId, imageId);
      else await deps.recommender.insertFeedback([{ type, userId, itemId: imageId, timestamp: new Date(at) } satisfies Feedback]);
      return;
    }
    // Read before the entry: a change committed after this keeps the image pending for search.
    const pendingSince = await imagePipeline.searchPendingSince(deps.db, payload.imageId);
    const entry = (await loadIndexEntries(deps.db, [payload.imageId])).get(payload.imageId);
    if (entry) {
      await deps.searchIndex.upsert([entry.document]);
      await deps.recommender.upsertItems([entry.item]);
    } else {
      await deps.searchIndex.remove([payload.imageId]);
      await deps.recommender.removeItem(payload.imageId);
    }
    if (pendingSince) await imagePipeline.searchSynced(deps.db, payload.imageId, pendingSince);
    deps.logger.debug({ imageId: payload.imageId, indexed: Boolean(entry) }, 'index: image synced');
  };
}
