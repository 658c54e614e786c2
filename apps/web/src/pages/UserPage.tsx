import { useInfiniteQuery } from '@tanstack/react-query';
import { trpc } from '../api/queries';
import { AlbumList } from '../albums/AlbumList';
import { ImageGrid } from '../components/ImageGrid';
import { nextCursor, useListView } from '../feed/list-view';

export function UserPage({ username }: { username: string }) {
  const list = useListView(useInfiniteQuery(trpc.feed.user.infiniteQueryOptions({ username }, { getNextPageParam: nextCursor })), (page) => page.items);
  return (
    <section className="page">
      <div className="page-heading">
        <h1>@{username}</h1>
      </div>
      <AlbumList username={username} heading="Albums" />
      <ImageGrid list={list} empty={`@${username} has not shared any photos yet.`} />
    </section>
  );
}
