import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { describeProblem } from '../api/errors';
import { trpc } from '../api/queries';
import { AlbumForm } from '../albums/AlbumForm';
import { AlbumList } from '../albums/AlbumList';
import { RequireSignIn } from './RequireSignIn';

/** "My albums": every album of the signed-in user, and a new one. */
export function AlbumsPage() {
  return (
    <RequireSignIn>
      <MyAlbums />
    </RequireSignIn>
  );
}

function MyAlbums() {
  const [creating, setCreating] = useState(false);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const create = useMutation(
    trpc.feed.albums.create.mutationOptions({
      onSuccess: async (album) => {
        await queryClient.invalidateQueries(trpc.feed.albums.list.pathFilter());
        await navigate({ to: '/albums/$albumId', params: { albumId: album.id } });
      },
    }),
  );
  return (
    <section className="page">
      <div className="page-heading">
        <h1>My albums</h1>
        {!creating && (
          <button type="button" className="button" onClick={() => setCreating(true)}>
            New album
          </button>
        )}
      </div>
      {creating && (
        <div className="page-narrow">
          <AlbumForm submitLabel="Create album" saving={create.isPending} problem={create.error ? describeProblem(create.error) : null} onSubmit={(fields) => create.mutate(fields)} onCancel={() => setCreating(false)} />
        </div>
      )}
      <AlbumList empty="No albums yet. Make one to gather photos and share them with a link." />
    </section>
  );
}
