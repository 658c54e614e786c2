import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { trpc } from '../api/queries';
import { Notice } from '../components/Notice';

const LABELS: Record<string, string> = {
  waiting: 'Waiting',
  pending: 'Queued',
  processing: 'Processing',
  ready: 'Ready',
  failed: 'Failed',
  refused: 'Refused',
  duplicate: 'Duplicate, skipped',
  deleted: 'Deleted since',
};

/** One import's progress bar and each file's outcome, polled until every entry is settled. */
export function ImportProgress({ importId }: { importId: string }) {
  const status = useQuery({
    ...trpc.upload.imports.status.queryOptions({ importId }),
    refetchInterval: (query) => {
      const data = query.state.data;
      return data && (data.status === 'failed' || (data.status === 'done' && data.done + data.failed === data.total)) ? false : 1000;
    },
  });
  if (status.error) return <Notice tone="error" message={status.error.message} />;
  const data = status.data;
  if (!data) return <p className="field-hint">Loading the import…</p>;
  const settled = data.done + data.failed;
  return (
    <section className="import-progress" aria-label="Import progress">
      <h2>{data.status === 'done' && settled === data.total ? 'Import finished' : data.status === 'failed' ? 'Import failed' : 'Importing…'}</h2>
      {data.error && <Notice tone="error" message={data.error} />}
      <div className="upload-progress">
        <progress max={Math.max(1, data.total)} value={settled} aria-label="Files imported" />
        <span role="status">
          {data.done} ready, {data.failed} not imported, of {data.total}
        </span>
      </div>
      <ul className="upload-list import-items" aria-label="Files in this import">
        {data.items.map((item) => (
          <li key={item.name} className={`upload-row phase-${item.status}`}>
            <span className="upload-name">
              {item.imageId && item.status === 'ready' ? (
                <Link to="/i/$imageId" params={{ imageId: item.imageId }}>
                  {item.name}
                </Link>
              ) : (
                item.name
              )}
            </span>
            <span className="upload-phase">{LABELS[item.status] ?? item.status}</span>
            {item.reason && <span className="field-hint">{item.reason}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
