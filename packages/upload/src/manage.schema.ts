import { z } from 'zod';
import { description, imageId, tagsTextOrList, title, visibility } from './fields.schema';

export const imageInput = z.object({ imageId });
/** Only the fields given change; `tags` replaces the owner's tags. */
export const updateInput = z.object({ imageId, title: title.optional(), description: description.optional(), visibility: visibility.optional(), tags: tagsTextOrList.optional() });
/** A machine tag the owner says is wrong. */
export const removeMachineTagInput = z.object({ imageId, tag: z.string().trim().min(1, 'expected a tag').max(100, 'expected at most 100 characters') });
export const mineInput = z
  .object({ cursor: z.string().max(500, 'expected a cursor this API returned').optional(), limit: z.number().int('expected a whole number').min(1, 'expected at least 1').max(100, 'expected at most 100').default(30) })
  .default({ limit: 30 });

export const duplicatesInput = z
  .object({ cursor: z.string().max(500, 'expected a cursor this API returned').optional(), limit: z.number().int('expected a whole number').min(1, 'expected at least 1').max(50, 'expected at most 50').default(20) })
  .default({ limit: 20 });

export type DuplicatesInput = z.output<typeof duplicatesInput>;
export type ImageInput = z.output<typeof imageInput>;
export type UpdateInput = z.output<typeof updateInput>;
export type MineInput = z.output<typeof mineInput>;
export type RemoveMachineTagInput = z.output<typeof removeMachineTagInput>;
