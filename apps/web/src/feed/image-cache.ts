import type { QueryClient, QueryKey } from '@tanstack/react-query';
import { trpc } from '../api/queries';

export interface LikeState {
  liked: boolean;
  likeCount: number;
}

/** Every cached answer that can hold an image's card: feeds, the image page, similar photos, search hits. */
const imageQueries = () => [trpc.feed.pathFilter(), trpc.search.images.pathFilter()];

/**
 * `value` with the image's like count (and, on its detail, whether the viewer likes it) set
 * wherever the image appears: in pages of items or hits, in a list of similar photos, as a
 * detail. Untouched parts keep their identity, so lists without the image do not re-render.
 */
function withLike(value: unknown, imageId: string, like: LikeState): unknown {
  if (Array.isArray(value)) {
    const next = value.map((item) => withLike(item, imageId, like));
    return next.some((item, index) => item !== value[index]) ? next : value;
  }
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (record.id === imageId && typeof record.likeCount === 'number') {
    return { ...record, likeCount: like.likeCount, ...('likedByViewer' in record && { likedByViewer: like.liked }) };
  }
  let changed = false;
  const next: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(record)) {
    next[key] = withLike(field, imageId, like);
    changed ||= next[key] !== field;
  }
  return changed ? next : value;
}

export type CacheSnapshot = Array<[QueryKey, unknown]>;

/** Shows `like` for the image in every cached list and page; returns what was there before, to put back on failure. */
export function setLikeEverywhere(queryClient: QueryClient, imageId: string, like: LikeState): CacheSnapshot {
  const before: CacheSnapshot = [];
  for (const filter of imageQueries()) {
    before.push(...queryClient.getQueriesData(filter));
    queryClient.setQueriesData(filter, (data: unknown) => (data === undefined ? undefined : withLike(data, imageId, like)));
  }
  return before;
}

export function restore(queryClient: QueryClient, snapshot: CacheSnapshot) {
  for (const [key, data] of snapshot) queryClient.setQueryData(key, data);
}

/**
 * In-flight refreshes could land after an optimistic change and undo it: stop them first.
 * A first load (nothing cached yet) goes on: it has nothing to undo, and stopping it would
 * leave its list empty.
 */
export async function cancelImageQueries(queryClient: QueryClient) {
  await Promise.all(imageQueries().map((filter) => queryClient.cancelQueries({ ...filter, predicate: (query) => query.state.data !== undefined })));
}

/** Likes change the order of these lists: they are fetched again when next shown. */
export function invalidateLikeOrderedLists(queryClient: QueryClient) {
  return Promise.all([
    queryClient.invalidateQueries(trpc.feed.popular.pathFilter()),
    queryClient.invalidateQueries(trpc.feed.forYou.pathFilter()),
    queryClient.invalidateQueries(trpc.search.images.pathFilter()),
  ]);
}

/** An upload became ready, was edited or deleted: every list of images and the owner's own lists are fetched again. */
export function invalidateImageLists(queryClient: QueryClient) {
  return Promise.all([
    queryClient.invalidateQueries(trpc.feed.pathFilter()),
    queryClient.invalidateQueries(trpc.search.pathFilter()),
    queryClient.invalidateQueries(trpc.upload.mine.pathFilter()),
    queryClient.invalidateQueries(trpc.upload.quota.pathFilter()),
  ]);
}
