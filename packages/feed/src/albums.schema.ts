import { VISIBILITIES } from '@glimpse/images';
import { z } from 'zod';
import { imageId, limit } from './feed.schema';

/** Inputs of the album procedures (`feed.albums.*`); every bad value is a BAD_REQUEST naming its field. */
export const albumId = z.uuid('expected an album id');
const title = z.string().trim().min(1, 'expected a title').max(200, 'expected at most 200 characters');
const description = z.string().trim().max(5_000, 'expected at most 5000 characters');
const visibility = z.enum(VISIBILITIES, { message: 'expected public, unlisted or private' });
const cursor = z.string().max(500, 'expected a cursor this API returned').optional();
/** Many at once, each once. */
const imageIds = z.array(imageId).min(1, 'expected at least one image id').max(500, 'expected at most 500 image ids at once');

export const createAlbumInput = z.object({ title, description: description.default(''), visibility: visibility.default('public') });
export const updateAlbumInput = z.object({ albumId, title: title.optional(), description: description.optional(), visibility: visibility.optional(), coverImageId: imageId.nullable().optional() });
export const albumInput = z.object({ albumId });
export const albumImagesInput = z.object({ albumId, imageIds });
export const reorderInput = z.object({ albumId, imageIds: z.array(imageId).min(1, 'expected the album’s image ids in their new order').max(10_000, 'expected at most 10000 image ids') });
export const moveInput = z.object({ albumId, imageId, beforeImageId: imageId.nullable() });
export const getAlbumInput = z.object({ albumId, cursor, limit: limit.default(48) });
/** Whose albums: by user id or username; the signed-in user's own when neither is given ("My albums"). */
export const listAlbumsInput = z
  .object({ userId: z.uuid('expected a user id').optional(), username: z.string().trim().toLowerCase().min(1, 'expected a username').max(30, 'expected at most 30 characters').optional(), cursor, limit })
  .default({ limit: 24 });

export type CreateAlbumInput = z.output<typeof createAlbumInput>;
export type UpdateAlbumInput = z.output<typeof updateAlbumInput>;
export type AlbumInput = z.output<typeof albumInput>;
export type AlbumImagesInput = z.output<typeof albumImagesInput>;
export type ReorderInput = z.output<typeof reorderInput>;
export type MoveInput = z.output<typeof moveInput>;
export type GetAlbumInput = z.output<typeof getAlbumInput>;
export type ListAlbumsInput = z.output<typeof listAlbumsInput>;
