import type { ImageRow } from './types';

/**
 * The one rule for who may see an image, in two forms that must agree (tested over the
 * whole matrix): `isVisible` for a row in hand, `visibleWhere` for SQL. Every reader of
 * images (feeds, search re-checks, static files, jobs and the recommender feed) uses it.
 *
 * An image is seen only when it is live (not deleted) and ready; then its owner always
 * sees it, and everyone else by audience:
 * - `feed`: listed in feeds and recommendations: public and not labelled sensitive.
 * - `listed`: found by search: public.
 * - `link`: opened by its id (image page, static files, likes, views, similar): not private.
 * An image an admin hid (moderation queue) is seen by its owner only. Hiding also labels it
 * sensitive, so `feed` keeps out hidden images without a word more (its partial indexes,
 * migration 0009, hold this predicate word for word).
 */
export type Audience = 'feed' | 'listed' | 'link';

export type VisibilityFacts = Pick<ImageRow, 'owner_id' | 'visibility' | 'status'> & { moderation?: string | null; hidden?: boolean; deleted?: boolean };

export function isVisible(row: VisibilityFacts, viewerId: string | null, audience: Audience): boolean {
  if (row.deleted || row.status !== 'ready') return false;
  if (viewerId !== null && row.owner_id === viewerId) return true;
  switch (audience) {
    case 'feed':
      return row.visibility === 'public' && row.moderation !== 'sensitive';
    case 'listed':
      return row.visibility === 'public' && !row.hidden;
    case 'link':
      return row.visibility !== 'private' && !row.hidden;
  }
}

const OTHERS_SEE: Record<Audience, (alias: string) => string> = {
  feed: (i) => `${i}.visibility = 'public' AND ${i}.moderation IS DISTINCT FROM 'sensitive'`,
  listed: (i) => `${i}.visibility = 'public' AND ${i}.hidden_at IS NULL`,
  link: (i) => `${i}.visibility <> 'private' AND ${i}.hidden_at IS NULL`,
};

/**
 * The same rule as a SQL condition over `images` aliased `alias`. `viewerParam` is the
 * placeholder holding the viewer's id (`$2`), or null for an anonymous viewer / a list
 * everyone sees alike (the public feeds).
 */
export function visibleWhere(audience: Audience, viewerParam: string | null, alias = 'i'): string {
  const live = `${alias}.deleted_at IS NULL AND ${alias}.status = 'ready'`;
  const others = OTHERS_SEE[audience](alias);
  return viewerParam === null ? `(${live} AND ${others})` : `(${live} AND (${alias}.owner_id = ${viewerParam}::uuid OR (${others})))`;
}

/**
 * Albums follow the same rule as images, without the image's state: the owner always sees
 * their album; others see a `public` one listed (on the owner's page) and opened by link,
 * an `unlisted` one by link only, a `private` one never. What is inside an album is then
 * filtered image by image (`visibleWhere('link', …)`), so an album never shows, counts or
 * uses as its cover an image the viewer may not open.
 */
export type AlbumAudience = Extract<Audience, 'listed' | 'link'>;

export function isAlbumVisible(album: Pick<ImageRow, 'owner_id' | 'visibility'>, viewerId: string | null, audience: AlbumAudience): boolean {
  return isVisible({ ...album, status: 'ready' }, viewerId, audience);
}

/** `isAlbumVisible` as a SQL condition over `albums` aliased `alias` (the viewer's id in `viewerParam`, which may hold null). */
export function albumVisibleWhere(audience: AlbumAudience, viewerParam: string, alias = 'a'): string {
  return `(${alias}.owner_id = ${viewerParam}::uuid OR (${ALBUM_OTHERS_SEE[audience](alias)}))`;
}

// An album has no state, moderation or hiding of its own: only its visibility.
const ALBUM_OTHERS_SEE: Record<AlbumAudience, (alias: string) => string> = {
  listed: (a) => `${a}.visibility = 'public'`,
  link: (a) => `${a}.visibility <> 'private'`,
};
