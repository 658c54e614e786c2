import { invalidInput } from '@glimpse/errors';
import { imageReads, imageWrites, normalizeTag, parseUserTags } from '@glimpse/images';
import type { ProtectedContext } from '@glimpse/http-service';
import type { ImageInput, MineInput, RemoveMachineTagInput, UpdateInput } from './manage.schema';
import type { UploadContext } from './trpc';

type Owner = UploadContext & ProtectedContext;

/** An upload's state, for its owner, in any state. */
export async function status(ctx: Owner, input: ImageInput) {
  return ctx.catalogue.uploadState(ctx.db, await imageReads.findOwned(ctx.db, input.imageId, ctx.viewer.id));
}

export async function update(ctx: Owner, input: UpdateInput) {
  const tags = input.tags === undefined ? undefined : parseUserTags(input.tags);
  const row = await ctx.db.transaction(async (tx) => {
    await imageReads.findOwned(tx, input.imageId, ctx.viewer.id);
    await imageWrites.updateDetails(tx, input.imageId, { title: input.title, description: input.description, visibility: input.visibility, tags });
    await imageWrites.recordEvent(tx, input.imageId, 'updated');
    await imageWrites.requestReindex(tx, input.imageId);
    return imageReads.findOwned(tx, input.imageId, ctx.viewer.id);
  });
  ctx.wakeRelay();
  return ctx.catalogue.uploadState(ctx.db, row);
}

/**
 * The owner takes a wrong machine tag off their image: it is gone from the image, search
 * and recommendations (a re-index), and the tagger never puts it back.
 */
export async function removeMachineTag(ctx: Owner, input: RemoveMachineTagInput) {
  const tag = normalizeTag(input.tag);
  const row = await ctx.db.transaction(async (tx) => {
    await imageReads.findOwned(tx, input.imageId, ctx.viewer.id);
    if (!tag || !(await imageWrites.removeMachineTag(tx, input.imageId, tag))) throw invalidInput('tag', `the image has no machine tag ${JSON.stringify(input.tag)}`);
    await imageWrites.recordEvent(tx, input.imageId, 'machine-tag-removed', tag);
    await imageWrites.requestReindex(tx, input.imageId);
    return imageReads.findOwned(tx, input.imageId, ctx.viewer.id);
  });
  ctx.wakeRelay();
  ctx.logger.info({ imageId: input.imageId, tag }, 'machine tag removed by its owner');
  return ctx.catalogue.uploadState(ctx.db, row);
}

/** Removes the image, its original and every variant. */
export async function remove(ctx: Owner, input: ImageInput) {
  const row = await ctx.db.transaction(async (tx) => {
    const owned = await imageReads.findOwned(tx, input.imageId, ctx.viewer.id);
    await imageWrites.markDeleted(tx, input.imageId);
    await imageWrites.recordEvent(tx, input.imageId, 'deleted');
    await imageWrites.requestReindex(tx, input.imageId);
    return owned;
  });
  // The row is hidden first; objects go next; the row last. A crash in between leaves a
  // deleted row whose objects the sweeper removes.
  await ctx.storage.deleteObject(ctx.buckets.unprocessed, row.original_key);
  for (const variant of row.variants) await ctx.storage.deleteObject(ctx.buckets.processed, variant.key);
  await imageWrites.purge(ctx.db, input.imageId);
  ctx.wakeRelay();
  ctx.logger.info({ imageId: input.imageId }, 'image deleted');
  return { imageId: input.imageId, deleted: true as const };
}

/** The signed-in user's uploads in every state, newest first. */
export async function mine(ctx: Owner, input: MineInput) {
  const { items, nextCursor } = await imageReads.list(ctx.db, { uploadsOf: ctx.viewer.id }, input);
  return { items: await Promise.all(items.map((row) => ctx.catalogue.uploadState(ctx.db, row))), nextCursor };
}
