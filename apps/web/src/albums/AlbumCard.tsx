import type { FeedOutputs } from '@glimpse/feed';
import { Link } from '@tanstack/react-router';
import { altText, ProgressiveImage } from '../components/ProgressiveImage';

export type AlbumView = FeedOutputs['albums']['get']['album'];

const VISIBILITY_LABEL = { public: '', unlisted: ' · unlisted', private: ' · private' } as const;

/** An album in a list: its cover (the first photo the viewer may see when none was chosen), title and how many photos. */
export function AlbumCard({ album }: { album: AlbumView }) {
  return (
    <li className="album-card">
      <Link to="/albums/$albumId" params={{ albumId: album.id }} className="album-card-link">
        <div className="album-cover">
          {album.cover ? <ProgressiveImage image={album.cover} alt={altText(album.cover)} variants={['thumb']} sizes="240px" /> : <span className="album-cover-empty">No photos yet</span>}
        </div>
        <span className="album-card-title">{album.title}</span>
        <span className="album-card-meta">
          {album.imageCount === 1 ? '1 photo' : `${album.imageCount} photos`}
          {album.isOwner ? VISIBILITY_LABEL[album.visibility] : ''}
        </span>
      </Link>
    </li>
  );
}
