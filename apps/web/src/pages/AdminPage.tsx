import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { describeProblem } from '../api/errors';
import { trpc } from '../api/queries';
import { ModerationQueue } from '../admin/ModerationQueue';
import { Notice } from '../components/Notice';
import { RequireSignIn } from './RequireSignIn';

export function AdminPage() {
  return (
    <RequireSignIn>
      <Admin />
    </RequireSignIn>
  );
}

const formatBytes = (bytes: number) => (bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.round(bytes / 1e3)} kB`);

/** A horizontal bar chart: one labelled bar per entry, scaled to the largest. */
function BarChart({ label, entries }: { label: string; entries: Array<{ name: string; value: number }> }) {
  const max = Math.max(1, ...entries.map((entry) => entry.value));
  return (
    <figure className="bar-chart" aria-label={label}>
      {entries.map((entry) => (
        <div key={entry.name} className="bar-row">
          <span className="bar-name">{entry.name}</span>
          <span className="bar" style={{ width: `${(entry.value / max) * 100}%` }} />
          <span className="bar-value">{entry.value}</span>
        </div>
      ))}
    </figure>
  );
}

/** The operators' dashboard: images by status, queues with dead letters (and redrive), the moderation queue, top tags, and users. */
function Admin() {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries(trpc.admin.pathFilter());
  const [q, setQ] = useState('');
  const statuses = useQuery({ ...trpc.admin.imagesByStatus.queryOptions(), refetchInterval: 10_000 });
  const queues = useQuery({ ...trpc.admin.queues.queryOptions(), refetchInterval: 5_000 });
  const tags = useQuery(trpc.admin.topTags.queryOptions({ limit: 15 }));
  const activity = useQuery(trpc.admin.activity.queryOptions({ days: 14 }));
  const users = useQuery(trpc.admin.users.queryOptions({ q: q || undefined, limit: 50 }));
  const redrive = useMutation(trpc.admin.redrive.mutationOptions({ onSettled: refresh }));
  const setDisabled = useMutation(trpc.admin.setDisabled.mutationOptions({ onSettled: refresh }));
  const setRole = useMutation(trpc.admin.setRole.mutationOptions({ onSettled: refresh }));

  const problem = [statuses.error, users.error, queues.error, redrive.error, setDisabled.error, setRole.error].find(Boolean);
  if (statuses.error && describeProblem(statuses.error).code === 'FORBIDDEN') {
    return (
      <section className="page page-narrow">
        <h1>Admin</h1>
        <Notice tone="error" message={describeProblem(statuses.error).message} />
      </section>
    );
  }
  return (
    <section className="page page-narrow admin">
      <h1>Admin</h1>
      {problem && <Notice tone="error" message={describeProblem(problem).message} />}

      <h2>Images by status</h2>
      {statuses.data && <BarChart label="Images by status" entries={Object.entries(statuses.data).map(([name, value]) => ({ name, value }))} />}

      {activity.data && (
        <>
          <h2>Sign-ups per day</h2>
          <BarChart label="Sign-ups per day" entries={activity.data.days.map((day) => ({ name: day.day, value: day.signups }))} />
          <h2>Uploads per day</h2>
          <BarChart label="Uploads per day" entries={activity.data.days.map((day) => ({ name: day.day, value: day.uploads }))} />
          <p className="admin-latency">
            Processing, last 24 h: {activity.data.processingLast24h.images} images
            {activity.data.processingLast24h.p50Ms !== null &&
              `, upload to ready p50 ${(activity.data.processingLast24h.p50Ms / 1000).toFixed(1)} s, p95 ${((activity.data.processingLast24h.p95Ms ?? 0) / 1000).toFixed(1)} s`}
          </p>
        </>
      )}

      <h2>Queues</h2>
      <table className="admin-table">
        <thead>
          <tr>
            <th scope="col">Queue</th>
            <th scope="col">Ready</th>
            <th scope="col">Retrying</th>
            <th scope="col">In flight</th>
            <th scope="col">Dead letters</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {queues.data?.map((queue) => (
            <tr key={queue.queue}>
              <th scope="row">{queue.queue}</th>
              <td>{queue.ready}</td>
              <td>{queue.delayed}</td>
              <td>{queue.inFlight}</td>
              <td>{queue.dead}</td>
              <td>
                {queue.dead > 0 && (
                  <button type="button" className="button-quiet" disabled={redrive.isPending} onClick={() => redrive.mutate({ queue: queue.queue })}>
                    Redrive
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {redrive.data && <Notice message={`${redrive.data.moved} job(s) of ${redrive.data.queue} are back on their queue.`} />}

      <ModerationQueue />

      <h2>Top tags</h2>
      {tags.data && <BarChart label="Top tags" entries={tags.data.map((tag) => ({ name: tag.tag, value: tag.images }))} />}

      <h2>Users</h2>
      <input className="search-input admin-search" type="search" aria-label="Search users" placeholder="Email or username" value={q} onChange={(event) => setQ(event.target.value)} />
      <table className="admin-table">
        <thead>
          <tr>
            <th scope="col">User</th>
            <th scope="col">Email</th>
            <th scope="col">Images</th>
            <th scope="col">Storage</th>
            <th scope="col">Role</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {users.data?.items.map((user) => (
            <tr key={user.id} className={user.disabled ? 'admin-disabled' : undefined}>
              <th scope="row">@{user.username}</th>
              <td>
                {user.email}
                {!user.emailVerified && ' (unconfirmed)'}
              </td>
              <td>{user.images}</td>
              <td>{formatBytes(user.storageBytes)}</td>
              <td>{user.disabled ? 'disabled' : user.role}</td>
              <td className="admin-actions">
                <button type="button" className="button-quiet" onClick={() => setDisabled.mutate({ userId: user.id, disabled: !user.disabled })}>
                  {user.disabled ? 'Enable' : 'Disable'}
                </button>
                <button type="button" className="button-quiet" onClick={() => setRole.mutate({ userId: user.id, role: user.role === 'admin' ? 'user' : 'admin' })}>
                  {user.role === 'admin' ? 'Remove admin' : 'Make admin'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
