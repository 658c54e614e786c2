import type { Database } from '@glimpse/database';
import type { Recommender } from '@glimpse/recommender';
import type { SearchIndex } from '@glimpse/search-index';
import { loadIndexEntries } from './index-image';

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
  deps: { db: Database; searchIndex?: SearchIndex; recommender: Recommender },
  onProgress: (progress: ReindexProgress) => void = () => {},
  batchSize = 500,
): Promise<{ images: number; likes: number; views: number }> {
  const { db, searchIndex, recommender } = deps;
  // Without a search index only the recommender is rebuilt (the embedded one starts empty).
  await searchIndex?.ensureCollection();
  await searchIndex?.clear();
  await recommender.clear();

  const [{ total }] = (await db.query<{ total: number }>(`SELECT count(*) AS total FROM images WHERE status = 'ready' AND deleted_at IS NULL`)) as [{ total: number }];
  let images = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const ids = (await db.query<{ id: string }>(`SELECT id FROM images WHERE status = 'ready' AND deleted_at IS NULL AND id > $1 ORDER BY id LIMIT $2`, [after, batchSize])).map((r) => r.id);
    if (ids.length === 0) break;
    const entries = [...(await loadIndexEntries(db, ids)).values()];
    await searchIndex?.upsert(entries.map((e) => e.document));
    await recommender.upsertItems(entries.map((e) => e.item));
    images += entries.length;
    after = ids.at(-1)!;
    onProgress({ phase: 'images', done: images, total });
  }

  const counts = { likes: 0, views: 0 };
  for (const [phase, table, type, column] of [['likes', 'likes', 'like', 'created_at'], ['views', 'image_views', 'read', 'viewed_at']] as const) {
    const [{ total: feedbackTotal }] = (await db.query<{ total: number }>(`SELECT count(*) AS total FROM ${table}`)) as [{ total: number }];
    let cursor = { user: '00000000-0000-0000-0000-000000000000', image: '00000000-0000-0000-0000-000000000000' };
    for (;;) {
      const rows = await db.query<{ user_id: string; image_id: string; at: Date }>(
        `SELECT user_id, image_id, ${column} AS at FROM ${table} WHERE (user_id, image_id) > ($1, $2) ORDER BY user_id, image_id LIMIT $3`,
        [cursor.user, cursor.image, batchSize * 4],
      );
      if (rows.length === 0) break;
      await recommender.insertFeedback(rows.map((r) => ({ type, userId: r.user_id, itemId: r.image_id, timestamp: r.at })));
      counts[phase] += rows.length;
      cursor = { user: rows.at(-1)!.user_id, image: rows.at(-1)!.image_id };
      onProgress({ phase, done: counts[phase], total: feedbackTotal });
    }
  }
  return { images, ...counts };
}
