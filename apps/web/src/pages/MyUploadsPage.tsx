import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { trpc } from '../api/queries';
import { InfiniteScroll } from '../components/InfiniteScroll';
import { Notice } from '../components/Notice';
import { nextCursor, useListView } from '../feed/list-view';
import { ExportPanel } from '../library/ExportPanel';
import { MyUploadRow } from '../my-uploads/MyUploadRow';
import { RequireSignIn } from './RequireSignIn';

/** `/me`, and `/me?export=…` from the "export ready" email. */
export function MyUploadsPage({ exportId }: { exportId?: string }) {
  return (
    <RequireSignIn>
      <MyUploads exportId={exportId} />
    </RequireSignIn>
  );
}

function MyUploads({ exportId }: { exportId?: string }) {
  const list = useListView(useInfiniteQuery(trpc.upload.mine.infiniteQueryOptions({}, { getNextPageParam: nextCursor })), (page) => page.items);
  return (
    <section className="page page-narrow">
      <div className="page-heading">
        <h1>My uploads</h1>
        <div className="mine-actions">
          <Link to="/import" className="button-quiet">
            Import a library
          </Link>
          <Link to="/duplicates" className="button-quiet">
            Possible duplicates
          </Link>
          <Link to="/upload" className="button">
            Upload photos
          </Link>
        </div>
      </div>
      <ExportPanel exportId={exportId} />
      {list.items.length > 0 && (
        <ul className="mine-list" aria-label="My uploads">
          {list.items.map((item) => (
            <MyUploadRow key={item.id} item={item} />
          ))}
        </ul>
      )}
      {list.items.length === 0 && !list.loading && !list.hasMore && !list.problem && (
        <p className="empty">
          Nothing here yet. <Link to="/upload">Upload your first photos</Link>.
        </p>
      )}
      {list.problem && <Notice tone="error" message={list.problem.message} onRetry={list.retry} />}
      {!list.problem && <InfiniteScroll hasMore={list.hasMore} loading={list.loading} onLoadMore={list.loadMore} />}
    </section>
  );
}
