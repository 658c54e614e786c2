import type { ImageCard } from '@glimpse/images';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { describeProblem } from '../api/errors';
import { trpc } from '../api/queries';
import { upload } from '../api/trpc';
import { InfiniteScroll } from '../components/InfiniteScroll';
import { Notice } from '../components/Notice';
import { altText, ProgressiveImage } from '../components/ProgressiveImage';
import { invalidateImageLists } from '../feed/image-cache';
import { nextCursor } from '../feed/list-view';
import { RequireSignIn } from './RequireSignIn';

/** "Possible duplicates": groups of your photos that look alike; keep one, and the others are deleted. */
export function DuplicatesPage() {
  return (
    <RequireSignIn>
      <Duplicates />
    </RequireSignIn>
  );
}

function Duplicates() {
  const query = useInfiniteQuery(trpc.upload.duplicates.infiniteQueryOptions({}, { getNextPageParam: nextCursor }));
  const groups = (query.data?.pages ?? []).flatMap((page) => page.groups);
  const problem = query.error ? describeProblem(query.error) : null;
  return (
    <section className="page">
      <div className="page-heading">
        <h1>Possible duplicates</h1>
      </div>
      <p className="album-byline">Photos of yours that look alike: resized, recompressed or re-uploaded copies. Keep one of each group and delete the others.</p>
      {groups.length === 0 && query.isSuccess && !query.hasNextPage && <p className="empty">No possible duplicates among your photos.</p>}
      <ul className="duplicate-groups" aria-label="Possible duplicates">
        {groups.map((group) => (
          <DuplicateGroup key={group.images.map((image) => image.id).join()} images={group.images} />
        ))}
      </ul>
      {problem && <Notice tone="error" message={problem.message} onRetry={() => void query.refetch()} />}
      {!problem && <InfiniteScroll hasMore={query.isPending || query.hasNextPage} loading={query.isFetching} onLoadMore={() => void query.fetchNextPage()} />}
    </section>
  );
}

function DuplicateGroup({ images }: { images: ImageCard[] }) {
  const queryClient = useQueryClient();
  const keep = useMutation({
    mutationFn: async (keptId: string) => {
      // The ordinary delete, one by one: each is the owner's own, and each removes the files too.
      for (const image of images) if (image.id !== keptId) await upload.delete.mutate({ imageId: image.id });
    },
    onSettled: () => Promise.all([queryClient.invalidateQueries(trpc.upload.pathFilter()), invalidateImageLists(queryClient)]),
  });
  const choose = (image: ImageCard) => {
    const others = images.length - 1;
    if (window.confirm(`Keep "${image.title || 'this photo'}" and delete the other ${others === 1 ? 'photo' : `${others} photos`} for good?`)) keep.mutate(image.id);
  };
  return (
    <li className="duplicate-group" aria-label={`Group of ${images.length} photos`}>
      <ul className="duplicate-images">
        {images.map((image) => (
          <li key={image.id} className="duplicate-image">
            <Link to="/i/$imageId" params={{ imageId: image.id }} className="album-owner-thumb">
              <ProgressiveImage image={image} alt={altText(image)} variants={['thumb']} sizes="200px" />
            </Link>
            <span className="album-owner-title">
              {image.title || 'Untitled'} · {image.width}×{image.height}
            </span>
            <button type="button" className="button-quiet" disabled={keep.isPending} onClick={() => choose(image)} aria-label={`Keep ${image.title || 'this photo'}, delete the others`}>
              Keep this one
            </button>
          </li>
        ))}
      </ul>
      {keep.error && <Notice tone="error" message={describeProblem(keep.error).message} />}
    </li>
  );
}
