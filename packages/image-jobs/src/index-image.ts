import type { Database, Queryable } from '@glimpse/database';
import { cameraLabel, imagePipeline, isVisible } from '@glimpse/images';
import type { JobHandler, JobPayloads } from '@glimpse/job-queue';
import type { Logger } from '@glimpse/logging';
import type { ObjectStorage } from '@glimpse/object-storage';
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
  /** Where the thumb JPEGs are, for a search index that embeds images (`searchIndex.embedsImages`). */
  images?: IndexImageSource;
}

/** The processed bucket, from which each document of an index that embeds images gets its thumb JPEG. */
export interface IndexImageSource {
  storage: ObjectStorage;
  bucket: string;
}

const imageReadConcurrency = 8;

/**
 * Puts the thumb JPEG (480 pixels on the long edge, every ready image has one) into each
 * document, base64, as Typesense's `image` field takes it. A missing thumb fails the job
 * with the image and key named, so it is retried and, if the object is truly gone, dead-lettered.
 */
async function attachImages(source: IndexImageSource, entries: Array<{ document: SearchDocument; key: string | undefined }>) {
  const pending = [...entries];
  const worker = async () => {
    for (let entry = pending.pop(); entry; entry = pending.pop()) {
      const { document, key } = entry;
      if (!key) throw new Error(`index: image ${document.id} has no thumb JPEG variant to send for semantic search`);
      const bytes = await source.storage.getObject(source.bucket, key).catch((error: unknown) => {
        throw new Error(`index: the thumb JPEG of image ${document.id} (${source.bucket}/${key}) could not be read for semantic search`, { cause: error });
      });
      document.image = bytes.toString('base64');
    }
  };
  await Promise.all(Array.from({ length: Math.min(imageReadConcurrency, pending.length) }, worker));
}

const orientationOf = (width: number, height: number): Orientation =>
  Math.abs(width - height) <= Math.max(width, height) * 0.05 ? 'square' : width > height ? 'landscape' : 'portrait';

/**
 * The search document and recommender item of each indexable image; ids absent from the result must be removed.
 * With `images`, each document carries its thumb JPEG (for a search index that embeds images).
 */
export async function loadIndexEntries(tx: Queryable, imageIds: string[], images?: IndexImageSource): Promise<Map<string, { document: SearchDocument; item: RecommenderItem }>> {
  const rows = await imagePipeline.indexRows(tx, imageIds);
  const entries = new Map<string, { document: SearchDocument; item: RecommenderItem }>();
  const thumbs: Array<{ document: SearchDocument; key: string | undefined }> = [];
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
    const thumb = row.variants.find((variant) => variant.name === 'thumb' && variant.format === 'jpeg');
    thumbs.push({ document: entries.get(row.id)!.document, key: thumb?.key });
  }
  if (images) await attachImages(images, thumbs);
  return entries;
}

/** The image source to read when the index embeds images, refused at wiring time when it is missing. */
export function imagesFor(searchIndex: SearchIndex | undefined, images: IndexImageSource | undefined): IndexImageSource | undefined {
  if (!searchIndex?.embedsImages) return undefined;
  if (!images) throw new Error('the search index embeds images (TYPESENSE_SEMANTIC=clip): the indexer needs the processed bucket to read thumb JPEGs from');
  return images;
}

export function createIndexImageHandler(deps: IndexImageDeps): JobHandler<IndexImagePayload> {
  const images = imagesFor(deps.searchIndex, deps.images);
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
    const entry = (await loadIndexEntries(deps.db, [payload.imageId], images)).get(payload.imageId);
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
