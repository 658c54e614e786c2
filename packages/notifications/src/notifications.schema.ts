import { z } from 'zod';

/** Inputs of the in-app notification procedures; every bad value is a BAD_REQUEST naming its field. */
export const listInput = z
  .object({
    cursor: z.string().max(500, 'expected the nextCursor of an earlier page').optional(),
    limit: z.number().int('expected a whole number').min(1, 'expected at least 1').max(100, 'expected at most 100').default(20),
  })
  .default({ limit: 20 });

export const markReadInput = z.object({
  ids: z.array(z.uuid('expected notification ids')).min(1, 'expected at least one notification id').max(100, 'expected at most 100 ids'),
});

export type ListInput = z.output<typeof listInput>;
export type MarkReadInput = z.output<typeof markReadInput>;
