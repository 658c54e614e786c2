import { useInfiniteQuery } from '@tanstack/react-query';
import { trpc } from '../api/queries';
import { AlbumList } from '../albums/AlbumList';
import { ImageGrid } from '../components/ImageGrid';
import { nextCursor, useListView } from '../feed/list-view';

export function UserPage({ username }: { username: string }) {
  const query = useInfiniteQuery(trpc.feed.user.infiniteQueryOptions({ username }, { getNextPageParam: nextCursor }));
  const list = useListView(query, (page) => page.items);
  const profile = query.data?.pages[0]?.user;
  return (
    <section className="page">
      <div className="page-heading user-heading">
        {profile?.avatarUrl && <img className="avatar" src={profile.avatarUrl} alt={`@${username}'s avatar`} width={72} height={72} />}
        <div>
          <h1>@{username}</h1>
          {profile?.displayName && <p className="user-display-name">{profile.displayName}</p>}
          {profile?.bio && <p className="user-bio">{profile.bio}</p>}
        </div>
      </div>
      <AlbumList username={username} heading="Albums" />
      <ImageGrid list={list} empty={`@${username} has not shared any photos yet.`} />
    </section>
  );
}
