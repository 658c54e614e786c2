import type { UploadState } from '@glimpse/images';
import { upload } from '../api/trpc';
import { InfiniteScroll } from '../components/InfiniteScroll';
import { Notice } from '../components/Notice';
import { usePagedList } from '../feed/paged-list';
import { MyUploadRow } from '../my-uploads/MyUploadRow';
import { Link } from '../router/router';
import { RequireSignIn } from './RequireSignIn';

export function MyUploadsPage() {
  return (
    <RequireSignIn>
      <MyUploads />
    </RequireSignIn>
  );
}

function MyUploads() {
  const list = usePagedList<UploadState>('mine', (cursor) => upload.mine.query({ cursor }));
  return (
    <section className="page page-narrow">
      <div className="page-heading">
        <h1>My uploads</h1>
        <Link to="/upload" className="button">
          Upload photos
        </Link>
      </div>
      {list.items.length > 0 && (
        <ul className="mine-list" aria-label="My uploads">
          {list.items.map((item) => (
            <MyUploadRow key={item.id} item={item} onChange={(next) => list.update(item.id, () => next)} onDeleted={() => list.remove(item.id)} />
          ))}
        </ul>
      )}
      {list.items.length === 0 && !list.loading && !list.hasMore && !list.problem && (
        <p className="empty">
          Nothing here yet. <Link to="/upload">Upload your first photos</Link>.
        </p>
      )}
      {list.problem && <Notice tone="error" message={list.problem.message} onRetry={list.loadMore} />}
      {!list.problem && <InfiniteScroll hasMore={list.hasMore} loading={list.loading} onLoadMore={list.loadMore} />}
    </section>
  );
}
