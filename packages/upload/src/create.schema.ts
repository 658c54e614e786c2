import { MAX_TAGS, VISIBILITIES } from '@glimpse/images';
import { z } from 'zod';

/** The text fields of the multipart upload form (the file is checked separately). */
export const createFieldsSchema = z.object({
  title: z.string().trim().max(200, 'expected at most 200 characters').optional(),
  description: z.string().trim().max(5_000, 'expected at most 5000 characters').optional(),
  visibility: z.enum(VISIBILITIES, { message: 'expected public, unlisted or private' }).default('public'),
  tags: z.string().max(2_000, `expected at most ${MAX_TAGS} comma-separated tags (2000 characters)`).optional(),
});
