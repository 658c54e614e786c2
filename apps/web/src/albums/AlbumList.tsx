import { useInfiniteQuery } from '@tanstack/react-query';
import { trpc } from '../api/queries';
import { InfiniteScroll } from '../components/InfiniteScroll';
import { Notice } from '../components/Notice';
import { nextCursor, useListView } from '../feed/list-view';
import { AlbumCard } from './AlbumCard';

/** A user's albums (their public ones; all of them to the owner), or the signed-in user's own when no username is given. */
export function AlbumList({ username, empty, heading }: { username?: string; empty?: string; heading?: string }) {
  const list = useListView(useInfiniteQuery(trpc.feed.albums.list.infiniteQueryOptions(username ? { username } : {}, { getNextPageParam: nextCursor })), (page) => page.items);
  if (list.items.length === 0 && !list.loading && !list.problem && !list.hasMore) return empty ? <p className="empty">{empty}</p> : null;
  return (
    <>
      {heading && list.items.length > 0 && <h2 className="album-list-heading">{heading}</h2>}
      {list.items.length > 0 && (
        <ul className="album-list" aria-label="Albums">
          {list.items.map((album) => (
            <AlbumCard key={album.id} album={album} />
          ))}
        </ul>
      )}
      {list.problem && <Notice tone="error" message={list.problem.message} onRetry={list.retry} />}
      {!list.problem && list.hasMore && <InfiniteScroll hasMore={list.hasMore} loading={list.loading} onLoadMore={list.loadMore} />}
    </>
  );
}
