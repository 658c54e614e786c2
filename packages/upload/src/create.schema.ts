import { z } from 'zod';
import { description, keepDuplicatesField, tagsText, title, visibility } from './fields.schema';

/** The text fields of the multipart upload form (the file is checked separately). */
export const createFieldsSchema = z.object({
  title: title.optional(),
  description: description.optional(),
  visibility: visibility.default('public'),
  tags: tagsText.optional(),
  /** Store an exact copy of one of your own images anyway ("true"); otherwise it is reported as `duplicateOf`. */
  keepDuplicates: keepDuplicatesField,
});
