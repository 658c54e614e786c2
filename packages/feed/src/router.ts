import { GlimpseError } from '@glimpse/errors';
import { IMAGE_COLUMNS, IMAGE_FROM, decodeCursor, decodeOffset, encodeOffset, page, type ImageRow } from '@glimpse/images';
import { QUEUES } from '@glimpse/job-queue';
import { enqueueJob } from '@glimpse/outbox';
import { z } from 'zod';
import { cardsInOrder, fromRecommender, latestIds, similarIds } from './recommendations';
import { protectedProcedure, publicProcedure, router, type FeedContext } from './trpc';

const imageId = z.uuid('expected an image id');
const limit = z.number().int().min(1, 'expected at least 1').max(100, 'expected at most 100').default(24);
const pageInput = z.object({ cursor: z.string().max(500).optional(), limit }).default({ limit: 24 });

/** Feeds list ready, live images only; `public` alone unless the viewer owns the list. */
async function keysetPage(ctx: FeedContext, where: string, params: unknown[], input: { cursor?: string; limit: number }) {
  const after = input.cursor ? decodeCursor(input.cursor) : undefined;
  const n = params.length;
  const rows = await ctx.db.query<ImageRow>(
    `SELECT ${IMAGE_COLUMNS} FROM ${IMAGE_FROM}
     WHERE i.status = 'ready' AND i.deleted_at IS NULL AND ${where}
     ${after ? `AND (i.created_at, i.id) < ($${n + 2}, $${n + 3})` : ''}
     ORDER BY i.created_at DESC, i.id DESC LIMIT $${n + 1}`,
    after ? [...params, input.limit + 1, after.createdAt, after.id] : [...params, input.limit + 1],
  );
  const { items, nextCursor } = page(rows, input.limit);
  return { items: await ctx.catalogue.cards(ctx.db, items), nextCursor };
}

async function setLike(ctx: FeedContext & { viewer: { id: string } }, id: string, liked: boolean) {
  const result = await ctx.db.transaction(async (tx) => {
    await ctx.catalogue.findVisible(tx, id, ctx.viewer);
    const changed = liked
      ? await tx.query('INSERT INTO likes (user_id, image_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING image_id', [ctx.viewer.id, id])
      : await tx.query('DELETE FROM likes WHERE user_id = $1 AND image_id = $2 RETURNING image_id', [ctx.viewer.id, id]);
    const [row] = changed.length
      ? await tx.query<{ like_count: number }>(`UPDATE images SET like_count = like_count + $2 WHERE id = $1 RETURNING like_count`, [id, liked ? 1 : -1])
      : await tx.query<{ like_count: number }>('SELECT like_count FROM images WHERE id = $1', [id]);
    if (changed.length) {
      // The recommender learns of it, and the index re-sorts by likes, through the outbox.
      await enqueueJob(tx, QUEUES.indexImages, { feedback: { type: 'like', userId: ctx.viewer.id, imageId: id, at: new Date().toISOString() }, undo: !liked });
      await enqueueJob(tx, QUEUES.indexImages, { imageId: id }, 'bulk');
    }
    return { imageId: id, liked, likeCount: row!.like_count };
  });
  ctx.wakeRelay();
  return result;
}

const offsetPage = async (ctx: FeedContext, ids: string[] | undefined, fallback: () => Promise<string[]>, offset: number, limit: number) => {
  const chosen = ids && ids.length > 0 ? ids : await fallback();
  const items = await cardsInOrder(ctx, chosen.slice(0, limit), ctx.viewer);
  return { items, nextCursor: chosen.length > limit ? encodeOffset(offset + limit) : null };
};

