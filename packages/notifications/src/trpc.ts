import type { Database } from '@glimpse/database';
import { createServiceTRPC, type RequestContext } from '@glimpse/http-service';

export interface NotificationsDeps {
  db: Database;
}

export type NotificationsContext = RequestContext & NotificationsDeps;

/** Pure: what tests call directly. */
export const createContextInner = (deps: NotificationsDeps, request: RequestContext): NotificationsContext => ({ ...deps, ...request });

export const { router, publicProcedure, protectedProcedure } = createServiceTRPC<NotificationsContext>();
