import { z } from 'zod';
import { imageId } from './fields.schema';

/** The object's own message, or which keys it does not know. */
const objectError = (expected: string) => (issue: { code?: string; keys?: string[] }) =>
  issue.code === 'unrecognized_keys' ? `unknown field ${(issue.keys ?? []).map((key) => JSON.stringify(key)).join(', ')}; ${expected}` : expected;

const pixels = (what: string, least: number) =>
  z
    .number({ error: `expected the ${what} in pixels of the image as it looks now` })
    .int(`expected a whole number of pixels for the ${what}`)
    .min(least, least === 0 ? `expected the ${what} at 0 or more` : `expected the ${what} to be at least ${least} pixel`)
    .max(1_000_000, `expected the ${what} within the image`);

/** A rectangle in full-resolution pixels of the image as it looks before this edit (its `width` × `height`). */
const crop = z.strictObject(
  { left: pixels('left edge', 0), top: pixels('top edge', 0), width: pixels('width', 1), height: pixels('height', 1) },
  { error: objectError('expected a crop rectangle {left, top, width, height} in pixels') },
);

/** One edit: the crop first, then the turn clockwise, then the flips. */
export const imageEdit = z
  .strictObject(
    {
      rotate: z.union([z.literal(90), z.literal(180), z.literal(270)], { error: 'expected 90, 180 or 270 (degrees clockwise)' }).optional(),
      flipHorizontal: z.boolean({ error: 'expected true or false' }).optional(),
      flipVertical: z.boolean({ error: 'expected true or false' }).optional(),
      crop: crop.optional(),
    },
    { error: objectError('expected an edit {rotate?, flipHorizontal?, flipVertical?, crop?}') },
  )
  .refine((edit) => edit.rotate !== undefined || edit.flipHorizontal || edit.flipVertical || edit.crop !== undefined, {
    message: 'expected at least one of rotate, flipHorizontal, flipVertical or crop',
  });

export const editInput = z.object({ imageId, edit: imageEdit });

export type EditInput = z.output<typeof editInput>;
