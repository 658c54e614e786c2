import type { ImageCard } from '@glimpse/images';
import type { ListView } from '../feed/list-view';
import { ImageTile } from './ImageTile';
import { InfiniteScroll } from './InfiniteScroll';
import { Notice } from './Notice';

/** Above-the-fold tiles load eagerly; the rest wait until they are near the viewport. */
const EAGER_TILES = 8;

/** A justified grid (rows of equal height, each image at its own aspect ratio) with infinite scroll. */
export function ImageGrid({ list, empty }: { list: ListView<ImageCard>; empty: string }) {
  return (
    <>
      {list.items.length > 0 && (
        <ul className="grid" aria-label="Photos">
          {list.items.map((image, index) => (
            <ImageTile key={image.id} image={image} eager={index < EAGER_TILES} />
          ))}
        </ul>
      )}
      {list.items.length === 0 && !list.loading && !list.problem && !list.hasMore && <p className="empty">{empty}</p>}
      {list.problem && <Notice tone="error" message={list.problem.message} onRetry={list.retry} />}
      {!list.problem && <InfiniteScroll hasMore={list.hasMore} loading={list.loading} onLoadMore={list.loadMore} />}
    </>
  );
}
