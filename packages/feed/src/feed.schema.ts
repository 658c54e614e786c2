import { z } from 'zod';

/** Inputs of the feed procedures; every bad value is a BAD_REQUEST naming its field. */
export const imageId = z.uuid('expected an image id');
export const limit = z.number().int('expected a whole number').min(1, 'expected at least 1').max(100, 'expected at most 100').default(24);
const cursor = z.string().max(500, 'expected a cursor this API returned').optional();

export const pageInput = z.object({ cursor, limit }).default({ limit: 24 });
export const similarInput = z.object({ imageId, limit: limit.default(12) });
export const userInput = z.object({ username: z.string().trim().toLowerCase().min(1, 'expected a username').max(30, 'expected at most 30 characters'), cursor, limit });
export const imageInput = z.object({ imageId });

export type PageInput = z.output<typeof pageInput>;
export type SimilarInput = z.output<typeof similarInput>;
export type UserInput = z.output<typeof userInput>;
export type ImageInput = z.output<typeof imageInput>;