export const feedRouter = router({
  latest: publicProcedure.input(pageInput).query(({ ctx, input }) => keysetPage(ctx, `i.visibility = 'public' AND i.moderation IS DISTINCT FROM 'sensitive'`, [], input)),

  /** Popularity with time decay (the recommender); most liked from the database when it cannot answer. */
  popular: publicProcedure.input(pageInput).query(async ({ ctx, input }) => {
    const offset = decodeOffset(input.cursor);
    const ids = await fromRecommender(ctx, () => ctx.recommender.popular(input.limit + 1, offset));
    return offsetPage(ctx, ids, () => latestIds(ctx, input.limit + 1, offset), offset, input.limit);
  }),

  /** Personalised for the signed-in user; a new user gets popular, then latest. */
  forYou: protectedProcedure.input(pageInput).query(async ({ ctx, input }) => {
    const offset = decodeOffset(input.cursor);
    const ids = await fromRecommender(ctx, () => ctx.recommender.recommend(ctx.viewer.id, input.limit + 1, offset));
    return offsetPage(ctx, ids, () => latestIds(ctx, input.limit + 1, offset, ctx.viewer.id), offset, input.limit);
  }),

  similar: publicProcedure.input(z.object({ imageId, limit: limit.default(12) })).query(async ({ ctx, input }) => {
    const row = await ctx.catalogue.findVisible(ctx.db, input.imageId, ctx.viewer);
    return { items: await cardsInOrder(ctx, await similarIds(ctx, row, input.limit), ctx.viewer) };
  }),

  user: publicProcedure
    .input(z.object({ username: z.string().trim().toLowerCase().min(1), cursor: z.string().max(500).optional(), limit }))
    .query(async ({ ctx, input }) => {
      const [owner] = await ctx.db.query<{ id: string; username: string; created_at: Date }>('SELECT id, username, created_at FROM users WHERE username = $1', [input.username]);
      if (!owner) throw new GlimpseError('USER_NOT_FOUND', `No user named "${input.username}".`, 'username');
      const own = ctx.viewer?.id === owner.id;
      const result = await keysetPage(ctx, own ? 'i.owner_id = $1' : `i.owner_id = $1 AND i.visibility = 'public' AND i.moderation IS DISTINCT FROM 'sensitive'`, [owner.id], input);
      return { ...result, user: { username: owner.username, joinedAt: owner.created_at.toISOString() } };
    }),

  image: publicProcedure.input(z.object({ imageId })).query(async ({ ctx, input }) => {
    const row = await ctx.catalogue.findVisible(ctx.db, input.imageId, ctx.viewer);
    if (row.status !== 'ready') throw new GlimpseError('IMAGE_NOT_FOUND', `Image ${input.imageId} is still being processed.`, 'imageId');
    return ctx.catalogue.detail(ctx.db, row, ctx.viewer);
  }),

  like: protectedProcedure.input(z.object({ imageId })).mutation(({ ctx, input }) => setLike(ctx, input.imageId, true)),
  unlike: protectedProcedure.input(z.object({ imageId })).mutation(({ ctx, input }) => setLike(ctx, input.imageId, false)),

  view: publicProcedure.input(z.object({ imageId })).mutation(async ({ ctx, input }) => {
    const viewer = ctx.viewer;
    let anonymousFirst: boolean | undefined; // decided once, even if the transaction is retried
    await ctx.db.transaction(async (tx) => {
      await ctx.catalogue.findVisible(tx, input.imageId, viewer);
      if (!viewer) {
        anonymousFirst ??= ctx.anonymousViews.firstView(ctx.clientIp, input.imageId);
        if (!anonymousFirst) return;
        return tx.query('UPDATE images SET view_count = view_count + 1 WHERE id = $1', [input.imageId]);
      }
      // A signed-in viewer counts once per image, and the view becomes "read" feedback.
      const first = await tx.query('INSERT INTO image_views (user_id, image_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING image_id', [viewer.id, input.imageId]);
      if (first.length === 0) return;
      await tx.query('UPDATE images SET view_count = view_count + 1 WHERE id = $1', [input.imageId]);
      await enqueueJob(tx, QUEUES.indexImages, { feedback: { type: 'read', userId: viewer.id, imageId: input.imageId, at: new Date().toISOString() } }, 'bulk');
    });
    ctx.wakeRelay();
    return { imageId: input.imageId };
  }),
});

export type FeedRouter = typeof feedRouter;
