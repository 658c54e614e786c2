import { GlimpseError } from '@glimpse/errors';
import { decodeOffset, encodeOffset, imageReads, staticImagePath, type ImageRow } from '@glimpse/images';
import type { FeedContext } from './trpc';
import type { PageInput, SimilarInput, UserInput } from './feed.schema';

/** The newest public images everyone sees alike. */
export async function latest(ctx: FeedContext, input: PageInput) {
  const { items, nextCursor } = await imageReads.list(ctx.reads, { audience: 'feed', viewerId: null }, input);
  return { items: await ctx.catalogue.cards(ctx.reads, items), nextCursor };
}

/** One user's gallery: public images, or all of their ready ones for the owner. */
export async function user(ctx: FeedContext, input: UserInput) {
  const owner = await imageReads.ownerNamed(ctx.reads, input.username);
  if (!owner) throw new GlimpseError('USER_NOT_FOUND', `No user named "${input.username}".`, 'username');
  const { items, nextCursor } = await imageReads.list(ctx.reads, { audience: 'feed', viewerId: ctx.viewer?.id ?? null, ownerId: owner.id }, input);
  const profile = {
    username: owner.username,
    displayName: owner.display_name,
    bio: owner.bio,
    avatarUrl: owner.avatar_image_id ? staticImagePath(owner.avatar_image_id, 'thumb', 'webp') : null,
    joinedAt: owner.created_at.toISOString(),
  };
  return { items: await ctx.catalogue.cards(ctx.reads, items), nextCursor, user: profile };
}

/** Popularity with time decay (the recommender); most liked from the database when it cannot or has nothing yet. */
export async function popular(ctx: FeedContext, input: PageInput) {
  const offset = decodeOffset(input.cursor);
  const asked = await fromRecommender(ctx, () => ctx.recommender.popular(input.limit + 1, offset));
  const ranked = asked?.length ? asked : await imageReads.mostLikedIds(ctx.reads, input.limit + 1, offset);
  const rows = await imageReads.visibleInOrder(ctx.reads, ranked.slice(0, input.limit), ctx.viewer?.id ?? null, 'feed');
  return { items: await ctx.catalogue.cards(ctx.reads, rows), nextCursor: ranked.length > input.limit ? encodeOffset(offset + input.limit) : null };
}

/**
 * Personalised for the signed-in user. What they liked in the last half hour counts at
 * once (the recommender learns of it through the queue, a moment later): images sharing
 * those tags come first. Then the recommender's ranking, or the most liked when it cannot
 * answer. Never an image the viewer owns or already liked, on any path.
 *
 * Pages are slices of one deterministic list, so paging neither repeats nor skips.
 */
export async function forYou(ctx: FeedContext & { viewer: { id: string } }, input: PageInput) {
  const offset = decodeOffset(input.cursor);
  const wanted = offset + input.limit + 1;
  const viewerId = ctx.viewer.id;
  const [fresh, ranked] = await Promise.all([
    imageReads.likedTagAffinity(ctx.db, viewerId, RECENT_LIKES_SECONDS, 48),
    fromRecommender(ctx, () => ctx.recommender.recommend(viewerId, wanted + SLACK, 0)),
  ]);
  // A new user (no likes yet) or no recommender: the most liked, which are not theirs either.
  const base = ranked?.length ? ranked : await imageReads.mostLikedIds(ctx.db, wanted + SLACK, 0, viewerId);
  const excluded = await imageReads.ownedOrLikedBy(ctx.db, viewerId, base);
  const list = [...new Set([...fresh, ...base.filter((id) => !excluded.has(id))])];
  const rows = await imageReads.visibleInOrder(ctx.db, list.slice(offset, offset + input.limit), viewerId, 'feed');
  return { items: await ctx.catalogue.cards(ctx.db, rows), nextCursor: list.length > offset + input.limit ? encodeOffset(offset + input.limit) : null };
}

/** Likes newer than this shape forYou from the database, before the recommender has them. */
const RECENT_LIKES_SECONDS = 30 * 60;
/** Extra candidates asked of the recommender, for those filtered out as owned or liked. */
const SLACK = 24;

/**
 * Images like this one: the recommender's neighbours (likes that co-occur, shared labels),
 * blended with what the database knows for certain (shared tags, a close perceptual hash).
 */
export async function similar(ctx: FeedContext, input: SimilarInput) {
  const row: ImageRow = await imageReads.findVisible(ctx.reads, input.imageId, ctx.viewer?.id ?? null);
  const neighbours = (await fromRecommender(ctx, () => ctx.recommender.similar(row.id, input.limit * 2))) ?? [];
  const score = new Map<string, number>();
  neighbours.forEach((id, rank) => score.set(id, (score.get(id) ?? 0) + 2 / (rank + 1)));
  await imageReads.scoreSimilar(ctx.reads, row, score);
  score.delete(row.id);
  const ids = [...score.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, input.limit)
    .map(([id]) => id);
  return { items: await ctx.catalogue.cards(ctx.reads, await imageReads.visibleInOrder(ctx.reads, ids, ctx.viewer?.id ?? null, 'feed')) };
}

/** Asks the recommender; when it cannot answer, logs it and lets the caller fall back to the database. */
async function fromRecommender(ctx: FeedContext, ask: () => Promise<string[]>): Promise<string[] | undefined> {
  try {
    return await ask();
  } catch (error) {
    ctx.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'feed: recommender unavailable; falling back to the database');
    return undefined;
  }
}
