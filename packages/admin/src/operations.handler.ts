import { GlimpseError } from '@glimpse/errors';
import type { ProtectedContext } from '@glimpse/http-service';
import { imageStatistics } from '@glimpse/images';
import type { ActivityInput, QueueInput, TopTagsInput } from './admin.schema';
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

const DAY_MS = 86_400_000;

/** Sign-ups and uploads per UTC day over the last `days` (today included, zeros kept), and processing latency over the last 24 h. */
export async function activity(ctx: Admin, input: ActivityInput) {
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const since = new Date(today - (input.days - 1) * DAY_MS);
  const [signups, uploads, processing] = await Promise.all([
    ctx.db.query<{ day: string; n: number | string }>(
      `SELECT to_char(date_trunc('day', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day, count(*) AS n FROM users WHERE created_at >= $1 GROUP BY 1`,
      [since],
    ),
    imageStatistics.uploadsPerDay(ctx.db, since),
    imageStatistics.processingLatency(ctx.db, new Date(Date.now() - DAY_MS)),
  ]);
  const signupsByDay = new Map(signups.map((row) => [row.day, Number(row.n)]));
  const days = Array.from({ length: input.days }, (_, index) => {
    const day = new Date(since.getTime() + index * DAY_MS).toISOString().slice(0, 10);
    return { day, signups: signupsByDay.get(day) ?? 0, uploads: uploads.get(day) ?? 0 };
  });
  return { days, processingLast24h: processing };
}
