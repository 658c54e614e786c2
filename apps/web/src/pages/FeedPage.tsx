import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { trpc } from '../api/queries';
import { useSession } from '../api/use-session';
import { ImageGrid } from '../components/ImageGrid';
import { nextCursor, useListView } from '../feed/list-view';
import type { FeedSort } from '../router/paths';

const SORTS = [
  { id: 'latest', param: undefined, label: 'Latest', heading: 'Latest photos', signedIn: false },
  { id: 'popular', param: 'popular', label: 'Popular', heading: 'Popular photos', signedIn: false },
  { id: 'forYou', param: 'for-you', label: 'For you', heading: 'Photos for you', signedIn: true },
] as const;

const QUERIES = {
  latest: () => trpc.feed.latest.infiniteQueryOptions({}, { getNextPageParam: nextCursor }),
  popular: () => trpc.feed.popular.infiniteQueryOptions({}, { getNextPageParam: nextCursor }),
  forYou: () => trpc.feed.forYou.infiniteQueryOptions({}, { getNextPageParam: nextCursor }),
};

export function FeedPage({ sort }: { sort?: FeedSort }) {
  const signedIn = useSession() !== null;
  const sorts = SORTS.filter((option) => signedIn || !option.signedIn);
  const current = sorts.find((option) => option.param === sort) ?? sorts[0]!;
  const list = useListView(useInfiniteQuery(QUERIES[current.id]()), (page) => page.items);
  return (
    <section className="page">
      <div className="page-heading">
        <h1 className="visually-hidden">{current.heading}</h1>
        <nav className="segmented" aria-label="Sort the feed">
          {sorts.map((option) => (
            <Link key={option.id} to="/" search={{ sort: option.param }} className="segment" activeOptions={{ exact: true }} aria-current={option === current ? 'page' : undefined}>
              {option.label}
            </Link>
          ))}
        </nav>
      </div>
      <ImageGrid list={list} empty={current.id === 'forYou' ? 'Nothing to suggest yet: like a few photos and come back.' : 'No photos yet. Be the first to upload one!'} />
    </section>
  );
}
