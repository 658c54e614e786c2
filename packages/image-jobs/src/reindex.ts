import type { Database } from '@glimpse/database';
import { imagePipeline } from '@glimpse/images';
import type { Recommender } from '@glimpse/recommender';
import type { SearchIndex } from '@glimpse/search-index';
import { imagesFor, loadIndexEntries, type IndexImageSource } from './index-image';

export interface ReindexProgress {
  phase: 'images' | 'likes' | 'views';
  done: number;
  total: number;
}

/**
 * Rebuilds the search index and the recommender from the database (both hold derived data
 * only). Images go in batches; likes and views follow as feedback. Reports progress.
 */
export async function reindexAll(
  deps: { db: Database; searchIndex?: SearchIndex; recommender: Recommender; images?: IndexImageSource },
  onProgress: (progress: ReindexProgress) => void = () => {},
  batchSize = 500,
): Promise<{ images: number; likes: number; views: number }> {
  const { db, searchIndex, recommender } = deps;
  const imageSource = imagesFor(searchIndex, deps.images);
  // Without a search index only the recommender is rebuilt (the embedded one starts empty).
  const started = await imagePipeline.clock(db);
  await searchIndex?.ensureCollection();
  await searchIndex?.clear();
  await recommender.clear();

  const total = await imagePipeline.countReady(db);
  let images = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const ids = await imagePipeline.readyIdsAfter(db, after, batchSize);
    if (ids.length === 0) break;
    const entries = [...(await loadIndexEntries(db, ids, imageSource)).values()];
    await searchIndex?.upsert(entries.map((e) => e.document));
    await recommender.upsertItems(entries.map((e) => e.item));
    images += entries.length;
    after = ids.at(-1)!;
    onProgress({ phase: 'images', done: images, total });
  }

  if (searchIndex) await imagePipeline.searchSyncedBefore(db, started);

  const counts = { likes: 0, views: 0 };
  for (const [phase, type] of [['likes', 'like'], ['views', 'read']] as const) {
    const feedbackTotal = await imagePipeline.countFeedback(db, phase);
    let cursor = { userId: '00000000-0000-0000-0000-000000000000', imageId: '00000000-0000-0000-0000-000000000000' };
    for (;;) {
      const rows = await imagePipeline.feedbackAfter(db, phase, cursor, batchSize * 4);
      if (rows.length === 0) break;
      await recommender.insertFeedback(rows.map((r) => ({ type, userId: r.user_id, itemId: r.image_id, timestamp: r.at })));
      counts[phase] += rows.length;
      cursor = { userId: rows.at(-1)!.user_id, imageId: rows.at(-1)!.image_id };
      onProgress({ phase, done: counts[phase], total: feedbackTotal });
    }
  }
  return { images, ...counts };
}
