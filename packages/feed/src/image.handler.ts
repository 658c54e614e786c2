import { imageReads, imageWrites } from '@glimpse/images';
import { QUEUES } from '@glimpse/job-queue';
import { enqueueJob } from '@glimpse/outbox';
import type { FeedContext } from './trpc';
import type { ImageInput } from './feed.schema';

type SignedIn = FeedContext & { viewer: { id: string } };

/** One image as its page shows it. */
export async function image(ctx: FeedContext, input: ImageInput) {
  const row = await imageReads.findVisible(ctx.reads, input.imageId, ctx.viewer?.id ?? null);
  return ctx.catalogue.detail(ctx.reads, row, ctx.viewer);
}

/** Likes or unlikes; idempotent. The recommender learns of it, and the index re-sorts by likes, through the outbox. */
export async function setLike(ctx: SignedIn, input: ImageInput, liked: boolean) {
  const result = await ctx.db.transaction(async (tx) => {
    await imageReads.findVisible(tx, input.imageId, ctx.viewer.id);
    const { changed, likeCount } = await imageWrites.setLike(tx, ctx.viewer.id, input.imageId, liked);
    if (changed) {
      await enqueueJob(tx, QUEUES.indexImages, { feedback: { type: 'like', userId: ctx.viewer.id, imageId: input.imageId, at: new Date().toISOString() }, undo: !liked });
      await enqueueJob(tx, QUEUES.indexImages, { imageId: input.imageId }, 'bulk');
    }
    return { imageId: input.imageId, liked, likeCount };
  });
  ctx.wakeRelay();
  return result;
}

/** Counts a view: once per signed-in viewer and image (then "read" feedback), once a day per anonymous address. */
export async function view(ctx: FeedContext, input: ImageInput) {
  const viewer = ctx.viewer;
  let anonymousFirst: boolean | undefined; // decided once, even if the transaction is retried
  await ctx.db.transaction(async (tx) => {
    await imageReads.findVisible(tx, input.imageId, viewer?.id ?? null);
    if (!viewer) {
      anonymousFirst ??= ctx.anonymousViews.firstView(ctx.clientIp, input.imageId);
      if (anonymousFirst) await imageWrites.recordView(tx, null, input.imageId);
      return;
    }
    if (await imageWrites.recordView(tx, viewer.id, input.imageId)) {
      await enqueueJob(tx, QUEUES.indexImages, { feedback: { type: 'read', userId: viewer.id, imageId: input.imageId, at: new Date().toISOString() } }, 'bulk');
    }
  });
  ctx.wakeRelay();
  return { imageId: input.imageId };
}
