import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { describeProblem } from '../api/errors';
import { trpc } from '../api/queries';
import { InfiniteScroll } from '../components/InfiniteScroll';
import { Notice } from '../components/Notice';
import { placeholderUrl } from '../components/placeholder';
import { nextCursor, useListView } from '../feed/list-view';

/** Pick some of your own photos and add them to the album at once (those already in it stay where they are). */
export function AddPhotosPanel({ albumId, onDone }: { albumId: string; onDone: () => void }) {
  const list = useListView(useInfiniteQuery(trpc.upload.mine.infiniteQueryOptions({}, { getNextPageParam: nextCursor })), (page) => page.items);
  const [chosen, setChosen] = useState<string[]>([]);
  const queryClient = useQueryClient();
  const add = useMutation(
    trpc.feed.albums.addImages.mutationOptions({
      onSuccess: async () => {
        setChosen([]);
        await queryClient.invalidateQueries(trpc.feed.albums.pathFilter());
        onDone();
      },
    }),
  );
  const toggle = (id: string) => setChosen((ids) => (ids.includes(id) ? ids.filter((other) => other !== id) : [...ids, id]));
  const ready = list.items.filter((item) => item.status === 'ready');
  return (
    <section className="add-photos" aria-label="Add photos">
      <h2>Add your photos</h2>
      {ready.length === 0 && !list.loading && !list.hasMore && <p className="empty">You have no photos ready yet.</p>}
      <ul className="add-photos-list">
        {ready.map((item) => {
          const thumb = item.variants.find((v) => v.name === 'thumb' && v.format === 'jpeg');
          const preview = placeholderUrl(item.placeholder);
          return (
            <li key={item.id}>
              <label className="add-photos-choice">
                <input type="checkbox" checked={chosen.includes(item.id)} onChange={() => toggle(item.id)} />
                <span className="mine-thumb" style={{ backgroundImage: preview ? `url("${preview}")` : undefined }}>
                  {thumb && <img src={thumb.url} alt="" loading="lazy" decoding="async" />}
                </span>
                <span>{item.title || 'Untitled'}</span>
              </label>
            </li>
          );
        })}
      </ul>
      {list.problem && <Notice tone="error" message={list.problem.message} onRetry={list.retry} />}
      {!list.problem && list.hasMore && <InfiniteScroll hasMore={list.hasMore} loading={list.loading} onLoadMore={list.loadMore} />}
      {add.error && <Notice tone="error" message={describeProblem(add.error).message} />}
      <div className="form-actions">
        <button type="button" className="button" disabled={chosen.length === 0 || add.isPending} onClick={() => add.mutate({ albumId, imageIds: chosen })}>
          {add.isPending ? 'Adding…' : chosen.length === 1 ? 'Add 1 photo' : `Add ${chosen.length} photos`}
        </button>
        <button type="button" className="button-quiet" onClick={onDone}>
          Close
        </button>
      </div>
    </section>
  );
}
