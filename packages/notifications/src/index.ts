import type { TokenVerifier } from '@glimpse/access-tokens';
import { createServiceRoutes, type Route } from '@glimpse/http-service';
import type { Logger } from '@glimpse/logging';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { notificationsRouter, type NotificationsRouter } from './router';
import { createContextInner, type NotificationsDeps } from './trpc';

/**
 * Notifications: the `notifications` job that sends email (verification, password reset,
 * failed uploads, the daily likes digest) through a mail transport, exactly once per notification id, and the
 * in-app notifications under the bell (`/api/notifications`: list, markRead).
 */
export { notificationsRouter, type NotificationsRouter } from './router';
export { createContextInner, type NotificationsContext, type NotificationsDeps } from './trpc';
export { createNotificationHandler, type NotifierDeps } from './send-notification';
export { appLink, renderMessage, type Recipient, type RenderInput, type RenderedMessage } from './templates';
export { digestDayFor, digestNotificationId, scheduleLikesDigests, startLikesDigestScheduler, type DigestSchedule } from './likes-digest';
export type NotificationsInputs = inferRouterInputs<NotificationsRouter>;
export type NotificationsOutputs = inferRouterOutputs<NotificationsRouter>;

export const NOTIFICATIONS_PREFIX = '/api/notifications';

export function createNotificationRoutes(deps: NotificationsDeps, verifier: TokenVerifier, logger: Logger): Route[] {
  return createServiceRoutes({ router: notificationsRouter, prefix: NOTIFICATIONS_PREFIX, context: (request) => createContextInner(deps, request), verifier, logger });
}
