import type { ImageCard } from '@glimpse/images';
import { feed } from '../api/trpc';
import { ImageGrid } from '../components/ImageGrid';
import { usePagedList } from '../feed/paged-list';

export function UserPage({ username }: { username: string }) {
  const list = usePagedList<ImageCard>(`user:${username}`, (cursor) => feed.user.query({ username, cursor }));
  return (
    <section className="page">
      <div className="page-heading">
        <h1>@{username}</h1>
      </div>
      <ImageGrid list={list} empty={`@${username} has not shared any photos yet.`} />
    </section>
  );
}
