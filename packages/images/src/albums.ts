import type { Queryable } from '@glimpse/database';
import { GlimpseError } from '@glimpse/errors';
import { decodeCursor, page } from './paging';
import type { ImageRow, Visibility } from './types';
import { albumVisibleWhere, isAlbumVisible, visibleWhere } from './visibility';

/**
 * Albums: a user's own images in an order they choose, shared like an image (public,
 * unlisted, private). The album tables are joined to images at every read, so their SQL
 * lives beside the image repository; what an album shows is filtered by the one
 * visibility rule, image by image (`link`: what the viewer could open by its id).
 */
export interface AlbumRow {
  id: string;
  owner_id: string;
  owner_username: string;
  title: string;
  description: string;
  visibility: Visibility;
  cover_image_id: string | null;
  created_at: Date;
  updated_at: Date;
}

/** An album with what the viewer may see of it: how many images, and the one on its cover. */
export interface AlbumSummaryRow extends AlbumRow {
  image_count: number;
  /** The chosen cover if the viewer may see it, else the first image they may see; null when none. */
  cover_id: string | null;
}

export interface NewAlbum {
  id: string;
  ownerId: string;
  title: string;
  description: string;
  visibility: Visibility;
}

export interface AlbumChange {
  title?: string;
  description?: string;
  visibility?: Visibility;
  /** An image of the album; null goes back to the first image. */
  coverImageId?: string | null;
}

/** Room between neighbours, so a move writes one row; renumbered when a gap runs out. */
const GAP = 1024;

const ALBUM_COLUMNS = `a.id, a.owner_id, u.username AS owner_username, a.title, a.description, a.visibility, a.cover_image_id, a.created_at, a.updated_at`;
const ALBUM_FROM = 'albums a JOIN users u ON u.id = a.owner_id';
const IMAGE_COLUMNS = `i.id, i.owner_id, u.username AS owner_username, i.title, i.description, i.visibility, i.status,
  i.failure_reason, i.tagging_status, i.original_key, i.original_mime, i.width, i.height, i.animated, i.placeholder,
  i.dominant_color, i.perceptual_hash, i.camera, i.variants, i.like_count, i.view_count, i.moderation, i.created_at`;

const albumMissing = (albumId: string) => new GlimpseError('ALBUM_NOT_FOUND', `No album ${albumId} exists, or you may not see it.`, 'albumId');

async function findAlbum(tx: Queryable, albumId: string): Promise<AlbumRow | undefined> {
  return (await tx.query<AlbumRow>(`SELECT ${ALBUM_COLUMNS} FROM ${ALBUM_FROM} WHERE a.id = $1`, [albumId]))[0];
}

/** Keyset cursors over an album's order (position, image id). */
const encodeAlbumCursor = (position: number, imageId: string) => Buffer.from(JSON.stringify({ p: position, i: imageId })).toString('base64url');
function decodeAlbumCursor(cursor: string): { position: number; imageId: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    // falls through to the error below
  }
  const { p, i } = (parsed ?? {}) as { p?: unknown; i?: unknown };
  if (typeof p !== 'number' || !Number.isSafeInteger(p) || typeof i !== 'string' || !/^[0-9a-f-]{36}$/.test(i)) {
    throw new GlimpseError('INVALID_INPUT', 'cursor: not a cursor this API returned; start again without one', 'cursor');
  }
  return { position: p, imageId: i };
}

