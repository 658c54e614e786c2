import type { ProtectedContext } from '@glimpse/http-service';
import type { ListInput, MarkReadInput } from './notifications.schema';
import { inAppNotifications } from './store';
import { describeInApp } from './templates';
import type { NotificationsContext } from './trpc';

type Viewer = NotificationsContext & ProtectedContext;

/** The signed-in user's notifications, newest first, and how many are unread (the bell's count). */
export async function list(ctx: Viewer, input: ListInput) {
  const [{ rows, nextCursor }, unread] = await Promise.all([
    inAppNotifications.list(ctx.db, ctx.viewer.id, input.cursor, input.limit),
    inAppNotifications.unreadCount(ctx.db, ctx.viewer.id),
  ]);
  const items = rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    ...describeInApp(row.kind, row.data),
    data: row.data,
    createdAt: row.created_at.toISOString(),
    read: row.read_at !== null,
  }));
  return { items, nextCursor, unread };
}

export async function markRead(ctx: Viewer, input: MarkReadInput) {
  await inAppNotifications.markRead(ctx.db, ctx.viewer.id, input.ids);
  return { unread: await inAppNotifications.unreadCount(ctx.db, ctx.viewer.id) };
}
