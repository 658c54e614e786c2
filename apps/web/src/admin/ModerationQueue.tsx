import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { describeProblem } from '../api/errors';
import { trpc } from '../api/queries';
import { Notice } from '../components/Notice';

/** Images the tagger marked sensitive, waiting for an admin: approve (into the feeds) or hide (from everyone but the owner). */
export function ModerationQueue() {
  const queryClient = useQueryClient();
  const queue = useQuery(trpc.admin.moderationQueue.queryOptions({ limit: 24 }));
  const moderate = useMutation(trpc.admin.moderate.mutationOptions({ onSettled: () => queryClient.invalidateQueries(trpc.admin.moderationQueue.pathFilter()) }));
  const problem = queue.error ?? moderate.error;
  return (
    <section aria-labelledby="admin-moderation">
      <h2 id="admin-moderation">Moderation{queue.data ? ` (${queue.data.waiting} waiting)` : ''}</h2>
      {problem && <Notice tone="error" message={describeProblem(problem).message} />}
      {queue.data && queue.data.items.length === 0 && <p className="empty">Nothing waits for review.</p>}
      {queue.data && queue.data.items.length > 0 && (
        <ul className="moderation-list" aria-label="Images to review">
          {queue.data.items.map((item) => (
            <li key={item.id} className="moderation-item">
              <img src={item.thumbUrl} alt={item.title || 'Untitled'} width={160} height={Math.round((160 * item.height) / Math.max(1, item.width)) || 120} loading="lazy" />
              <span className="moderation-title">{item.title || 'Untitled'}</span>
              <span className="moderation-owner">@{item.owner.username}</span>
              <span className="moderation-actions">
                <button type="button" className="button" disabled={moderate.isPending} onClick={() => moderate.mutate({ imageId: item.id, decision: 'approve' })}>
                  Approve
                </button>
                <button type="button" className="button-quiet" disabled={moderate.isPending} onClick={() => moderate.mutate({ imageId: item.id, decision: 'hide' })}>
                  Hide
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
