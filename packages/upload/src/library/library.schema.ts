import { z } from 'zod';

export const importInput = z.object({ importId: z.uuid('expected an import id (from imports.create)') });
export const exportInput = z.object({ exportId: z.uuid('expected an export id (from exports.create)') });
export const exportCreateInput = z
  .object({
    imageIds: z.array(z.uuid('expected image ids')).min(1, 'expected at least one image id, or leave imageIds out for all of them').max(10_000, 'expected at most 10000 image ids').optional(),
  })
  .default({});
export const recentInput = z.object({ limit: z.number().int('expected a whole number').min(1, 'expected at least 1').max(50, 'expected at most 50').default(10) }).default({ limit: 10 });

export type ImportInput = z.output<typeof importInput>;
export type ExportInput = z.output<typeof exportInput>;
export type ExportCreateInput = z.output<typeof exportCreateInput>;
export type RecentInput = z.output<typeof recentInput>;
