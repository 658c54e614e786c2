import { decodeOffset, encodeOffset, imageReads, nearDuplicateGroups, NEAR_DUPLICATE_BITS } from '@glimpse/images';
import type { ProtectedContext } from '@glimpse/http-service';
import type { DuplicatesInput } from './manage.schema';
import type { UploadContext } from './trpc';

/**
 * "Possible duplicates": groups of the signed-in user's own images that look alike
 * (perceptual hashes at most NEAR_DUPLICATE_BITS apart), the group with the newest image
 * first. The owner keeps one and deletes the others through `delete`.
 */
export async function duplicates(ctx: UploadContext & ProtectedContext, input: DuplicatesInput) {
  const offset = decodeOffset(input.cursor);
  const groups = await nearDuplicateGroups(ctx.db, ctx.viewer.id);
  const shown = groups.slice(offset, offset + input.limit);
  const rows = new Map((await imageReads.visibleInOrder(ctx.db, shown.flatMap((group) => group.imageIds), ctx.viewer.id, 'link')).map((row) => [row.id, row]));
  const cards = new Map((await ctx.catalogue.cards(ctx.db, [...rows.values()])).map((card) => [card.id, card]));
  return {
    groups: shown.map((group) => ({ maxDistance: group.maxDistance, images: group.imageIds.flatMap((id) => cards.get(id) ?? []) })),
    /** Hash bits two images may differ by and still be listed together. */
    threshold: NEAR_DUPLICATE_BITS,
    totalGroups: groups.length,
    nextCursor: groups.length > offset + input.limit ? encodeOffset(offset + input.limit) : null,
  };
}
