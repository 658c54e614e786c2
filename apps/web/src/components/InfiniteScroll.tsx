import { useEffect, useRef } from 'react';

interface InfiniteScrollProps {
  hasMore: boolean;
  loading: boolean;
  onLoadMore: () => void;
}

/**
 * Asks for the next page when its sentinel comes within a screen of the viewport; a
 * button does the same for keyboard users and when observing is not possible.
 */
export function InfiniteScroll({ hasMore, loading, onLoadMore }: InfiniteScrollProps) {
  const sentinel = useRef<HTMLDivElement>(null);
  const latest = useRef(onLoadMore);
  latest.current = onLoadMore;

  useEffect(() => {
    const element = sentinel.current;
    if (!element || !hasMore || loading) return;
    const observer = new IntersectionObserver((entries) => entries.some((entry) => entry.isIntersecting) && latest.current(), { rootMargin: '0px 0px 600px 0px' });
    observer.observe(element);
    return () => observer.disconnect();
  }, [hasMore, loading]);

  if (!hasMore) return null;
  return (
    <div ref={sentinel} className="load-more">
      {loading ? (
        <span className="spinner" role="status">
          Loading more…
        </span>
      ) : (
        <button type="button" className="button-quiet" onClick={onLoadMore}>
          Load more
        </button>
      )}
    </div>
  );
}
