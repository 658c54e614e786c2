import type { ImageCard } from '@glimpse/images';
import { feed } from '../api/trpc';
import { useSession } from '../api/use-session';
import { ImageGrid } from '../components/ImageGrid';
import { usePagedList, type FetchPage } from '../feed/paged-list';
import { Link, useLocation } from '../router/router';

const SORTS = [
  { id: 'latest', param: null, label: 'Latest', heading: 'Latest photos', href: '/', signedIn: false },
  { id: 'popular', param: 'popular', label: 'Popular', heading: 'Popular photos', href: '/?sort=popular', signedIn: false },
  { id: 'forYou', param: 'for-you', label: 'For you', heading: 'Photos for you', href: '/?sort=for-you', signedIn: true },
] as const;

const FETCHERS: Record<(typeof SORTS)[number]['id'], FetchPage<ImageCard>> = {
  latest: (cursor) => feed.latest.query({ cursor }),
  popular: (cursor) => feed.popular.query({ cursor }),
  forYou: (cursor) => feed.forYou.query({ cursor }),
};

export function FeedPage() {
  const signedIn = useSession() !== null;
  const { searchParams } = useLocation();
  const sorts = SORTS.filter((option) => signedIn || !option.signedIn);
  const current = sorts.find((option) => option.param === searchParams.get('sort')) ?? sorts[0]!;
  const list = usePagedList<ImageCard>(`feed:${current.id}`, FETCHERS[current.id]);
  return (
    <section className="page">
      <div className="page-heading">
        <h1 className="visually-hidden">{current.heading}</h1>
        <nav className="segmented" aria-label="Sort the feed">
          {sorts.map((option) => (
            <Link key={option.id} to={option.href} className="segment" aria-current={option === current ? 'page' : undefined}>
              {option.label}
            </Link>
          ))}
        </nav>
      </div>
      <ImageGrid list={list} empty={current.id === 'forYou' ? 'Nothing to suggest yet: like a few photos and come back.' : 'No photos yet. Be the first to upload one!'} />
    </section>
  );
}
