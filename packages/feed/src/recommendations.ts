import type { Viewer } from '@glimpse/access-tokens';
import { hammingDistance } from '@glimpse/image-processing';
import { IMAGE_COLUMNS, IMAGE_FROM, type ImageCard, type ImageRow } from '@glimpse/images';
import type { FeedContext } from './trpc';

/** Shown in public feeds: ready, live, public, and not labelled sensitive by the tagger. */
export const PUBLIC_FEED_FILTER = `i.status = 'ready' AND i.deleted_at IS NULL AND i.visibility = 'public' AND i.moderation IS DISTINCT FROM 'sensitive'`;

/** Cards for ids in the given order, dropping any the viewer may not see in a feed (the engines only hold derived data). */
export async function cardsInOrder(ctx: FeedContext, ids: string[], viewer: Viewer | null): Promise<ImageCard[]> {
  if (ids.length === 0) return [];
  const rows = await ctx.db.query<ImageRow>(
    `SELECT ${IMAGE_COLUMNS} FROM ${IMAGE_FROM} WHERE i.id = ANY($1::uuid[]) AND (${PUBLIC_FEED_FILTER} OR (i.owner_id = $2 AND i.status = 'ready' AND i.deleted_at IS NULL))`,
    [ids, viewer?.id ?? null],
  );
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ctx.catalogue.cards(ctx.db, ids.flatMap((id) => byId.get(id) ?? []));
}

/** Asks the recommender; when it cannot answer, logs it and lets the caller fall back to the database. */
export async function fromRecommender(ctx: FeedContext, ask: () => Promise<string[]>): Promise<string[] | undefined> {
  try {
    return await ask();
  } catch (error) {
    ctx.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'feed: recommender unavailable; falling back to the database');
    return undefined;
  }
}

export async function latestIds(ctx: FeedContext, limit: number, offset: number, excludeOwner?: string): Promise<string[]> {
  const rows = await ctx.db.query<{ id: string }>(
    `SELECT i.id FROM images i WHERE ${PUBLIC_FEED_FILTER} ${excludeOwner ? 'AND i.owner_id <> $3' : ''}
     ORDER BY i.like_count DESC, i.created_at DESC, i.id DESC LIMIT $1 OFFSET $2`,
    excludeOwner ? [limit, offset, excludeOwner] : [limit, offset],
  );
  return rows.map((row) => row.id);
}

/**
 * Images like this one: the recommender's neighbours (likes that co-occur, shared labels),
 * blended with what the database knows for certain: shared tags and a close perceptual hash
 * (the same photo re-encoded, cropped a little, or a burst of shots).
 */
export async function similarIds(ctx: FeedContext, row: ImageRow, limit: number): Promise<string[]> {
  const neighbours = (await fromRecommender(ctx, () => ctx.recommender.similar(row.id, limit * 2))) ?? [];
  const candidates = await ctx.db.query<{ id: string; perceptual_hash: string | null; shared: number }>(
    `SELECT i.id, i.perceptual_hash,
            (SELECT count(*) FROM image_tags t WHERE t.image_id = i.id AND t.tag IN (SELECT tag FROM image_tags WHERE image_id = $1)) AS shared
     FROM images i WHERE ${PUBLIC_FEED_FILTER} AND i.id <> $1
     ORDER BY i.created_at DESC LIMIT 2000`,
    [row.id],
  );
  const score = new Map<string, number>();
  neighbours.forEach((id, rank) => score.set(id, (score.get(id) ?? 0) + 2 / (rank + 1)));
  for (const candidate of candidates) {
    let value = candidate.shared * 0.5;
    if (row.perceptual_hash && candidate.perceptual_hash) {
      const distance = hammingDistance(row.perceptual_hash, candidate.perceptual_hash);
      if (distance <= 10) value += (11 - distance) / 2;
    }
    if (value > 0) score.set(candidate.id, (score.get(candidate.id) ?? 0) + value);
  }
  return [...score.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([id]) => id);
}
