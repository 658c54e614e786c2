import { IMAGE_COLUMNS, IMAGE_FROM, MAX_TAGS, VISIBILITIES, decodeCursor, page, parseUserTags, recordImageEvent, type ImageRow } from '@glimpse/images';
import { QUEUES } from '@glimpse/job-queue';
import { enqueueJob } from '@glimpse/outbox';
import { z } from 'zod';
import { createUpload } from './create.handler';
import { quotaOf } from './quota';
import { protectedProcedure, router } from './trpc';

const imageId = z.uuid('expected an image id');

export const uploadRouter = router({
  /** Multipart form: `file`, optional `title`, `description`, `visibility`, `tags` (comma-separated). */
  create: protectedProcedure
    .input(z.instanceof(FormData, { message: 'expected a multipart/form-data body with a "file" field' }))
    .mutation(({ ctx, input }) => createUpload(ctx, input)),

  status: protectedProcedure.input(z.object({ imageId })).query(async ({ ctx, input }) => {
    const row = await ctx.catalogue.findOwned(ctx.db, input.imageId, ctx.viewer);
    return ctx.catalogue.uploadState(ctx.db, row);
  }),

  update: protectedProcedure
    .input(
      z.object({
        imageId,
        title: z.string().trim().max(200).optional(),
        description: z.string().trim().max(5_000).optional(),
        visibility: z.enum(VISIBILITIES).optional(),
        tags: z
          .union([z.string().max(2_000), z.array(z.string().max(100)).max(100)], {
            error: `expected at most ${MAX_TAGS} tags, as one comma-separated string or a list of strings`,
          })
          .optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const tags = input.tags === undefined ? undefined : parseUserTags(input.tags);
      const row = await ctx.db.transaction(async (tx) => {
        await ctx.catalogue.findOwned(tx, input.imageId, ctx.viewer);
        await tx.query(
          `UPDATE images SET title = COALESCE($2, title), description = COALESCE($3, description),
             visibility = COALESCE($4, visibility), updated_at = now() WHERE id = $1`,
          [input.imageId, input.title ?? null, input.description ?? null, input.visibility ?? null],
        );
        if (tags) {
          await tx.query(`DELETE FROM image_tags WHERE image_id = $1 AND source = 'user'`, [input.imageId]);
          for (const tag of tags) await tx.query(`INSERT INTO image_tags (image_id, source, tag) VALUES ($1, 'user', $2)`, [input.imageId, tag]);
        }
        await recordImageEvent(tx, input.imageId, 'updated');
        await enqueueJob(tx, QUEUES.indexImages, { imageId: input.imageId });
        return ctx.catalogue.findOwned(tx, input.imageId, ctx.viewer);
      });
      ctx.wakeRelay();
      return ctx.catalogue.uploadState(ctx.db, row);
    }),

  /** Removes the image, its original and every variant. */
  delete: protectedProcedure.input(z.object({ imageId })).mutation(async ({ ctx, input }) => {
    const row = await ctx.db.transaction(async (tx) => {
      const owned = await ctx.catalogue.findOwned(tx, input.imageId, ctx.viewer);
      await tx.query('UPDATE images SET deleted_at = now() WHERE id = $1', [input.imageId]);
      await recordImageEvent(tx, input.imageId, 'deleted');
      await enqueueJob(tx, QUEUES.indexImages, { imageId: input.imageId });
      return owned;
    });
    // The row is hidden first; objects go next; the row last. A crash in between leaves a
    // deleted row whose objects the sweeper removes.
    await ctx.storage.deleteObject(ctx.buckets.unprocessed, row.original_key);
    for (const variant of row.variants) await ctx.storage.deleteObject(ctx.buckets.processed, variant.key);
    await ctx.db.query('DELETE FROM images WHERE id = $1', [input.imageId]);
    ctx.wakeRelay();
    ctx.logger.info({ imageId: input.imageId }, 'image deleted');
    return { imageId: input.imageId, deleted: true as const };
  }),

  /** Storage used of the quota and uploads used of this hour's allowance ("3.2 GB of 10 GB used"). */
  quota: protectedProcedure.query(({ ctx }) => quotaOf(ctx, ctx.viewer.id)),

  /** The signed-in user's uploads in every state, newest first. */
  mine: protectedProcedure
    .input(z.object({ cursor: z.string().optional(), limit: z.number().int().min(1).max(100).default(30) }).default({ limit: 30 }))
    .query(async ({ ctx, input }) => {
      const after = input.cursor ? decodeCursor(input.cursor) : undefined;
      const rows = await ctx.db.query<ImageRow>(
        `SELECT ${IMAGE_COLUMNS} FROM ${IMAGE_FROM}
         WHERE i.owner_id = $1 AND i.deleted_at IS NULL ${after ? 'AND (i.created_at, i.id) < ($3, $4)' : ''}
         ORDER BY i.created_at DESC, i.id DESC LIMIT $2`,
        after ? [ctx.viewer.id, input.limit + 1, after.createdAt, after.id] : [ctx.viewer.id, input.limit + 1],
      );
      const { items, nextCursor } = page(rows, input.limit);
      return { items: await Promise.all(items.map((row) => ctx.catalogue.uploadState(ctx.db, row))), nextCursor };
    }),
});

export type UploadRouter = typeof uploadRouter;
