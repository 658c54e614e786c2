import { duplicates } from './duplicates.handler';
import { edit, undoEdit } from './edit.handler';
import { editInput } from './edit.schema';
import { duplicatesInput, imageInput, mineInput, removeMachineTagInput, updateInput } from './manage.schema';
import { mine, remove, removeMachineTag, status, update } from './manage.handler';
import { createExport, exportStatus, importStatus, recentExports, recentImports } from './library/library.handler';
import { exportCreateInput, exportInput, importInput, recentInput } from './library/library.schema';
import { quotaOf } from './quota';
import { protectedProcedure, router } from './trpc';

export const uploadRouter = router({
  /** `create` (multipart: `file`, `title`, `description`, `visibility`, `tags`) is read as a stream by its own route; see createUploadReceiver. */
  status: protectedProcedure.input(imageInput).query(({ ctx, input }) => status(ctx, input)),
  update: protectedProcedure.input(updateInput).mutation(({ ctx, input }) => update(ctx, input)),
  delete: protectedProcedure.input(imageInput).mutation(({ ctx, input }) => remove(ctx, input)),
  /** The owner removes a wrong machine tag; re-tagging never brings it back. */
  removeMachineTag: protectedProcedure.input(removeMachineTagInput).mutation(({ ctx, input }) => removeMachineTag(ctx, input)),
  /** Storage used of the quota and uploads used of this hour's allowance ("3.2 GB of 10 GB used"). */
  quota: protectedProcedure.query(({ ctx }) => quotaOf(ctx, ctx.viewer.id)),
  mine: protectedProcedure.input(mineInput).query(({ ctx, input }) => mine(ctx, input)),
  /** Bulk imports. `imports.create` (multipart: one zip or several `file` fields) is streamed by its own route; see createImportReceiver. */
  imports: router({
    status: protectedProcedure.input(importInput).query(({ ctx, input }) => importStatus(ctx, input)),
    list: protectedProcedure.input(recentInput).query(({ ctx, input }) => recentImports(ctx, input)),
  }),
  /** A zip of the owner's originals with a JSON sidecar each, made by a job; `status` gives a signed link when ready. */
  exports: router({
    create: protectedProcedure.input(exportCreateInput).mutation(({ ctx, input }) => createExport(ctx, input)),
    status: protectedProcedure.input(exportInput).query(({ ctx, input }) => exportStatus(ctx, input)),
    list: protectedProcedure.input(recentInput).query(({ ctx, input }) => recentExports(ctx, input)),
  }),
  /** Groups of the owner's images that look alike (resized or recompressed copies): keep one, delete the others. */
  duplicates: protectedProcedure.input(duplicatesInput).query(({ ctx, input }) => duplicates(ctx, input)),
  /** Rotate, flip or crop (the owner only): re-rendered from the original; `status` shows when the new variants are served. */
  edit: protectedProcedure.input(editInput).mutation(({ ctx, input }) => edit(ctx, input)),
  /** Takes the last edit back (exact: every version is rendered from the original). */
  undoEdit: protectedProcedure.input(imageInput).mutation(({ ctx, input }) => undoEdit(ctx, input)),
});

export type UploadRouter = typeof uploadRouter;
