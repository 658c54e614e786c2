import type { Queryable } from '@glimpse/database';

/**
 * Likes people received on their photos over a time window, for the daily likes digest.
 * A like counts while it stands (an unlike before the digest takes it back), on the
 * owner's live images, and never the owner's own like. Part of the image repository.
 */
export interface LikesReceived {
  /** Likes in the window on the owner's live images, from other people. */
  total: number;
  /** Distinct people who gave them. */
  likers: number;
  /** The most liked images of the window, most likes first (at most `top`). */
  images: Array<{ imageId: string; title: string; likes: number }>;
}

export const likesReceived = {
  /** Owners who received at least one like in [from, to), with how many. */
  async owners(tx: Queryable, from: Date, to: Date): Promise<Array<{ ownerId: string; likes: number }>> {
    const rows = await tx.query<{ owner_id: string; n: number | string }>(
      `SELECT i.owner_id, count(*) AS n FROM likes l JOIN images i ON i.id = l.image_id
       WHERE l.created_at >= $1 AND l.created_at < $2 AND i.deleted_at IS NULL AND l.user_id <> i.owner_id
       GROUP BY i.owner_id ORDER BY i.owner_id`,
      [from, to],
    );
    return rows.map((row) => ({ ownerId: row.owner_id, likes: Number(row.n) }));
  },

  /** One owner's likes in [from, to): totals and the `top` most liked images. */
  async of(tx: Queryable, ownerId: string, from: Date, to: Date, top = 5): Promise<LikesReceived> {
    const rows = await tx.query<{ image_id: string; title: string; n: number | string; likers: number | string }>(
      `SELECT i.id AS image_id, i.title, count(*) AS n,
              (SELECT count(DISTINCT l2.user_id) FROM likes l2 JOIN images i2 ON i2.id = l2.image_id
                WHERE i2.owner_id = $1 AND i2.deleted_at IS NULL AND l2.user_id <> $1 AND l2.created_at >= $2 AND l2.created_at < $3) AS likers
       FROM likes l JOIN images i ON i.id = l.image_id
       WHERE i.owner_id = $1 AND i.deleted_at IS NULL AND l.user_id <> $1 AND l.created_at >= $2 AND l.created_at < $3
       GROUP BY i.id, i.title ORDER BY n DESC, i.id`,
      [ownerId, from, to],
    );
    return {
      total: rows.reduce((sum, row) => sum + Number(row.n), 0),
      likers: Number(rows[0]?.likers ?? 0),
      images: rows.slice(0, top).map((row) => ({ imageId: row.image_id, title: row.title, likes: Number(row.n) })),
    };
  },
};
