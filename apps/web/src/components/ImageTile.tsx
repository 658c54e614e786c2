import type { ImageCard } from '@glimpse/images';
import { Link } from '@tanstack/react-router';
import { altText, ProgressiveImage } from './ProgressiveImage';

/** Target row height of the justified grid, in CSS pixels (`--row-height` in CSS; rows stretch to fill the width). */
const ROW_HEIGHT = 240;

export function ImageTile({ image, eager }: { image: ImageCard; eager: boolean }) {
  const aspect = image.width && image.height ? image.width / image.height : 1;
  return (
    <li className="tile" style={{ flexGrow: aspect * 100, flexBasis: `calc(var(--row-height) * ${aspect.toFixed(4)})` }}>
      <Link to="/i/$imageId" params={{ imageId: image.id }} className="tile-link">
        <ProgressiveImage image={image} alt={altText(image)} variants={['thumb', 'medium']} sizes={`${Math.round(aspect * ROW_HEIGHT * 1.25)}px`} eager={eager} />
        <span className="tile-caption" aria-hidden="true">
          <span className="tile-title">{image.title || 'Untitled'}</span>
          <span className="tile-meta">
            @{image.owner.username} · ♥ {image.likeCount}
          </span>
        </span>
      </Link>
    </li>
  );
}
