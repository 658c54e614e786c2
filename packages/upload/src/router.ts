import { z } from 'zod';
import { createUpload } from './create.handler';
import { edit, undoEdit } from './edit.handler';
import { editInput } from './edit.schema';
import { imageInput, mineInput, updateInput } from './manage.schema';
import { mine, remove, status, update } from './manage.handler';
import { quotaOf } from './quota';
import { protectedProcedure, router } from './trpc';

export const uploadRouter = router({
  /** Multipart form: `file`, optional `title`, `description`, `visibility`, `tags` (comma-separated). */
  create: protectedProcedure
    .input(z.instanceof(FormData, { message: 'expected a multipart/form-data body with a "file" field' }))
    .mutation(({ ctx, input }) => createUpload(ctx, input)),
  status: protectedProcedure.input(imageInput).query(({ ctx, input }) => status(ctx, input)),
  update: protectedProcedure.input(updateInput).mutation(({ ctx, input }) => update(ctx, input)),
  delete: protectedProcedure.input(imageInput).mutation(({ ctx, input }) => remove(ctx, input)),
  /** Storage used of the quota and uploads used of this hour's allowance ("3.2 GB of 10 GB used"). */
  quota: protectedProcedure.query(({ ctx }) => quotaOf(ctx, ctx.viewer.id)),
  mine: protectedProcedure.input(mineInput).query(({ ctx, input }) => mine(ctx, input)),
  /** Rotate, flip or crop (the owner only): re-rendered from the original; `status` shows when the new variants are served. */
  edit: protectedProcedure.input(editInput).mutation(({ ctx, input }) => edit(ctx, input)),
  /** Takes the last edit back (exact: every version is rendered from the original). */
  undoEdit: protectedProcedure.input(imageInput).mutation(({ ctx, input }) => undoEdit(ctx, input)),
});

export type UploadRouter = typeof uploadRouter;
