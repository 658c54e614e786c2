import type { Queryable } from '@glimpse/database';
import { GlimpseError } from '@glimpse/errors';
import { QUEUES, type JobPriority } from '@glimpse/job-queue';
import { enqueueJob } from '@glimpse/outbox';
import type { ImageEdit } from './edits';
import { syncFeedLikeCount, syncFeedTags } from './feed-tags';
import { hammingDistance } from './perceptual-hash';
import { decodeCursor, page } from './paging';
import type { ImageRow, ImageStatus, ImageTag, VariantRecord, Visibility } from './types';
import { isVisible, visibleWhere, type Audience } from './visibility';

/**
 * Every query on images, their tags, likes, views and events: nothing outside this package
 * writes SQL on those tables. Functions take the connection or transaction to run on, so
 * callers compose them into one transaction; none opens its own.
 */
export const COLUMNS = `i.id, i.owner_id, u.username AS owner_username, i.title, i.description, i.visibility, i.status,
  i.failure_reason, i.tagging_status, i.original_key, i.original_mime, i.width, i.height, i.animated, i.placeholder,
  i.dominant_color, i.perceptual_hash, i.camera, i.variants, i.like_count, i.view_count, i.moderation, i.created_at,
  i.version, i.edits, i.edits_version, i.edit_failure, i.original_width, i.original_height, i.hidden_at IS NOT NULL AS hidden`;
export const FROM = 'images i JOIN users u ON u.id = i.owner_id';

/** Which images a keyset page lists, newest first. */
export type ListScope =
  /** What `viewerId` may see in a feed (`null`: the public feed everyone sees alike), optionally of one owner. */
  | { audience: Audience; viewerId: string | null; ownerId?: string }
  /** Every live image of this owner, in any state (their uploads). */
  | { uploadsOf: string };

export interface PageRequest {
  cursor?: string;
  limit: number;
}

/** Ids from the engines (the recommender, the search index) are derived data: anything not an image id is dropped, never sent to SQL. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const imageIdsOnly = (ids: readonly string[]) => ids.filter((id) => UUID.test(id));

function uuidArrayLiteral(ids: readonly string[]): string {
  for (const id of ids) if (!UUID.test(id)) throw new Error(`Not an image id (expected a UUID): ${JSON.stringify(id)}`);
  return `{${ids.join(',')}}`;
}
/** forYou: the latest likes within the window that shape it (as the recommender's context size). */
const RECENT_LIKES = 10;
/** forYou: the tags that count, those most of the recent likes carry first. */
const TASTE_TAGS = 16;
/** forYou: how many of each liked tag's most liked feed images are candidates. */
const TASTE_CANDIDATES = 24;
/** similar: how many of each of the image's tags' most liked feed images are candidates. */
const TAG_CANDIDATES = 24;
/** similar: the owner's shots on either side of the image, compared by hash (bursts). */
const BURST = 12;

const missing = (imageId: string) => new GlimpseError('IMAGE_NOT_FOUND', `No image ${imageId} exists, or you may not see it.`, 'imageId');

async function find(tx: Queryable, imageId: string): Promise<ImageRow | undefined> {
  return (await tx.query<ImageRow>(`SELECT ${COLUMNS} FROM ${FROM} WHERE i.id = $1 AND i.deleted_at IS NULL`, [imageId]))[0];
}

