import type { FeedOutputs } from '@glimpse/feed';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useEffect } from 'react';
import { describeProblem } from '../api/errors';
import { trpc } from '../api/queries';
import { feed } from '../api/trpc';
import { ImageTile } from '../components/ImageTile';
import { LikeButton } from '../components/LikeButton';
import { Notice } from '../components/Notice';
import { altText, ProgressiveImage } from '../components/ProgressiveImage';
import { StatusBadge } from '../components/StatusBadge';
import { EditTools } from '../image-edits/EditTools';
import { ImageTags } from '../image-tags/ImageTags';
import { NotFoundPage } from './NotFoundPage';

type ImageDetail = FeedOutputs['image'];

/** One view per image per page load (React may run effects twice in development). */
const viewed = new Set<string>();

export function ImagePage({ imageId }: { imageId: string }) {
  const detail = useQuery(trpc.feed.image.queryOptions({ imageId }));

  useEffect(() => {
    if (detail.status !== 'success' || viewed.has(imageId)) return;
    viewed.add(imageId);
    feed.view.mutate({ imageId }).catch(() => viewed.delete(imageId));
  }, [detail.status, imageId]);

  if (detail.status === 'pending') return <section className="page image-page" aria-busy="true" />;
  if (detail.status === 'error') {
    const problem = describeProblem(detail.error);
    if (problem.code === 'NOT_FOUND' || problem.code === 'BAD_REQUEST') return <NotFoundPage message={problem.message} />;
    return (
      <section className="page">
        <Notice tone="error" message={problem.message} onRetry={() => void detail.refetch()} />
      </section>
    );
  }
  return <ImageView image={detail.data} />;
}

function ImageView({ image }: { image: ImageDetail }) {
  return (
    <article className="page image-page">
      <div className="image-stage">
        <ProgressiveImage
          // A new rendering (after an edit) is a new picture: fade it in from its own placeholder.
          key={image.version}
          image={image}
          alt={altText(image)}
          variants={['thumb', 'medium', 'large']}
          sizes={`min(100vw, 1200px, calc(80vh * ${image.width / Math.max(image.height, 1)}), ${image.width}px)`}
          eager
          className="image-full"
        />
      </div>
      <div className="image-info">
        <div className="image-heading">
          <div>
            <h1>{image.title || 'Untitled'}</h1>
            <p className="image-byline">
              by{' '}
              <Link to="/u/$username" params={{ username: image.owner.username }}>
                @{image.owner.username}
              </Link>{' '}
              ·{' '}
              <time dateTime={image.createdAt}>{new Date(image.createdAt).toLocaleDateString(undefined, { dateStyle: 'medium' })}</time> · {image.viewCount}{' '}
              {image.viewCount === 1 ? 'view' : 'views'}
              {image.visibility !== 'public' && (
                <>
                  {' '}
                  <StatusBadge status={image.visibility} />
                </>
              )}
            </p>
          </div>
          <LikeButton imageId={image.id} liked={image.likedByViewer} count={image.likeCount} />
        </div>
        {image.description && <p className="image-description">{image.description}</p>}
        <ImageTags image={image} />
        {image.isOwner && (
          <>
            <EditTools image={image} />
            <p className="image-owner-actions">
              <Link to="/me">Edit in My uploads</Link>
            </p>
          </>
        )}
      </div>
      <SimilarImages imageId={image.id} />
    </article>
  );
}

/** More like this one, from the recommender; nothing is shown when it has no suggestions. */
function SimilarImages({ imageId }: { imageId: string }) {
  const similar = useQuery(trpc.feed.similar.queryOptions({ imageId }));
  if (similar.status !== 'success' || similar.data.items.length === 0) return null;
  return (
    <section className="similar" aria-labelledby="similar-heading">
      <h2 id="similar-heading">Similar photos</h2>
      <ul className="grid" aria-label="Similar photos">
        {similar.data.items.map((card) => (
          <ImageTile key={card.id} image={card} eager={false} />
        ))}
      </ul>
    </section>
  );
}
