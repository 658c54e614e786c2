/**
 * The feed's list procedures and their queries as they were before the feed indexes
 * (main at 7ed38f7, schema up to migration 0006), kept verbatim so that `bench:feeds` can
 * run them beside the current ones in the same run. Not used by the product.
 */
import type { Queryable } from '@glimpse/database';
import { GlimpseError } from '@glimpse/errors';
import type { FeedContext } from '@glimpse/feed';
import { decodeCursor, decodeOffset, encodeOffset, hammingDistance, imageReads, page, visibleWhere, type ImageRow } from '@glimpse/images';
import { createServiceTRPC } from '@glimpse/http-service';
import { z } from 'zod';

const COLUMNS = `i.id, i.owner_id, u.username AS owner_username, i.title, i.description, i.visibility, i.status,
  i.failure_reason, i.tagging_status, i.original_key, i.original_mime, i.width, i.height, i.animated, i.placeholder,
  i.dominant_color, i.perceptual_hash, i.camera, i.variants, i.like_count, i.view_count, i.moderation, i.created_at`;
const FROM = 'images i JOIN users u ON u.id = i.owner_id';

const reads = {
  async list(tx: Queryable, scope: { viewerId: string | null; ownerId?: string }, request: { cursor?: string; limit: number }) {
    const after = request.cursor ? decodeCursor(request.cursor) : undefined;
    const params: unknown[] = [];
    const add = (value: unknown) => `$${params.push(value)}`;
    const where = [visibleWhere('feed', scope.viewerId === null ? null : add(scope.viewerId)), ...(scope.ownerId ? [`i.owner_id = ${add(scope.ownerId)}`] : [])];
    if (after) where.push(`(i.created_at, i.id) < (${add(after.createdAt)}::timestamptz, ${add(after.id)}::uuid)`);
    const rows = await tx.query<ImageRow>(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE ${where.join(' AND ')} ORDER BY i.created_at DESC, i.id DESC LIMIT ${add(request.limit + 1)}`,
      params,
    );
    return page(rows, request.limit);
  },
  async visibleInOrder(tx: Queryable, ids: readonly string[], viewerId: string | null): Promise<ImageRow[]> {
    if (ids.length === 0) return [];
    const rows = await tx.query<ImageRow>(`SELECT ${COLUMNS} FROM ${FROM} WHERE i.id = ANY($1::uuid[]) AND ${visibleWhere('feed', '$2')}`, [ids, viewerId]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  },
  async mostLikedIds(tx: Queryable, limit: number, offset: number, forViewer?: string): Promise<string[]> {
    const rows = await tx.query<{ id: string }>(
      `SELECT i.id FROM images i WHERE ${visibleWhere('feed', null)}
       ${forViewer ? 'AND i.owner_id <> $3 AND NOT EXISTS (SELECT 1 FROM likes l WHERE l.user_id = $3 AND l.image_id = i.id)' : ''}
       ORDER BY i.like_count DESC, i.created_at DESC, i.id DESC LIMIT $1 OFFSET $2`,
      forViewer ? [limit, offset, forViewer] : [limit, offset],
    );
    return rows.map((row) => row.id);
  },
  async ownedOrLikedBy(tx: Queryable, userId: string, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await tx.query<{ id: string }>(
      `SELECT i.id FROM images i WHERE i.id = ANY($2::uuid[])
         AND (i.owner_id = $1 OR EXISTS (SELECT 1 FROM likes l WHERE l.user_id = $1 AND l.image_id = i.id))`,
      [userId, ids],
    );
    return new Set(rows.map((row) => row.id));
  },
  async likedTagAffinity(tx: Queryable, userId: string, withinSeconds: number, limit: number): Promise<string[]> {
    const rows = await tx.query<{ id: string }>(
      `WITH liked_tags AS (
         SELECT DISTINCT t.tag FROM likes l JOIN image_tags t ON t.image_id = l.image_id
         WHERE l.user_id = $1 AND l.created_at > now() - ($2 * interval '1 second')
       )
       SELECT i.id FROM images i JOIN image_tags t ON t.image_id = i.id JOIN liked_tags lt ON lt.tag = t.tag
       WHERE ${visibleWhere('feed', null)} AND i.owner_id <> $1
         AND NOT EXISTS (SELECT 1 FROM likes l WHERE l.user_id = $1 AND l.image_id = i.id)
       GROUP BY i.id, i.like_count, i.created_at
       ORDER BY count(DISTINCT t.tag) DESC, i.like_count DESC, i.created_at DESC, i.id DESC LIMIT $3`,
      [userId, withinSeconds, limit],
    );
    return rows.map((row) => row.id);
  },
  async scoreSimilar(tx: Queryable, row: Pick<ImageRow, 'id' | 'perceptual_hash'>, score: Map<string, number>): Promise<void> {
    const candidates = await tx.query<{ id: string; perceptual_hash: string | null; shared: number }>(
      `SELECT i.id, i.perceptual_hash,
              (SELECT count(*) FROM image_tags t WHERE t.image_id = i.id AND t.tag IN (SELECT tag FROM image_tags WHERE image_id = $1)) AS shared
       FROM images i WHERE ${visibleWhere('feed', null)} AND i.id <> $1
       ORDER BY i.created_at DESC LIMIT 2000`,
      [row.id],
    );
    for (const candidate of candidates) {
      let value = Number(candidate.shared) * 0.5;
      if (row.perceptual_hash && candidate.perceptual_hash) {
        const distance = hammingDistance(row.perceptual_hash, candidate.perceptual_hash);
        if (distance <= 10) value += (11 - distance) / 2;
      }
      if (value > 0) score.set(candidate.id, (score.get(candidate.id) ?? 0) + value);
    }
  },
  async ownerNamed(tx: Queryable, username: string) {
    const [owner] = await tx.query<{ id: string; username: string; created_at: Date }>('SELECT id, username, created_at FROM users WHERE username = $1', [username]);
    return owner;
  },
};

const RECENT_LIKES_SECONDS = 30 * 60;
const SLACK = 24;

async function fromRecommender(ctx: FeedContext, ask: () => Promise<string[]>): Promise<string[] | undefined> {
  try {
    return await ask();
  } catch {
    return undefined;
  }
}

const imageId = z.uuid('expected an image id');
const limit = z.number().int().min(1).max(100).default(24);
const cursor = z.string().max(500).optional();
const pageInput = z.object({ cursor, limit }).default({ limit: 24 });
const { router, publicProcedure, protectedProcedure } = createServiceTRPC<FeedContext>();

export const previousFeedRouter = router({
  latest: publicProcedure.input(pageInput).query(async ({ ctx, input }) => {
    const { items, nextCursor } = await reads.list(ctx.reads, { viewerId: null }, input);
    return { items: await ctx.catalogue.cards(ctx.reads, items), nextCursor };
  }),
  user: publicProcedure.input(z.object({ username: z.string().trim().toLowerCase().min(1).max(30), cursor, limit })).query(async ({ ctx, input }) => {
    const owner = await reads.ownerNamed(ctx.reads, input.username);
    if (!owner) throw new GlimpseError('USER_NOT_FOUND', `No user named "${input.username}".`, 'username');
    const { items, nextCursor } = await reads.list(ctx.reads, { viewerId: ctx.viewer?.id ?? null, ownerId: owner.id }, input);
    return { items: await ctx.catalogue.cards(ctx.reads, items), nextCursor, user: { username: owner.username, joinedAt: owner.created_at.toISOString() } };
  }),
  popular: publicProcedure.input(pageInput).query(async ({ ctx, input }) => {
    const offset = decodeOffset(input.cursor);
    const asked = await fromRecommender(ctx, () => ctx.recommender.popular(input.limit + 1, offset));
    const ranked = asked?.length ? asked : await reads.mostLikedIds(ctx.reads, input.limit + 1, offset);
    const rows = await reads.visibleInOrder(ctx.reads, ranked.slice(0, input.limit), ctx.viewer?.id ?? null);
    return { items: await ctx.catalogue.cards(ctx.reads, rows), nextCursor: ranked.length > input.limit ? encodeOffset(offset + input.limit) : null };
  }),
  forYou: protectedProcedure.input(pageInput).query(async ({ ctx, input }) => {
    const offset = decodeOffset(input.cursor);
    const wanted = offset + input.limit + 1;
    const viewerId = ctx.viewer.id;
    const [fresh, ranked] = await Promise.all([
      reads.likedTagAffinity(ctx.db, viewerId, RECENT_LIKES_SECONDS, 48),
      fromRecommender(ctx, () => ctx.recommender.recommend(viewerId, wanted + SLACK, 0)),
    ]);
    const base = ranked?.length ? ranked : await reads.mostLikedIds(ctx.db, wanted + SLACK, 0, viewerId);
    const excluded = await reads.ownedOrLikedBy(ctx.db, viewerId, base);
    const list = [...new Set([...fresh, ...base.filter((id) => !excluded.has(id))])];
    const rows = await reads.visibleInOrder(ctx.db, list.slice(offset, offset + input.limit), viewerId);
    return { items: await ctx.catalogue.cards(ctx.db, rows), nextCursor: list.length > offset + input.limit ? encodeOffset(offset + input.limit) : null };
  }),
  similar: publicProcedure.input(z.object({ imageId, limit: limit.default(12) })).query(async ({ ctx, input }) => {
    const row = await imageReads.findVisible(ctx.reads, input.imageId, ctx.viewer?.id ?? null);
    const neighbours = (await fromRecommender(ctx, () => ctx.recommender.similar(row.id, input.limit * 2))) ?? [];
    const score = new Map<string, number>();
    neighbours.forEach((id, rank) => score.set(id, (score.get(id) ?? 0) + 2 / (rank + 1)));
    await reads.scoreSimilar(ctx.reads, row, score);
    score.delete(row.id);
    const ids = [...score.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, input.limit)
      .map(([id]) => id);
    return { items: await ctx.catalogue.cards(ctx.reads, await reads.visibleInOrder(ctx.reads, ids, ctx.viewer?.id ?? null)) };
  }),
});
