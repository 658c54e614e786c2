import type { ImageCard } from '@glimpse/images';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { describeProblem } from '../api/errors';
import { trpc } from '../api/queries';
import type { AlbumView } from '../albums/AlbumCard';
import { AlbumForm } from '../albums/AlbumForm';
import { AddPhotosPanel } from '../albums/AddPhotosPanel';
import { ImageGrid } from '../components/ImageGrid';
import { InfiniteScroll } from '../components/InfiniteScroll';
import { Notice } from '../components/Notice';
import { altText, ProgressiveImage } from '../components/ProgressiveImage';
import { nextCursor, useListView, type ListView } from '../feed/list-view';
import { NotFoundPage } from './NotFoundPage';

/** An album's shareable page: its photos in order (only those the viewer may see); the owner edits it here. */
export function AlbumPage({ albumId }: { albumId: string }) {
  const query = useInfiniteQuery(trpc.feed.albums.get.infiniteQueryOptions({ albumId }, { getNextPageParam: nextCursor }));
  const list = useListView(query, (page) => page.items);
  if (query.status === 'pending') return <section className="page" aria-busy="true" />;
  if (query.status === 'error') {
    const problem = describeProblem(query.error);
    if (problem.code === 'NOT_FOUND' || problem.code === 'BAD_REQUEST') return <NotFoundPage message={problem.message} />;
    return (
      <section className="page">
        <Notice tone="error" message={problem.message} onRetry={() => void query.refetch()} />
      </section>
    );
  }
  const album = query.data.pages[0]!.album;
  return (
    <section className="page album-page">
      <AlbumHeading album={album} />
      {album.isOwner ? <OwnerGrid album={album} list={list} /> : <ImageGrid list={list} empty="No photos in this album yet." />}
    </section>
  );
}

const VISIBILITY_NOTE = { public: 'Public album', unlisted: 'Unlisted album: anyone with the link', private: 'Private album: only you' } as const;

function AlbumHeading({ album }: { album: AlbumView }) {
  const [editing, setEditing] = useState(false);
  const [adding, setAdding] = useState(false);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const update = useMutation(
    trpc.feed.albums.update.mutationOptions({
      onSuccess: () => {
        setEditing(false);
        return queryClient.invalidateQueries(trpc.feed.albums.pathFilter());
      },
    }),
  );
  const remove = useMutation(
    trpc.feed.albums.delete.mutationOptions({
      onSuccess: async () => {
        queryClient.removeQueries(trpc.feed.albums.get.pathFilter());
        await queryClient.invalidateQueries(trpc.feed.albums.list.pathFilter());
        await navigate({ to: '/albums' });
      },
    }),
  );
  const confirmDelete = () => {
    if (window.confirm(`Delete the album "${album.title}"? Its photos stay in your library.`)) remove.mutate({ albumId: album.id });
  };
  return (
    <header className="album-heading">
      <div className="page-heading">
        <div>
          <h1>{album.title}</h1>
          <p className="album-byline">
            by <Link to="/u/$username" params={{ username: album.owner.username }}>@{album.owner.username}</Link> ·{' '}
            <span aria-label="Photo count">{album.imageCount === 1 ? '1 photo' : `${album.imageCount} photos`}</span>
            {album.isOwner && ` · ${VISIBILITY_NOTE[album.visibility]}`}
          </p>
        </div>
        {album.isOwner && !editing && (
          <div className="mine-actions">
            <button type="button" className="button" onClick={() => setAdding((open) => !open)} aria-expanded={adding}>
              Add photos
            </button>
            <button type="button" className="button-quiet" onClick={() => setEditing(true)}>
              Edit album
            </button>
            <button type="button" className="button-quiet button-danger" onClick={confirmDelete} disabled={remove.isPending}>
              {remove.isPending ? 'Deleting…' : 'Delete album'}
            </button>
          </div>
        )}
      </div>
      {album.description && !editing && <p className="album-description">{album.description}</p>}
      {remove.error && <Notice tone="error" message={describeProblem(remove.error).message} />}
      {editing && (
        <div className="page-narrow">
          <AlbumForm
            initial={album}
            submitLabel="Save album"
            saving={update.isPending}
            problem={update.error ? describeProblem(update.error) : null}
            onSubmit={(fields) => update.mutate({ albumId: album.id, ...fields })}
            onCancel={() => setEditing(false)}
          />
        </div>
      )}
      {adding && <AddPhotosPanel albumId={album.id} onDone={() => setAdding(false)} />}
    </header>
  );
}

/** The owner's view: each photo with its controls (earlier, later, cover, remove from the album). */
function OwnerGrid({ album, list }: { album: AlbumView; list: ListView<ImageCard> }) {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries(trpc.feed.albums.pathFilter());
  const move = useMutation(trpc.feed.albums.move.mutationOptions({ onSuccess: refresh }));
  const cover = useMutation(trpc.feed.albums.update.mutationOptions({ onSuccess: refresh }));
  const takeOut = useMutation(trpc.feed.albums.removeImages.mutationOptions({ onSuccess: refresh }));
  const failed = move.error ?? cover.error ?? takeOut.error;
  const ids = list.items.map((image) => image.id);
  if (list.items.length === 0 && !list.loading && !list.hasMore) return <p className="empty">No photos in this album yet: add some of yours.</p>;
  return (
    <>
      {failed && <Notice tone="error" message={describeProblem(failed).message} />}
      <ul className="album-owner-grid" aria-label="Photos">
        {list.items.map((image, index) => {
          const name = image.title || 'Untitled';
          return (
            <li key={image.id} className="album-owner-item" aria-label={name}>
              <Link to="/i/$imageId" params={{ imageId: image.id }} className="album-owner-thumb">
                <ProgressiveImage image={image} alt={altText(image)} variants={['thumb']} sizes="240px" eager={index < 8} />
              </Link>
              <span className="album-owner-title">{name}</span>
              <div className="album-item-actions" role="group" aria-label={`Arrange ${name}`}>
                <button type="button" className="button-quiet" disabled={index === 0} onClick={() => move.mutate({ albumId: album.id, imageId: image.id, beforeImageId: ids[index - 1]! })} aria-label={`Move ${name} earlier`}>
                  ←
                </button>
                <button type="button" className="button-quiet" disabled={index === ids.length - 1} onClick={() => move.mutate({ albumId: album.id, imageId: image.id, beforeImageId: ids[index + 2] ?? null })} aria-label={`Move ${name} later`}>
                  →
                </button>
                <button type="button" className="button-quiet" disabled={album.cover?.id === image.id} onClick={() => cover.mutate({ albumId: album.id, coverImageId: image.id })}>
                  {album.cover?.id === image.id ? 'Cover' : 'Make cover'}
                </button>
                <button type="button" className="button-quiet button-danger" onClick={() => takeOut.mutate({ albumId: album.id, imageIds: [image.id] })} aria-label={`Remove ${name} from the album`}>
                  Remove
                </button>
              </div>
            </li>
          );
        })}
      </ul>
      {list.problem && <Notice tone="error" message={list.problem.message} onRetry={list.retry} />}
      {!list.problem && <InfiniteScroll hasMore={list.hasMore} loading={list.loading} onLoadMore={list.loadMore} />}
    </>
  );
}
