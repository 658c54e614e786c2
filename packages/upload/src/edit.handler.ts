import { GlimpseError } from '@glimpse/errors';
import type { ProtectedContext } from '@glimpse/http-service';
import { MAX_EDITS, imageReads, imageWrites, planEdits, type ImageEdit, type ImageRow } from '@glimpse/images';
import type { Queryable } from '@glimpse/database';
import type { EditInput } from './edit.schema';
import type { ImageInput } from './manage.schema';
import type { UploadContext } from './trpc';

type Owner = UploadContext & ProtectedContext;

/**
 * Adds an edit to the image's stack and queues its rendering from the original: the served
 * variants stay until the new ones are ready, which then show under new URLs.
 */
export async function edit(ctx: Owner, input: EditInput) {
  const edit: ImageEdit = input.edit;
  return changeStack(ctx, input.imageId, (image) => {
    if (image.edits.length >= MAX_EDITS) {
      throw new GlimpseError('IMAGE_NOT_EDITABLE', `edit: image ${image.id} has ${MAX_EDITS} edits already, the most it may stack; undo some first.`, 'edit');
    }
    return { edits: [...image.edits, edit], event: `edit ${describe(edit)}` };
  });
}

/** Takes the last edit off the stack and renders the image from the original without it. */
export async function undoEdit(ctx: Owner, input: ImageInput) {
  return changeStack(ctx, input.imageId, (image) => {
    const last = image.edits.at(-1);
    if (!last) throw new GlimpseError('IMAGE_NOT_EDITABLE', `imageId: image ${image.id} has no edit to undo.`, 'imageId');
    return { edits: image.edits.slice(0, -1), event: `undo ${describe(last)}` };
  });
}

async function changeStack(ctx: Owner, imageId: string, change: (image: ImageRow) => { edits: ImageEdit[]; event: string }) {
  const row = await ctx.db.transaction(async (tx: Queryable) => {
    const image = await imageReads.findOwned(tx, imageId, ctx.viewer.id);
    if (image.status !== 'ready') {
      throw new GlimpseError('IMAGE_NOT_EDITABLE', `imageId: image ${imageId} is ${image.status === 'failed' ? 'failed' : 'still being processed'}; it can be edited once it is ready.`, 'imageId');
    }
    const { edits, event } = change(image);
    // Every edit is checked against the image as the edits before it leave it (a crop must fit).
    planEdits({ width: image.original_width ?? image.width ?? 0, height: image.original_height ?? image.height ?? 0 }, edits);
    const version = await imageWrites.requestEdit(tx, imageId, edits);
    await imageWrites.recordEvent(tx, imageId, 'edit-requested', `${event} (version ${version})`);
    return imageReads.findOwned(tx, imageId, ctx.viewer.id);
  });
  ctx.wakeRelay();
  ctx.logger.info({ imageId, version: row.edits_version, edits: row.edits.length }, 'image edit requested');
  return ctx.catalogue.uploadState(ctx.db, row);
}

function describe(edit: ImageEdit): string {
  const parts: string[] = [];
  if (edit.crop) parts.push(`crop ${edit.crop.width}×${edit.crop.height} at ${edit.crop.left},${edit.crop.top}`);
  if (edit.rotate) parts.push(`rotate ${edit.rotate}°`);
  if (edit.flipHorizontal) parts.push('flip horizontally');
  if (edit.flipVertical) parts.push('flip vertically');
  return parts.join(', ');
}
