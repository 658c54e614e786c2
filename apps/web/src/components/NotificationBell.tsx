import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { trpc } from '../api/queries';

/** The bell: how many notifications are unread, and the latest ones in a panel; opening it marks them read. */
export function NotificationBell() {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const list = useQuery({ ...trpc.notifications.list.queryOptions({}), refetchInterval: 30_000 });
  const markRead = useMutation(trpc.notifications.markRead.mutationOptions({ onSettled: () => queryClient.invalidateQueries(trpc.notifications.list.pathFilter()) }));
  const unread = list.data?.unread ?? 0;
  const items = list.data?.items ?? [];

  const toggle = () => {
    const opening = !open;
    setOpen(opening);
    const unreadIds = items.filter((item) => !item.read).map((item) => item.id);
    if (opening && unreadIds.length > 0) markRead.mutate({ ids: unreadIds });
  };

  return (
    <div className="bell">
      <button type="button" className="button-quiet bell-button" aria-expanded={open} aria-label={unread ? `Notifications, ${unread} unread` : 'Notifications'} onClick={toggle}>
        <span aria-hidden="true">🔔</span>
        {unread > 0 && (
          <span className="bell-count" data-testid="bell-count">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      {open && (
        <div className="bell-panel" role="region" aria-label="Notifications">
          {items.length === 0 ? (
            <p className="bell-empty">Nothing new.</p>
          ) : (
            <ul className="bell-list">
              {items.map((item) => (
                <li key={item.id} className={item.read ? 'bell-item' : 'bell-item bell-item-unread'}>
                  <Link to={item.path} onClick={() => setOpen(false)}>
                    {item.message}
                  </Link>
                  <time dateTime={item.createdAt}>{new Date(item.createdAt).toLocaleString()}</time>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
