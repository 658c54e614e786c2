import type { Queryable } from '@glimpse/database';
import { visibleWhere } from './visibility';

/**
 * `feed_tags` holds, for every image feeds may list, its tags with what feeds rank by (like
 * count, age, owner), so that "the most liked feed images tagged T" is one short index range
 * (forYou's fresh tastes, similar's shared tags). It is derived from images and image_tags:
 * every write that changes an image's tags, visibility, state or moderation calls
 * `syncFeedTags` in the same transaction, and a like or unlike `syncFeedLikeCount`.
 */
export async function syncFeedTags(tx: Queryable, imageId: string): Promise<void> {
  await tx.query('DELETE FROM feed_tags WHERE image_id = $1', [imageId]);
  await tx.query(
    `INSERT INTO feed_tags (image_id, tag, owner_id, like_count, created_at)
     SELECT DISTINCT i.id, t.tag, i.owner_id, i.like_count, i.created_at FROM images i JOIN image_tags t ON t.image_id = i.id
     WHERE i.id = $1 AND ${visibleWhere('feed', null)}`,
    [imageId],
  );
}

export async function syncFeedLikeCount(tx: Queryable, imageId: string, likeCount: number): Promise<void> {
  await tx.query('UPDATE feed_tags SET like_count = $2 WHERE image_id = $1', [imageId, likeCount]);
}

/** Every row `feed_tags` should hold but does not, or holds but should not: empty when it is in step (tests, operators). */
export async function feedTagsDrift(tx: Queryable): Promise<Array<{ image_id: string; tag: string; problem: 'missing' | 'stale' }>> {
  return tx.query(
    `WITH expected AS (
       SELECT DISTINCT i.id AS image_id, t.tag, i.owner_id, i.like_count, i.created_at FROM images i JOIN image_tags t ON t.image_id = i.id
       WHERE ${visibleWhere('feed', null)}
     )
     SELECT e.image_id, e.tag, 'missing' AS problem FROM expected e
       WHERE NOT EXISTS (SELECT 1 FROM feed_tags f WHERE f.image_id = e.image_id AND f.tag = e.tag AND f.owner_id = e.owner_id AND f.like_count = e.like_count AND f.created_at = e.created_at)
     UNION ALL
     SELECT f.image_id, f.tag, 'stale' AS problem FROM feed_tags f
       WHERE NOT EXISTS (SELECT 1 FROM expected e WHERE e.image_id = f.image_id AND e.tag = f.tag AND e.owner_id = f.owner_id AND e.like_count = f.like_count AND e.created_at = f.created_at)`,
  );
}
