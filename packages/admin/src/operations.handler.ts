import { GlimpseError } from '@glimpse/errors';
import type { ProtectedContext } from '@glimpse/http-service';
import { imageStatistics } from '@glimpse/images';
import type { QueueInput, TopTagsInput } from './admin.schema';
import type { AdminContext } from './trpc';

type Admin = AdminContext & ProtectedContext;

export const imagesByStatus = (ctx: Admin) => imageStatistics.countByStatus(ctx.db);

export const topTags = (ctx: Admin, input: TopTagsInput) => imageStatistics.topTags(ctx.db, input.limit);

/** Every queue's depth: ready, delayed (waiting to retry), in flight, dead letters. */
export async function queues(ctx: Admin) {
  return Promise.all(ctx.queues.map(async (queue) => ({ queue, ...(await ctx.depth(queue)) })));
}

function knownQueue(ctx: Admin, queue: string) {
  if (!ctx.queues.includes(queue)) throw new GlimpseError('INVALID_INPUT', `queue: expected one of ${ctx.queues.join(', ')} (got "${queue}")`, 'queue');
  return queue;
}

export async function deadLetters(ctx: Admin, input: QueueInput) {
  const letters = await ctx.deadLetters(knownQueue(ctx, input.queue));
  return letters.map((letter) => ({ id: letter.id, payload: letter.payload, attempts: letter.attempts, reason: letter.reason, deadAt: letter.deadAt }));
}

export async function redrive(ctx: Admin, input: QueueInput) {
  const moved = await ctx.redrive(knownQueue(ctx, input.queue));
  ctx.logger.warn({ queue: input.queue, moved, by: ctx.viewer.id }, 'admin: dead letters redriven');
  return { queue: input.queue, moved };
}
