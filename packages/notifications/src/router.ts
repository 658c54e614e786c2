import { list, markRead } from './notifications.handler';
import { listInput, markReadInput } from './notifications.schema';
import { protectedProcedure, router } from './trpc';

export const notificationsRouter = router({
  list: protectedProcedure.input(listInput).query(({ ctx, input }) => list(ctx, input)),
  markRead: protectedProcedure.input(markReadInput).mutation(({ ctx, input }) => markRead(ctx, input)),
});

export type NotificationsRouter = typeof notificationsRouter;
