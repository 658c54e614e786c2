import { activityInput, moderateInput, moderationQueueInput, queueInput, setDisabledInput, setRoleInput, topTagsInput, usersInput } from './admin.schema';
import { activity, deadLetters, imagesByStatus, queues, redrive, topTags } from './operations.handler';
import { moderate, moderationQueue } from './moderation.handler';
import { adminProcedure, router } from './trpc';
import { setDisabled, setRole, users } from './users.handler';

/** `/api/admin`: for admins only (FORBIDDEN for everyone else, on every procedure). */
export const adminRouter = router({
  users: adminProcedure.input(usersInput).query(({ ctx, input }) => users(ctx, input)),
  setDisabled: adminProcedure.input(setDisabledInput).mutation(({ ctx, input }) => setDisabled(ctx, input)),
  setRole: adminProcedure.input(setRoleInput).mutation(({ ctx, input }) => setRole(ctx, input)),
  imagesByStatus: adminProcedure.query(({ ctx }) => imagesByStatus(ctx)),
  activity: adminProcedure.input(activityInput).query(({ ctx, input }) => activity(ctx, input)),
  topTags: adminProcedure.input(topTagsInput).query(({ ctx, input }) => topTags(ctx, input)),
  queues: adminProcedure.query(({ ctx }) => queues(ctx)),
  deadLetters: adminProcedure.input(queueInput).query(({ ctx, input }) => deadLetters(ctx, input)),
  redrive: adminProcedure.input(queueInput).mutation(({ ctx, input }) => redrive(ctx, input)),
  moderationQueue: adminProcedure.input(moderationQueueInput).query(({ ctx, input }) => moderationQueue(ctx, input)),
  moderate: adminProcedure.input(moderateInput).mutation(({ ctx, input }) => moderate(ctx, input)),
});

export type AdminRouter = typeof adminRouter;