export const albumReads = {
  /** The album if `viewerId` may open it (its owner, or anyone with the link unless private); NOT_FOUND otherwise, never FORBIDDEN. */
  async findVisible(tx: Queryable, albumId: string, viewerId: string | null): Promise<AlbumRow> {
    const album = await findAlbum(tx, albumId);
    if (!album || !isAlbumVisible(album, viewerId, 'link')) throw albumMissing(albumId);
    return album;
  },

  /**
   * The album if `ownerId` owns it. Someone who may see it but does not own it is told so
   * (FORBIDDEN reveals nothing they could not open); anyone else gets NOT_FOUND.
   */
  async findOwned(tx: Queryable, albumId: string, ownerId: string): Promise<AlbumRow> {
    const album = await findAlbum(tx, albumId);
    if (album && album.owner_id === ownerId) return album;
    if (album && isAlbumVisible(album, ownerId, 'link')) throw new GlimpseError('NOT_ALLOWED', `Album ${albumId} is not yours: only its owner may change it.`, 'albumId');
    throw albumMissing(albumId);
  },

  /** A page of `ownerId`'s albums, newest first: all of them for the owner, the public ones for anyone else. */
  async listOf(tx: Queryable, ownerId: string, viewerId: string | null, request: { cursor?: string; limit: number }) {
    const after = request.cursor ? decodeCursor(request.cursor) : undefined;
    const params: unknown[] = [ownerId, viewerId];
    const where = ['a.owner_id = $1', albumVisibleWhere('listed', '$2')];
    if (after) where.push(`(a.created_at, a.id) < ($${params.push(after.createdAt)}::timestamptz, $${params.push(after.id)}::uuid)`);
    const rows = await tx.query<AlbumRow>(
      `SELECT ${ALBUM_COLUMNS} FROM ${ALBUM_FROM} WHERE ${where.join(' AND ')} ORDER BY a.created_at DESC, a.id DESC LIMIT $${params.push(request.limit + 1)}`,
      params,
    );
    return page(rows, request.limit);
  },

  /** How many of each album's images `viewerId` may see, and its cover among them. */
  async summarize(tx: Queryable, albums: AlbumRow[], viewerId: string | null): Promise<AlbumSummaryRow[]> {
    if (albums.length === 0) return [];
    const visible = visibleWhere('link', '$2');
    const rows = await tx.query<{ id: string; image_count: number | string; cover_id: string | null }>(
      `SELECT a.id,
         (SELECT count(*) FROM album_images ai JOIN images i ON i.id = ai.image_id WHERE ai.album_id = a.id AND ${visible}) AS image_count,
         COALESCE(
           (SELECT i.id FROM album_images ai JOIN images i ON i.id = ai.image_id WHERE ai.album_id = a.id AND ai.image_id = a.cover_image_id AND ${visible}),
           (SELECT i.id FROM album_images ai JOIN images i ON i.id = ai.image_id WHERE ai.album_id = a.id AND ${visible} ORDER BY ai.position, ai.image_id LIMIT 1)
         ) AS cover_id
       FROM albums a WHERE a.id = ANY($1::uuid[])`,
      [albums.map((album) => album.id), viewerId],
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    return albums.map((album) => ({ ...album, image_count: Number(byId.get(album.id)?.image_count ?? 0), cover_id: byId.get(album.id)?.cover_id ?? null }));
  },

  /** A page of the album's images in its order, only those `viewerId` may see. */
  async imagesOf(tx: Queryable, albumId: string, viewerId: string | null, request: { cursor?: string; limit: number }) {
    const after = request.cursor ? decodeAlbumCursor(request.cursor) : undefined;
    const params: unknown[] = [albumId, viewerId];
    const where = ['ai.album_id = $1', visibleWhere('link', '$2')];
    if (after) where.push(`(ai.position, ai.image_id) > ($${params.push(after.position)}::int8, $${params.push(after.imageId)}::uuid)`);
    const rows = await tx.query<ImageRow & { position: number | string }>(
      `SELECT ${IMAGE_COLUMNS}, ai.position FROM album_images ai JOIN images i ON i.id = ai.image_id JOIN users u ON u.id = i.owner_id
       WHERE ${where.join(' AND ')} ORDER BY ai.position, ai.image_id LIMIT $${params.push(request.limit + 1)}`,
      params,
    );
    const items = rows.slice(0, request.limit);
    const last = items.at(-1);
    return { items: items.map(({ position: _position, ...row }) => row as ImageRow), nextCursor: rows.length > request.limit && last ? encodeAlbumCursor(Number(last.position), last.id) : null };
  },

  /** Every image id in the album in its order (any state): what a reorder must name. */
  async memberIds(tx: Queryable, albumId: string): Promise<string[]> {
    return (await tx.query<{ image_id: string }>('SELECT image_id FROM album_images WHERE album_id = $1 ORDER BY position, image_id', [albumId])).map((row) => row.image_id);
  },
};

export const albumWrites = {
  async create(tx: Queryable, album: NewAlbum) {
    const now = new Date();
    await tx.query('INSERT INTO albums (id, owner_id, title, description, visibility, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)', [
      album.id,
      album.ownerId,
      album.title,
      album.description,
      album.visibility,
      now,
    ]);
  },

  async update(tx: Queryable, albumId: string, change: AlbumChange) {
    if (change.coverImageId) {
      const inAlbum = await tx.query('SELECT 1 FROM album_images WHERE album_id = $1 AND image_id = $2', [albumId, change.coverImageId]);
      if (inAlbum.length === 0) throw new GlimpseError('INVALID_INPUT', `coverImageId: image ${change.coverImageId} is not in this album; add it first.`, 'coverImageId');
    }
    await tx.query(
      `UPDATE albums SET title = COALESCE($2, title), description = COALESCE($3, description), visibility = COALESCE($4, visibility),
         cover_image_id = CASE WHEN $5::bool THEN $6::uuid ELSE cover_image_id END, updated_at = now() WHERE id = $1`,
      [albumId, change.title ?? null, change.description ?? null, change.visibility ?? null, change.coverImageId !== undefined, change.coverImageId ?? null],
    );
  },

  /** Removes the album and its list; the images stay. */
  async delete(tx: Queryable, albumId: string) {
    await tx.query('DELETE FROM album_images WHERE album_id = $1', [albumId]);
    await tx.query('DELETE FROM albums WHERE id = $1', [albumId]);
  },

  /**
   * Appends these images, in this order, after the album's last; those already in it stay
   * where they are. Every one must be a live image of `ownerId` (IMAGE_NOT_FOUND naming the
   * first that is not). Returns how many were added.
   */
  async addImages(tx: Queryable, albumId: string, ownerId: string, imageIds: readonly string[]): Promise<number> {
    const owned = new Set(
      (await tx.query<{ id: string }>('SELECT id FROM images WHERE id = ANY($1::uuid[]) AND owner_id = $2 AND deleted_at IS NULL', [imageIds, ownerId])).map((row) => row.id),
    );
    const stranger = imageIds.find((id) => !owned.has(id));
    if (stranger) throw new GlimpseError('IMAGE_NOT_FOUND', `imageIds: no image ${stranger} of yours exists; only your own images go in your albums.`, 'imageIds');
    const [last] = await tx.query<{ last: number | string | null }>('SELECT max(position) AS last FROM album_images WHERE album_id = $1', [albumId]);
    const added = await tx.query(
      `INSERT INTO album_images (album_id, image_id, position)
       SELECT $1, o.id, $3::int8 + o.n * ${GAP} FROM unnest($2::uuid[]) WITH ORDINALITY AS o (id, n)
       ON CONFLICT (album_id, image_id) DO NOTHING RETURNING image_id`,
      [albumId, [...new Set(imageIds)], Number(last?.last ?? 0)],
    );
    await touch(tx, albumId);
    return added.length;
  },

  /** Takes these images out of the album (not out of the library); the cover falls back to the first when it was one of them. */
  async removeImages(tx: Queryable, albumId: string, imageIds: readonly string[]): Promise<number> {
    const removed = await tx.query('DELETE FROM album_images WHERE album_id = $1 AND image_id = ANY($2::uuid[]) RETURNING image_id', [albumId, imageIds]);
    await tx.query('UPDATE albums SET cover_image_id = NULL WHERE id = $1 AND cover_image_id = ANY($2::uuid[])', [albumId, imageIds]);
    await touch(tx, albumId);
    return removed.length;
  },

  /** Puts the album in exactly this order; `imageIds` must name every image in it once. */
  async reorder(tx: Queryable, albumId: string, imageIds: readonly string[]) {
    const members = await albumReads.memberIds(tx, albumId);
    const given = new Set(imageIds);
    const memberSet = new Set(members);
    const stranger = imageIds.find((id) => !memberSet.has(id));
    if (stranger) throw new GlimpseError('INVALID_INPUT', `imageIds: image ${stranger} is not in this album.`, 'imageIds');
    if (given.size !== imageIds.length) throw new GlimpseError('INVALID_INPUT', `imageIds: an image is named more than once.`, 'imageIds');
    const left = members.find((id) => !given.has(id));
    if (left) throw new GlimpseError('INVALID_INPUT', `imageIds: image ${left} of this album is missing; name every image of the album once (or use move).`, 'imageIds');
    await renumber(tx, albumId, imageIds);
    await touch(tx, albumId);
  },

  /** Moves one image of the album before another one, or to the end when `beforeImageId` is null. */
  async move(tx: Queryable, albumId: string, imageId: string, beforeImageId: string | null) {
    const positions = new Map(
      (await tx.query<{ image_id: string; position: number | string }>('SELECT image_id, position FROM album_images WHERE album_id = $1 ORDER BY position, image_id', [albumId])).map((row) => [
        row.image_id,
        Number(row.position),
      ]),
    );
    if (!positions.has(imageId)) throw new GlimpseError('INVALID_INPUT', `imageId: image ${imageId} is not in this album.`, 'imageId');
    if (beforeImageId !== null && !positions.has(beforeImageId)) throw new GlimpseError('INVALID_INPUT', `beforeImageId: image ${beforeImageId} is not in this album.`, 'beforeImageId');
    if (beforeImageId === imageId) return;
    const order = [...positions.keys()].filter((id) => id !== imageId);
    const at = beforeImageId === null ? order.length : order.indexOf(beforeImageId);
    const previous = at > 0 ? positions.get(order[at - 1]!)! : null;
    const next = at < order.length ? positions.get(order[at]!)! : null;
    const position = next === null ? (previous ?? 0) + GAP : previous === null ? next - GAP : next - previous > 1 ? Math.floor((previous + next) / 2) : null;
    if (position === null) {
      order.splice(at, 0, imageId);
      await renumber(tx, albumId, order);
    } else {
      await tx.query('UPDATE album_images SET position = $3 WHERE album_id = $1 AND image_id = $2', [albumId, imageId, position]);
    }
    await touch(tx, albumId);
  },
};

async function renumber(tx: Queryable, albumId: string, orderedIds: readonly string[]) {
  await tx.query(
    `UPDATE album_images SET position = o.n * ${GAP} FROM unnest($2::uuid[]) WITH ORDINALITY AS o (id, n)
     WHERE album_images.album_id = $1 AND album_images.image_id = o.id`,
    [albumId, orderedIds],
  );
}

const touch = (tx: Queryable, albumId: string) => tx.query('UPDATE albums SET updated_at = now() WHERE id = $1', [albumId]);
