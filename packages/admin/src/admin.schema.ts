import { z } from 'zod';

/** Inputs of the admin procedures; every bad value is a BAD_REQUEST naming its field. */
export const usersInput = z
  .object({
    q: z.string().trim().max(254, 'expected at most 254 characters').optional(),
    offset: z.number().int('expected a whole number').min(0, 'expected 0 or more').max(100_000, 'expected at most 100000').default(0),
    limit: z.number().int('expected a whole number').min(1, 'expected at least 1').max(200, 'expected at most 200').default(50),
  })
  .default({ offset: 0, limit: 50 });
const userId = z.uuid('expected a user id');
export const setDisabledInput = z.object({ userId, disabled: z.boolean('expected true or false') });
export const setRoleInput = z.object({ userId, role: z.enum(['user', 'admin'], 'expected "user" or "admin"') });
export const queueInput = z.object({ queue: z.string().min(1, 'expected a queue name').max(100) });
export const topTagsInput = z.object({ limit: z.number().int().min(1, 'expected at least 1').max(100, 'expected at most 100').default(20) }).default({ limit: 20 });

export const activityInput = z.object({ days: z.number().int('expected a whole number').min(1, 'expected at least 1').max(90, 'expected at most 90').default(14) }).default({ days: 14 });

export const moderationQueueInput = z
  .object({
    cursor: z.string().max(500, 'expected the nextCursor of an earlier page').optional(),
    limit: z.number().int('expected a whole number').min(1, 'expected at least 1').max(100, 'expected at most 100').default(24),
  })
  .default({ limit: 24 });
export const moderateInput = z.object({ imageId: z.uuid('expected an image id'), decision: z.enum(['approve', 'hide'], 'expected "approve" or "hide"') });

export type ModerationQueueInput = z.output<typeof moderationQueueInput>;
export type ModerateInput = z.output<typeof moderateInput>;
export type ActivityInput = z.output<typeof activityInput>;
export type UsersInput = z.output<typeof usersInput>;
export type SetDisabledInput = z.output<typeof setDisabledInput>;
export type SetRoleInput = z.output<typeof setRoleInput>;
export type QueueInput = z.output<typeof queueInput>;
export type TopTagsInput = z.output<typeof topTagsInput>;
