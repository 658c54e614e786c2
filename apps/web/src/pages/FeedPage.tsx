import type { ImageCard } from '@glimpse/images';
import { feed } from '../api/trpc';
import { ImageGrid } from '../components/ImageGrid';
import { usePagedList } from '../feed/paged-list';
import { Link, useLocation } from '../router/router';

const SORTS = [
  { id: 'latest', label: 'Latest', href: '/' },
  { id: 'popular', label: 'Popular', href: '/?sort=popular' },
] as const;

export function FeedPage() {
  const { searchParams } = useLocation();
  const sort = searchParams.get('sort') === 'popular' ? 'popular' : 'latest';
  const list = usePagedList<ImageCard>(`feed:${sort}`, (cursor) => feed[sort].query({ cursor }));
  return (
    <section className="page">
      <div className="page-heading">
        <h1 className="visually-hidden">{sort === 'popular' ? 'Popular photos' : 'Latest photos'}</h1>
        <nav className="segmented" aria-label="Sort the feed">
          {SORTS.map((option) => (
            <Link key={option.id} to={option.href} className="segment" aria-current={option.id === sort ? 'page' : undefined}>
              {option.label}
            </Link>
          ))}
        </nav>
      </div>
      <ImageGrid list={list} empty="No photos yet. Be the first to upload one!" />
    </section>
  );
}
