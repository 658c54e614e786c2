import { randomUUID } from 'node:crypto';
import type { Queryable } from '@glimpse/database';
import { GlimpseError } from '@glimpse/errors';
import { albumReads, albumWrites, imageReads, type AlbumRow, type ImageCard } from '@glimpse/images';
import type { FeedContext } from './trpc';
import type { AlbumImagesInput, AlbumInput, CreateAlbumInput, GetAlbumInput, ListAlbumsInput, MoveInput, ReorderInput, UpdateAlbumInput } from './albums.schema';

type SignedIn = FeedContext & { viewer: { id: string } };

/** An album as its page and the lists show it: only what the viewer may see is counted or on the cover. */
async function present(ctx: FeedContext, albums: AlbumRow[]) {
  const viewerId = ctx.viewer?.id ?? null;
  const summaries = await albumReads.summarize(ctx.reads, albums, viewerId);
  const coverIds = summaries.flatMap((album) => album.cover_id ?? []);
  const covers = new Map<string, ImageCard>((await ctx.catalogue.cards(ctx.reads, await imageReads.visibleInOrder(ctx.reads, coverIds, viewerId, 'link'))).map((card) => [card.id, card]));
  return summaries.map((album) => ({
    id: album.id,
    title: album.title,
    description: album.description,
    visibility: album.visibility,
    owner: { username: album.owner_username },
    isOwner: viewerId === album.owner_id,
    imageCount: album.image_count,
    cover: (album.cover_id && covers.get(album.cover_id)) || null,
    createdAt: album.created_at.toISOString(),
    updatedAt: album.updated_at.toISOString(),
  }));
}

/** Writes go to the primary, and the answer reads it back there (the owner must see their own change). */
async function change<T>(ctx: SignedIn, albumId: string, write: (tx: Queryable) => Promise<T>) {
  const result = await ctx.db.transaction(async (tx) => {
    await albumReads.findOwned(tx, albumId, ctx.viewer.id);
    return write(tx);
  });
  const [album] = await present({ ...ctx, reads: ctx.db }, [await albumReads.findOwned(ctx.db, albumId, ctx.viewer.id)]);
  return { album: album!, result };
}

export async function createAlbum(ctx: SignedIn, input: CreateAlbumInput) {
  const id = randomUUID();
  await ctx.db.transaction((tx) => albumWrites.create(tx, { id, ownerId: ctx.viewer.id, ...input }));
  const [album] = await present({ ...ctx, reads: ctx.db }, [await albumReads.findOwned(ctx.db, id, ctx.viewer.id)]);
  return album!;
}

/** Renames, describes, shares differently or picks a cover (an image of the album; null: the first one). */
export async function updateAlbum(ctx: SignedIn, input: UpdateAlbumInput) {
  const { albumId, ...fields } = input;
  return (await change(ctx, albumId, (tx) => albumWrites.update(tx, albumId, fields))).album;
}

/** Deletes the album; its images stay in the library. */
export async function deleteAlbum(ctx: SignedIn, input: AlbumInput) {
  await ctx.db.transaction(async (tx) => {
    await albumReads.findOwned(tx, input.albumId, ctx.viewer.id);
    await albumWrites.delete(tx, input.albumId);
  });
  return { albumId: input.albumId, deleted: true as const };
}

export async function addImages(ctx: SignedIn, input: AlbumImagesInput) {
  const { album, result } = await change(ctx, input.albumId, (tx) => albumWrites.addImages(tx, input.albumId, ctx.viewer.id, input.imageIds));
  return { album, added: result };
}

export async function removeImages(ctx: SignedIn, input: AlbumImagesInput) {
  const { album, result } = await change(ctx, input.albumId, (tx) => albumWrites.removeImages(tx, input.albumId, input.imageIds));
  return { album, removed: result };
}

/** The whole new order at once: every image of the album, once. */
export async function reorder(ctx: SignedIn, input: ReorderInput) {
  return (await change(ctx, input.albumId, (tx) => albumWrites.reorder(tx, input.albumId, input.imageIds))).album;
}

/** One image before another (or to the end, `beforeImageId: null`). */
export async function move(ctx: SignedIn, input: MoveInput) {
  return (await change(ctx, input.albumId, (tx) => albumWrites.move(tx, input.albumId, input.imageId, input.beforeImageId))).album;
}

/** The album's page: the album and a page of its images in order, those the viewer may see. Private albums are NOT_FOUND to anyone but the owner. */
export async function getAlbum(ctx: FeedContext, input: GetAlbumInput) {
  const viewerId = ctx.viewer?.id ?? null;
  const row = await albumReads.findVisible(ctx.reads, input.albumId, viewerId);
  const [[album], { items, nextCursor }] = await Promise.all([present(ctx, [row]), albumReads.imagesOf(ctx.reads, row.id, viewerId, input)]);
  return { album: album!, items: await ctx.catalogue.cards(ctx.reads, items), nextCursor };
}

/** A user's albums, newest first: all of them for the owner, the public ones for anyone else. */
export async function listAlbums(ctx: FeedContext, input: ListAlbumsInput) {
  const viewerId = ctx.viewer?.id ?? null;
  let ownerId: string;
  if (input.userId) {
    const owner = await imageReads.ownerWithId(ctx.reads, input.userId);
    if (!owner) throw new GlimpseError('USER_NOT_FOUND', `No user ${input.userId}.`, 'userId');
    ownerId = owner.id;
  } else if (input.username) {
    const owner = await imageReads.ownerNamed(ctx.reads, input.username);
    if (!owner) throw new GlimpseError('USER_NOT_FOUND', `No user named "${input.username}".`, 'username');
    ownerId = owner.id;
  } else if (viewerId) {
    ownerId = viewerId;
  } else {
    throw new GlimpseError('NOT_SIGNED_IN', 'Sign in to list your own albums, or give a userId or username.', 'userId');
  }
  const { items, nextCursor } = await albumReads.listOf(ctx.reads, ownerId, viewerId, input);
  return { items: await present(ctx, items), nextCursor };
}
