import { MAX_TAGS, VISIBILITIES } from '@glimpse/images';
import { z } from 'zod';

/** The fields an owner writes about an image, at upload and when editing it. */
export const title = z.string().trim().max(200, 'expected at most 200 characters');
export const description = z.string().trim().max(5_000, 'expected at most 5000 characters');
export const visibility = z.enum(VISIBILITIES, { message: 'expected public, unlisted or private' });
/** Tags as a form sends them: one comma-separated string. */
export const tagsText = z.string().max(2_000, `expected at most ${MAX_TAGS} comma-separated tags (2000 characters)`);
/** Tags as a JSON client sends them: that string, or a list. */
export const tagsTextOrList = z.union([tagsText, z.array(z.string().max(100, 'expected tags of at most 40 characters')).max(100)], {
  error: `expected at most ${MAX_TAGS} tags, as one comma-separated string or a list of strings`,
});
export const imageId = z.uuid('expected an image id');
/** A form's yes/no for keeping exact duplicates: "true"/"false" (also 1/0, on), absent meaning no. */
export const keepDuplicatesField = z
  .enum(['true', 'false', '1', '0', 'on'], { message: 'expected true or false' })
  .optional()
  .transform((value) => value === 'true' || value === '1' || value === 'on');