export const imageReads = {
  find,

  /** The image if `viewerId` may open it (`link`); NOT_FOUND otherwise (never FORBIDDEN, to not reveal it exists). */
  async findVisible(tx: Queryable, imageId: string, viewerId: string | null, audience: Audience = 'link'): Promise<ImageRow> {
    const row = await find(tx, imageId);
    if (row && isVisible(row, viewerId, audience)) return row;
    if (row && viewerId === row.owner_id && row.status !== 'ready') {
      throw new GlimpseError('IMAGE_NOT_FOUND', `Image ${imageId} is ${row.status === 'failed' ? 'failed' : 'still being processed'}.`, 'imageId');
    }
    throw missing(imageId);
  },

  /** The live image if `ownerId` owns it, in any state; NOT_FOUND otherwise. */
  async findOwned(tx: Queryable, imageId: string, ownerId: string): Promise<ImageRow> {
    const row = await find(tx, imageId);
    if (!row || row.owner_id !== ownerId) throw missing(imageId);
    return row;
  },

  /** A page of images newest first, keyed by (created_at, id); `cursor` is the previous page's `nextCursor`. */
  async list(tx: Queryable, scope: ListScope, request: PageRequest) {
    const after = request.cursor ? decodeCursor(request.cursor) : undefined;
    const params: unknown[] = [];
    const add = (value: unknown) => `$${params.push(value)}`;
    const where =
      'uploadsOf' in scope
        ? [`i.owner_id = ${add(scope.uploadsOf)}`, 'i.deleted_at IS NULL']
        : [visibleWhere(scope.audience, scope.viewerId === null ? null : add(scope.viewerId)), ...(scope.ownerId ? [`i.owner_id = ${add(scope.ownerId)}`] : [])];
    if (after) where.push(`(i.created_at, i.id) < (${add(after.createdAt)}::timestamptz, ${add(after.id)}::uuid)`);
    const rows = await tx.query<ImageRow>(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE ${where.join(' AND ')} ORDER BY i.created_at DESC, i.id DESC LIMIT ${add(request.limit + 1)}`,
      params,
    );
    return page(rows, request.limit);
  },

  /** Rows for `ids` in that order, dropping any `viewerId` may not see (engines hold derived data that can lag). */
  async visibleInOrder(tx: Queryable, ids: readonly string[], viewerId: string | null, audience: Audience): Promise<ImageRow[]> {
    const valid = imageIdsOnly(ids);
    if (valid.length === 0) return [];
    const rows = await tx.query<ImageRow>(`SELECT ${COLUMNS} FROM ${FROM} WHERE i.id = ANY($1::uuid[]) AND ${visibleWhere(audience, '$2')}`, [valid, viewerId]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  },

  /**
   * Feed images by likes, then newest: what popular and forYou answer when the recommender
   * cannot. `forViewer` leaves out that viewer's own images and those they already liked.
   */
  async mostLikedIds(tx: Queryable, limit: number, offset: number, forViewer?: string): Promise<string[]> {
    const rows = await tx.query<{ id: string }>(
      `SELECT i.id FROM images i WHERE ${visibleWhere('feed', null)}
       ${forViewer ? 'AND i.owner_id <> $3 AND NOT EXISTS (SELECT 1 FROM likes l WHERE l.user_id = $3 AND l.image_id = i.id)' : ''}
       ORDER BY i.like_count DESC, i.created_at DESC, i.id DESC LIMIT $1 OFFSET $2`,
      forViewer ? [limit, offset, forViewer] : [limit, offset],
    );
    return rows.map((row) => row.id);
  },

  /** Of `ids`, those `userId` owns or has liked: never recommended back to them. */
  async ownedOrLikedBy(tx: Queryable, userId: string, candidates: readonly string[]): Promise<Set<string>> {
    const ids = imageIdsOnly(candidates);
    if (ids.length === 0) return new Set();
    const rows = await tx.query<{ id: string }>(
      `SELECT i.id FROM images i WHERE i.id = ANY($2::uuid[])
         AND (i.owner_id = $1 OR EXISTS (SELECT 1 FROM likes l WHERE l.user_id = $1 AND l.image_id = i.id))`,
      [userId, ids],
    );
    return new Set(rows.map((row) => row.id));
  },

  /**
   * Feed images sharing tags with what `userId` liked in the last `withinSeconds`, most
   * shared tags first, then most liked, never their own or already liked: their latest
   * taste, straight from the database (the recommender hears of likes through the queue, a
   * moment later).
   *
   * Bounded at any size: the latest RECENT_LIKES likes count, TASTE_TAGS of their tags
   * (those most of them carry first), and each tag offers
   * its TASTE_CANDIDATES most liked feed images not the viewer's (feed_tags; every image of all
   * but the commoner tags); those candidates, less the ones already liked, are ranked by
   * their exact shared tags. What it leaves out is an image that is among the less liked of
   * every common tag it shares.
   */
  async likedTagAffinity(tx: Queryable, userId: string, withinSeconds: number, limit: number): Promise<string[]> {
    // Three short queries rather than one: each is a handful of index lookups whatever the
    // planner estimates (one statement let it walk every row of a common tag).
    const tags = (
      await tx.query<{ tag: string }>(
        `SELECT t.tag FROM (
           SELECT l.image_id FROM likes l WHERE l.user_id = $1 AND l.created_at > now() - ($2 * interval '1 second')
           ORDER BY l.created_at DESC LIMIT ${RECENT_LIKES}
         ) r JOIN image_tags t ON t.image_id = r.image_id
         GROUP BY t.tag ORDER BY count(DISTINCT r.image_id) DESC, t.tag LIMIT ${TASTE_TAGS}`,
        [userId, withinSeconds],
      )
    ).map((row) => row.tag);
    if (tags.length === 0) return [];
    const candidates = await tx.query<{ image_id: string; like_count: number; created_at: Date }>(
      `SELECT DISTINCT c.image_id, c.like_count, c.created_at FROM unnest($2::text[]) AS lt (tag) CROSS JOIN LATERAL (
         SELECT f.image_id, f.like_count, f.created_at FROM feed_tags f WHERE f.tag = lt.tag AND f.owner_id <> $1
         ORDER BY f.like_count DESC, f.created_at DESC, f.image_id DESC LIMIT ${TASTE_CANDIDATES}
       ) c`,
      [userId, tags],
    );
    // "tag || ''": look the candidates up by key and filter their few tags, rather than walk
    // the liked tags' whole lists through the tag index (which the planner may think cheaper).
    const shared = await tx.query<{ image_id: string; shared: number }>(
      `SELECT f.image_id, count(*) AS shared FROM feed_tags f
       WHERE f.image_id = ANY($2::uuid[]) AND f.tag || '' = ANY($3::text[])
         AND NOT EXISTS (SELECT 1 FROM likes l WHERE l.user_id = $1 AND l.image_id = f.image_id)
       GROUP BY f.image_id`,
      [userId, candidates.map((c) => c.image_id), tags],
    );
    const sharedBy = new Map(shared.map((row) => [row.image_id, Number(row.shared)]));
    return candidates
      .filter((c) => sharedBy.has(c.image_id))
      .sort((a, b) => sharedBy.get(b.image_id)! - sharedBy.get(a.image_id)! || b.like_count - a.like_count || b.created_at.getTime() - a.created_at.getTime() || (a.image_id < b.image_id ? 1 : -1))
      .slice(0, limit)
      .map((c) => c.image_id);
  },

  /**
   * Feed images like `row` by what the database knows for certain: shared tags and a close
   * perceptual hash (the same photo re-encoded, cropped a little, or a burst of shots).
   * Scores are added to `score` (id → score), so callers blend them with other evidence.
   *
   * Candidates, bounded at any size: the TAG_CANDIDATES most liked feed images of each of its
   * tags (feed_tags), images whose hash agrees on a quarter with its own (every one within 3
   * bits; indexed), and the owner's shots taken just before and after it (bursts).
   */
  async scoreSimilar(tx: Queryable, row: Pick<ImageRow, 'id' | 'perceptual_hash' | 'owner_id' | 'created_at'>, score: Map<string, number>): Promise<void> {
    const hash = row.perceptual_hash && /^[0-9a-f]{16}$/i.test(row.perceptual_hash) ? row.perceptual_hash.toLowerCase() : null;
    const feed = visibleWhere('feed', null);
    const byHash = hash
      ? `UNION SELECT i.id FROM images i WHERE ${feed} AND (${[1, 5, 9, 13].map((from, n) => `substr(i.perceptual_hash, ${from}, 4) = $${n + 4}`).join(' OR ')})
         UNION (SELECT i.id FROM images i WHERE i.owner_id = $2 AND ${feed} AND i.created_at <= $3 ORDER BY i.created_at DESC, i.id DESC LIMIT ${BURST})
         UNION (SELECT i.id FROM images i WHERE i.owner_id = $2 AND ${feed} AND i.created_at > $3 ORDER BY i.created_at, i.id LIMIT ${BURST})`
      : '';
    const candidates = await tx.query<{ id: string; perceptual_hash: string | null; shared: number }>(
      `WITH own_tags AS (SELECT DISTINCT tag FROM image_tags WHERE image_id = $1),
       candidates AS (
         SELECT c.image_id AS id FROM own_tags o CROSS JOIN LATERAL (
           SELECT f.image_id FROM feed_tags f WHERE f.tag = o.tag ORDER BY f.like_count DESC, f.created_at DESC, f.image_id DESC LIMIT ${TAG_CANDIDATES}
         ) c
         ${byHash}
       )
       SELECT i.id, i.perceptual_hash, (SELECT count(*) FROM feed_tags f WHERE f.image_id = i.id AND f.tag IN (SELECT tag FROM own_tags)) AS shared
       FROM images i WHERE i.id IN (SELECT id FROM candidates) AND i.id <> $1 AND ${feed}`,
      hash ? [row.id, row.owner_id, row.created_at, ...[0, 4, 8, 12].map((at) => hash.slice(at, at + 4))] : [row.id],
    );
    for (const candidate of candidates) {
      let value = Number(candidate.shared) * 0.5;
      if (hash && candidate.perceptual_hash) {
        const distance = hammingDistance(hash, candidate.perceptual_hash);
        if (distance <= 10) value += (11 - distance) / 2;
      }
      if (value > 0) score.set(candidate.id, (score.get(candidate.id) ?? 0) + value);
    }
  },

  /** The owner of a gallery, by id. */
  async ownerWithId(tx: Queryable, userId: string) {
    const [owner] = await tx.query<{ id: string; username: string; created_at: Date }>('SELECT id, username, created_at FROM users WHERE id = $1', [userId]);
    return owner;
  },

  /** The owner of a gallery, by username. */
  /** A user by name, with their profile; `avatar_image_id` only while everyone may see that image. */
  async ownerNamed(tx: Queryable, username: string) {
    const [owner] = await tx.query<{ id: string; username: string; created_at: Date; display_name: string | null; bio: string | null; avatar_image_id: string | null }>(
      `SELECT u.id, u.username, u.created_at, u.display_name, u.bio,
              (SELECT i.id FROM images i WHERE i.id = u.avatar_image_id AND ${visibleWhere('link', null)}) AS avatar_image_id
       FROM users u WHERE u.username = $1`,
      [username],
    );
    return owner;
  },

  async tagsOf(tx: Queryable, ids: readonly string[]): Promise<Map<string, ImageTag[]>> {
    const byImage = new Map<string, ImageTag[]>(ids.map((id) => [id, []]));
    if (ids.length === 0) return byImage;
    const rows = await tx.query<ImageTag & { image_id: string }>(
      `SELECT image_id, tag, source, confidence FROM image_tags WHERE image_id = ANY($1::uuid[])
       ORDER BY source DESC, confidence DESC NULLS FIRST, tag`,
      [ids],
    );
    for (const row of rows) byImage.get(row.image_id)?.push({ tag: row.tag, source: row.source, confidence: row.confidence });
    return byImage;
  },

  /** The words the tagger read in the photo (OCR), or null when it read none (or has not looked yet). */
  async photoText(tx: Queryable, imageId: string): Promise<string | null> {
    const [row] = await tx.query<{ text: string | null }>(`SELECT analysis->>'text' AS text FROM images WHERE id = $1`, [imageId]);
    return row?.text?.trim() || null;
  },

  async isLikedBy(tx: Queryable, userId: string, imageId: string): Promise<boolean> {
    return (await tx.query('SELECT 1 FROM likes WHERE user_id = $1 AND image_id = $2', [userId, imageId])).length > 0;
  },

  /** Bytes of originals a user keeps (deleted images no longer count). */
  async storedBytes(tx: Queryable, userId: string): Promise<number> {
    const [row] = await tx.query<{ used: number | string }>(
      'SELECT COALESCE(SUM(original_bytes), 0)::INT8 AS used FROM images WHERE owner_id = $1 AND deleted_at IS NULL',
      [userId],
    );
    return Number(row?.used ?? 0);
  },

  /**
   * Of the images the search engine may not have caught up with, those `viewerId` may not
   * see now: search leaves them out of hits, found and facets. Bounded: the set is only ever
   * the last moments' changes (or the backlog while the engine is down).
   */
  async unsearchableChanges(tx: Queryable, viewerId: string | null): Promise<string[]> {
    const rows = await tx.query<{ image_id: string }>(
      `SELECT p.image_id FROM search_pending p
       WHERE NOT EXISTS (SELECT 1 FROM images i WHERE i.id = p.image_id AND ${visibleWhere('listed', '$1')})
       ORDER BY p.changed_at DESC LIMIT 1000`,
      [viewerId],
    );
    return rows.map((row) => row.image_id);
  },

  /**
   * Who may see each of these live images (owner, visibility, status, moderation), for the
   * static route's batched reads. Ids must be image ids (they go in as a uuid[] literal,
   * which the embedded database takes more cheaply than a bound array).
   */
  async visibilityFactsOf(tx: Queryable, ids: readonly string[]) {
    return tx.query<{ id: string; owner_id: string; visibility: Visibility; status: ImageStatus; moderation: string | null; version: number; hidden: boolean }>(
      'SELECT id, owner_id, visibility, status, moderation, version, hidden_at IS NOT NULL AS hidden FROM images WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL',
      [uuidArrayLiteral(ids)],
    );
  },

  /** The variants of those of these images that are ready, with their version (a version's variants never change). */
  async readyVariantsOf(tx: Queryable, ids: readonly string[]) {
    return tx.query<{ id: string; variants: VariantRecord[]; version: number }>("SELECT id, variants, version FROM images WHERE id = ANY($1::uuid[]) AND status = 'ready'", [uuidArrayLiteral(ids)]);
  },

  /**
   * The owner's live image (any state) whose original has this SHA-256, if any: an exact
   * duplicate of something they already uploaded. The oldest one, when several exist.
   */
  async ownedWithContentHash(tx: Queryable, ownerId: string, contentHash: string): Promise<string | undefined> {
    const [row] = await tx.query<{ id: string }>(
      'SELECT id FROM images WHERE owner_id = $1 AND content_hash = $2 AND deleted_at IS NULL ORDER BY created_at, id LIMIT 1',
      [ownerId, contentHash],
    );
    return row?.id;
  },

  /** The state of each of these images that still exists (for an import's per-entry outcome). */
  async statusesOf(tx: Queryable, ids: readonly string[]): Promise<Map<string, { status: ImageStatus; failureReason: string | null }>> {
    const valid = imageIdsOnly(ids);
    if (valid.length === 0) return new Map();
    const rows = await tx.query<{ id: string; status: ImageStatus; failure_reason: string | null }>(
      'SELECT id, status, failure_reason FROM images WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL',
      [valid],
    );
    return new Map(rows.map((row) => [row.id, { status: row.status, failureReason: row.failure_reason }]));
  },

  /**
   * What an export writes of the owner's live images (all of them, or those among `ids`),
   * oldest first: where the original is and the facts for its sidecar. Others' ids are ignored.
   */
  async exportableOf(tx: Queryable, ownerId: string, ids: readonly string[] | null) {
    const rows = await tx.query<{
      id: string; title: string; description: string; visibility: Visibility; status: ImageStatus; original_key: string; original_mime: string;
      original_bytes: number | string; content_hash: string | null; camera: Record<string, string> | null; created_at: Date; updated_at: Date;
    }>(
      `SELECT id, title, description, visibility, status, original_key, original_mime, original_bytes, content_hash, camera, created_at, updated_at
       FROM images WHERE owner_id = $1 AND deleted_at IS NULL ${ids ? 'AND id = ANY($2::uuid[])' : ''} ORDER BY created_at, id`,
      ids ? [ownerId, imageIdsOnly(ids)] : [ownerId],
    );
    return rows.map((row) => ({ ...row, original_bytes: Number(row.original_bytes) }));
  },

  /** What the static file route needs, by id: live rows only. */
  async variantsOf(tx: Queryable, imageId: string) {
    const [row] = await tx.query<Pick<ImageRow, 'owner_id' | 'visibility' | 'status' | 'variants' | 'version' | 'hidden'> & { moderation: string | null }>(
      'SELECT owner_id, visibility, status, moderation, hidden_at IS NOT NULL AS hidden, variants, version FROM images WHERE id = $1 AND deleted_at IS NULL',
      [imageId],
    );
    return row;
  },
};

export interface NewImage {
  id: string;
  ownerId: string;
  title: string;
  description: string;
  visibility: Visibility;
  originalKey: string;
  originalMime: string;
  originalBytes: number;
  width: number;
  height: number;
  tags: readonly string[];
  /** SHA-256 of the original's bytes (hex): how exact duplicates are found. */
  contentHash?: string;
}

export interface DetailsChange {
  title?: string;
  description?: string;
  visibility?: Visibility;
  /** Replaces the owner's tags when given. */
  tags?: readonly string[];
}

export const imageWrites = {
  /**
   * Asks the indexer to re-sync the image with the search index and the recommender, and
   * marks it pending until the engine confirmed it (`imagePipeline.searchSynced`): search
   * meanwhile checks such images against the database.
   */
  async requestReindex(tx: Queryable, imageId: string, priority: JobPriority = 'normal') {
    await tx.query(
      `INSERT INTO search_pending (image_id, changed_at) VALUES ($1, clock_timestamp())
       ON CONFLICT (image_id) DO UPDATE SET changed_at = excluded.changed_at`,
      [imageId],
    );
    await enqueueJob(tx, QUEUES.indexImages, { imageId }, priority);
  },

  /**
   * The owner's new stack of edits, to be rendered from the original as the next version
   * (the served variants stay until it is ready). Queues the processing job; returns the version.
   */
  async requestEdit(tx: Queryable, imageId: string, edits: readonly ImageEdit[]): Promise<number> {
    const [row] = await tx.query<{ edits_version: number }>(
      `UPDATE images SET edits = $2, edits_version = GREATEST(edits_version, version) + 1, edit_failure = NULL, updated_at = now()
       WHERE id = $1 AND deleted_at IS NULL RETURNING edits_version`,
      [imageId, JSON.stringify(edits)],
    );
    if (!row) throw missing(imageId);
    await enqueueJob(tx, QUEUES.processImages, { imageId });
    return Number(row.edits_version);
  },

  /** An image's history (uploaded, processing, ready, failed, …): for the owner, operators and tests. */
  async recordEvent(tx: Queryable, imageId: string, kind: string, detail?: string) {
    await tx.query('INSERT INTO image_events (image_id, kind, detail) VALUES ($1, $2, $3)', [imageId, kind, detail ?? null]);
  },

  /** A new upload, `pending` until the processor makes its variants. */
  async insertPending(tx: Queryable, image: NewImage) {
    await tx.query(
      `INSERT INTO images (id, owner_id, title, description, visibility, status, original_key, original_mime, original_bytes, width, height, created_at, updated_at, content_hash)
       VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8, $9, $10, $11, $11, $12)`,
      [image.id, image.ownerId, image.title, image.description, image.visibility, image.originalKey, image.originalMime, image.originalBytes, image.width, image.height, new Date(), image.contentHash ?? null],
    );
    await replaceUserTags(tx, image.id, image.tags);
  },

  async updateDetails(tx: Queryable, imageId: string, change: DetailsChange) {
    await tx.query(
      `UPDATE images SET title = COALESCE($2, title), description = COALESCE($3, description),
         visibility = COALESCE($4, visibility), updated_at = now() WHERE id = $1`,
      [imageId, change.title ?? null, change.description ?? null, change.visibility ?? null],
    );
    if (change.tags) await replaceUserTags(tx, imageId, change.tags);
    if (change.tags || change.visibility) await syncFeedTags(tx, imageId);
  },

  /**
   * Takes a wrong machine tag off the image and remembers it, so a re-tagging never brings
   * it back. False when the image has no such machine tag. The caller checks ownership.
   */
  async removeMachineTag(tx: Queryable, imageId: string, tag: string): Promise<boolean> {
    const gone = await tx.query(`DELETE FROM image_tags WHERE image_id = $1 AND source = 'machine' AND tag = $2 RETURNING tag`, [imageId, tag]);
    if (gone.length === 0) return false;
    await tx.query('INSERT INTO machine_tag_removals (image_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING', [imageId, tag]);
    await syncFeedTags(tx, imageId);
    return true;
  },

  /** Hides the image at once; its objects and then the row are removed after (see `purge`). */
  async markDeleted(tx: Queryable, imageId: string) {
    await tx.query('UPDATE images SET deleted_at = now() WHERE id = $1', [imageId]);
    await syncFeedTags(tx, imageId);
    // Out of every album at once (the purge's cascade would take it out later).
    await tx.query('DELETE FROM album_images WHERE image_id = $1', [imageId]);
    await tx.query('UPDATE albums SET cover_image_id = NULL WHERE cover_image_id = $1', [imageId]);
  },

  async purge(tx: Queryable, imageId: string) {
    await tx.query('DELETE FROM images WHERE id = $1', [imageId]);
  },

  /** Likes or unlikes; `changed` is false when it already was so. Returns the new count either way. */
  async setLike(tx: Queryable, userId: string, imageId: string, liked: boolean): Promise<{ changed: boolean; likeCount: number }> {
    const changed = liked
      ? await tx.query('INSERT INTO likes (user_id, image_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING image_id', [userId, imageId])
      : await tx.query('DELETE FROM likes WHERE user_id = $1 AND image_id = $2 RETURNING image_id', [userId, imageId]);
    const [row] = changed.length
      ? await tx.query<{ like_count: number }>('UPDATE images SET like_count = like_count + $2 WHERE id = $1 RETURNING like_count', [imageId, liked ? 1 : -1])
      : await tx.query<{ like_count: number }>('SELECT like_count FROM images WHERE id = $1', [imageId]);
    if (changed.length && row) await syncFeedLikeCount(tx, imageId, Number(row.like_count));
    return { changed: changed.length > 0, likeCount: Number(row?.like_count ?? 0) };
  },

  /**
   * Before an account is deleted (in the same transaction): its own images are hidden and
   * queued for removal from search and the recommender, and its likes come off the counts of
   * the images it liked, which are re-indexed with the new count. Deleting the user row then
   * removes the rows themselves; the sweeper removes the objects no row points to.
   * Returns the ids of the account's own images.
   */
  async forgetOwner(tx: Queryable, userId: string): Promise<string[]> {
    const owned = (await tx.query<{ id: string }>('UPDATE images SET deleted_at = now() WHERE owner_id = $1 AND deleted_at IS NULL RETURNING id', [userId])).map((row) => row.id);
    const liked = (
      await tx.query<{ id: string }>(
        `UPDATE images SET like_count = like_count - 1 WHERE id IN (SELECT image_id FROM likes WHERE user_id = $1) AND owner_id <> $1 RETURNING id`,
        [userId],
      )
    ).map((row) => row.id);
    await tx.query('DELETE FROM likes WHERE user_id = $1', [userId]);
    for (const id of owned) await imageWrites.recordEvent(tx, id, 'deleted', 'the account was deleted');
    for (const id of [...owned, ...liked]) await imageWrites.requestReindex(tx, id);
    return owned;
  },

  /** Counts a view: a signed-in viewer once per image (true the first time); anonymous views always (deduplicated by the caller). */
  async recordView(tx: Queryable, viewerId: string | null, imageId: string): Promise<boolean> {
    if (viewerId) {
      const first = await tx.query('INSERT INTO image_views (user_id, image_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING image_id', [viewerId, imageId]);
      if (first.length === 0) return false;
    }
    await tx.query('UPDATE images SET view_count = view_count + 1 WHERE id = $1', [imageId]);
    return true;
  },
};

async function replaceUserTags(tx: Queryable, imageId: string, tags: readonly string[]) {
  await tx.query(`DELETE FROM image_tags WHERE image_id = $1 AND source = 'user'`, [imageId]);
  for (const tag of tags) await tx.query(`INSERT INTO image_tags (image_id, source, tag) VALUES ($1, 'user', $2)`, [imageId, tag]);
}

export type { ImageStatus };
