import type { ProtectedContext } from '@glimpse/http-service';
import { imageModeration } from '@glimpse/images';
import type { ModerateInput, ModerationQueueInput } from './admin.schema';
import type { AdminContext } from './trpc';

type Admin = AdminContext & ProtectedContext;

/** Images the tagger labelled sensitive that no admin has reviewed, oldest first, with how many wait. */
export async function moderationQueue(ctx: Admin, input: ModerationQueueInput) {
  const { items, nextCursor, waiting } = await imageModeration.queue(ctx.db, input);
  return {
    items: items.map((row) => ({
      id: row.id,
      title: row.title,
      owner: { username: row.owner_username },
      visibility: row.visibility,
      width: row.width ?? 0,
      height: row.height ?? 0,
      // Signed whatever the visibility: the admin must see what it judges.
      thumbUrl: ctx.catalogue.urls({ id: row.id, visibility: 'private', version: row.version }).thumb.webp,
      createdAt: row.created_at.toISOString(),
    })),
    nextCursor,
    waiting,
  };
}

/** Approve: into feeds as usual. Hide: seen by its owner only, everywhere (feeds, search, its page, its files). */
export async function moderate(ctx: Admin, input: ModerateInput) {
  await ctx.db.transaction((tx) => imageModeration.review(tx, input.imageId, input.decision, ctx.viewer.id));
  ctx.wakeRelay();
  ctx.logger.warn({ imageId: input.imageId, decision: input.decision, by: ctx.viewer.id }, 'admin: image moderated');
  return { imageId: input.imageId, decision: input.decision };
}
