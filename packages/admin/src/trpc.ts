import type { Database } from '@glimpse/database';
import { GlimpseError } from '@glimpse/errors';
import { createServiceTRPC, type RequestContext } from '@glimpse/http-service';
import type { ImageCatalogue } from '@glimpse/images';
import type { DeadLetter, QueueDepth } from '@glimpse/job-queue';

export interface AdminDeps {
  db: Database;
  /** The queues an operator watches, with their depth and dead letters. */
  queues: readonly string[];
  depth(queue: string): Promise<QueueDepth>;
  deadLetters(queue: string): Promise<DeadLetter[]>;
  /** Puts a queue's dead letters back (for process-images, their images back to pending first); returns how many. */
  redrive(queue: string): Promise<number>;
  /** Signed thumbnail URLs for the moderation queue (an admin sees what it reviews, private or hidden). */
  catalogue: ImageCatalogue;
  /** Publish the index jobs of a review now rather than at the relay's next poll. */
  wakeRelay: () => void;
}

export type AdminContext = RequestContext & AdminDeps;

/** Pure: what tests call directly. */
export const createContextInner = (deps: AdminDeps, request: RequestContext): AdminContext => ({ ...deps, ...request });

const t = createServiceTRPC<AdminContext>();
export const { router } = t;

/**
 * Every admin procedure: signed in, and an admin right now in the database (so taking the
 * role away, or disabling the account, takes effect at the next call, whatever the token says).
 */
export const adminProcedure = t.protectedProcedure.use(async ({ ctx, next }) => {
  const [row] = await ctx.db.query<{ role: string; disabled: boolean }>('SELECT role, disabled_at IS NOT NULL AS disabled FROM users WHERE id = $1', [ctx.viewer.id]);
  if (!row || row.disabled || row.role !== 'admin') throw new GlimpseError('NOT_ALLOWED', 'Only administrators may use the admin API.');
  return next();
});
