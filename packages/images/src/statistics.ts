import type { Queryable } from '@glimpse/database';
import type { ImageStatus } from './types';

/** The operators' view of the images: counts by state, storage per owner, the most used tags. Part of the image repository. */
export const imageStatistics = {
  /** Live images per status (every status present, zero when none), and how many are deleted but not yet purged. */
  async countByStatus(tx: Queryable): Promise<Record<ImageStatus, number> & { deleted: number }> {
    const rows = await tx.query<{ status: ImageStatus | 'deleted'; n: number | string }>(
      `SELECT CASE WHEN deleted_at IS NULL THEN status ELSE 'deleted' END AS status, count(*) AS n FROM images GROUP BY 1`,
    );
    const counts = { pending: 0, processing: 0, ready: 0, failed: 0, deleted: 0 };
    for (const row of rows) counts[row.status] = Number(row.n);
    return counts;
  },

  /** Per owner among `ownerIds`: live images and the bytes of their originals (what the quota counts). */
  async storagePerOwner(tx: Queryable, ownerIds: readonly string[]): Promise<Map<string, { images: number; bytes: number }>> {
    if (ownerIds.length === 0) return new Map();
    const rows = await tx.query<{ owner_id: string; images: number | string; bytes: number | string }>(
      `SELECT owner_id, count(*) AS images, COALESCE(sum(original_bytes), 0) AS bytes FROM images
       WHERE owner_id = ANY($1::uuid[]) AND deleted_at IS NULL GROUP BY owner_id`,
      [ownerIds],
    );
    return new Map(rows.map((row) => [row.owner_id, { images: Number(row.images), bytes: Number(row.bytes) }]));
  },

  /** Uploads per UTC day since `since` (days without uploads are absent). */
  async uploadsPerDay(tx: Queryable, since: Date): Promise<Map<string, number>> {
    const rows = await tx.query<{ day: string; n: number | string }>(
      `SELECT to_char(date_trunc('day', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day, count(*) AS n FROM images WHERE created_at >= $1 GROUP BY 1`,
      [since],
    );
    return new Map(rows.map((row) => [row.day, Number(row.n)]));
  },

  /** From upload to ready, for images that became ready since `since`: how many, and the median and 95th percentile in ms. */
  async processingLatency(tx: Queryable, since: Date): Promise<{ images: number; p50Ms: number | null; p95Ms: number | null }> {
    const [row] = await tx.query<{ n: number | string; p50: number | string | null; p95: number | string | null }>(
      `SELECT count(*) AS n,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM (ready_at - created_at))) AS p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM (ready_at - created_at))) AS p95
       FROM images WHERE ready_at IS NOT NULL AND ready_at >= $1`,
      [since],
    );
    const ms = (seconds: number | string | null | undefined) => (seconds === null || seconds === undefined ? null : Math.round(Number(seconds) * 1000));
    return { images: Number(row?.n ?? 0), p50Ms: ms(row?.p50), p95Ms: ms(row?.p95) };
  },

  /** The tags on the most live images, user and machine tags counted once per image. */
  async topTags(tx: Queryable, limit: number): Promise<Array<{ tag: string; images: number }>> {
    const rows = await tx.query<{ tag: string; images: number | string }>(
      `SELECT t.tag, count(DISTINCT t.image_id) AS images FROM image_tags t JOIN images i ON i.id = t.image_id
       WHERE i.deleted_at IS NULL GROUP BY t.tag ORDER BY images DESC, t.tag LIMIT $1`,
      [limit],
    );
    return rows.map((row) => ({ tag: row.tag, images: Number(row.images) }));
  },
};
