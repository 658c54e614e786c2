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
        {image.camera && <CameraFacts camera={image.camera} />}
        {image.text && (
          <section className="image-text" aria-labelledby="image-text-heading">
            <h2 id="image-text-heading">Text in this photo</h2>
            <p>{image.text}</p>
          </section>
        )}
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

/**
 * What the camera's EXIF said. The time is shown as the camera wrote it (its wall clock, not
 * the viewer's), so a photo taken at 7 in the morning reads 7 wherever it is looked at.
 */
function CameraFacts({ camera }: { camera: NonNullable<ImageDetail['camera']> }) {
  const taken = camera.takenAt ? takenAtText(camera.takenAt) : null;
  return (
    <section className="image-camera" aria-labelledby="image-camera-heading">
      <h2 id="image-camera-heading">Camera</h2>
      <dl>
        {camera.label && (
          <>
            <dt>Make and model</dt>
            <dd>
              <Link to="/search" search={{ camera: [camera.label] }} title="Photos taken with this camera">
                {camera.label}
              </Link>
            </dd>
          </>
        )}
        {camera.lens && (
          <>
            <dt>Lens</dt>
            <dd>{camera.lens}</dd>
          </>
        )}
        {taken && camera.takenAt && (
          <>
            <dt>Taken</dt>
            <dd>
              <time dateTime={camera.takenAt}>{taken}</time>
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}

/** "2024-05-06T07:08:09+02:00" → "6 May 2024, 07:08" in the viewer's language, at the camera's own time of day. */
function takenAtText(takenAt: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(takenAt);
  if (!match) return null;
  const [, year, month, day, hour, minute] = match.map(Number) as [number, number, number, number, number, number];
  const wallClock = new Date(Date.UTC(year, month - 1, day, hour, minute));
  return wallClock.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
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
