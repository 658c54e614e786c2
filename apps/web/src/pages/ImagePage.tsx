import type { FeedOutputs } from '@glimpse/feed';
import { useEffect } from 'react';
import { feed } from '../api/trpc';
import { useQuery } from '../api/use-query';
import { ImageTile } from '../components/ImageTile';
import { LikeButton } from '../components/LikeButton';
import { Notice } from '../components/Notice';
import { altText, ProgressiveImage } from '../components/ProgressiveImage';
import { StatusBadge } from '../components/StatusBadge';
import { Link } from '../router/router';
import { searchHref } from '../search/search-params';
import { NotFoundPage } from './NotFoundPage';

type ImageDetail = FeedOutputs['image'];

/** One view per image per page load (React may run effects twice in development). */
const viewed = new Set<string>();

export function ImagePage({ imageId }: { imageId: string }) {
  const detail = useQuery(`image:${imageId}`, () => feed.image.query({ imageId }));

  useEffect(() => {
    if (detail.status !== 'done' || viewed.has(imageId)) return;
    viewed.add(imageId);
    feed.view.mutate({ imageId }).catch(() => viewed.delete(imageId));
  }, [detail.status, imageId]);

  if (detail.status === 'loading') return <section className="page image-page" aria-busy="true" />;
  if (detail.status === 'error') {
    if (detail.problem.code === 'NOT_FOUND' || detail.problem.code === 'BAD_REQUEST') return <NotFoundPage message={detail.problem.message} />;
    return (
      <section className="page">
        <Notice tone="error" message={detail.problem.message} onRetry={detail.reload} />
      </section>
    );
  }
  return <ImageView image={detail.data} />;
}

function ImageView({ image }: { image: ImageDetail }) {
  const userTags = image.tags.filter((tag) => tag.source === 'user');
  const machineTags = image.tags.filter((tag) => tag.source === 'machine');
  return (
    <article className="page image-page">
      <div className="image-stage">
        <ProgressiveImage
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
              by <Link to={`/u/${image.owner.username}`}>@{image.owner.username}</Link> ·{' '}
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
          <LikeButton key={image.id} imageId={image.id} liked={image.likedByViewer} count={image.likeCount} />
        </div>
        {image.description && <p className="image-description">{image.description}</p>}
        {image.tags.length > 0 && (
          <ul className="tags" aria-label="Tags">
            {userTags.map((tag) => (
              <li key={`user:${tag.tag}`}>
                <Link to={searchHref({ tags: [tag.tag] })} className="tag">
                  #{tag.tag}
                </Link>
              </li>
            ))}
            {machineTags.map((tag) => (
              <li key={`machine:${tag.tag}`}>
                <Link
                  to={searchHref({ tags: [tag.tag] })}
                  className="tag tag-machine"
                  title={tag.confidence === null ? undefined : `Detected (${Math.round(tag.confidence * 100)}% sure)`}
                >
                  {tag.tag}
                </Link>
              </li>
            ))}
          </ul>
        )}
        {image.isOwner && (
          <p className="image-owner-actions">
            <Link to="/me">Edit in My uploads</Link>
          </p>
        )}
      </div>
      <SimilarImages imageId={image.id} />
    </article>
  );
}

/** More like this one, from the recommender; nothing is shown when it has no suggestions. */
function SimilarImages({ imageId }: { imageId: string }) {
  const similar = useQuery(`similar:${imageId}`, () => feed.similar.query({ imageId }));
  if (similar.status !== 'done' || similar.data.items.length === 0) return null;
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
