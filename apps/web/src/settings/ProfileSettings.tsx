import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { describeProblem, problemFor } from '../api/errors';
import { trpc } from '../api/queries';
import { session } from '../api/session';
import { upload } from '../api/trpc';
import { sendUpload } from '../api/upload-request';
import { Notice } from '../components/Notice';
import { TextField } from '../components/TextField';

/** Polls an upload until it is ready or failed (a minute at most). */
async function settled(imageId: string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const state = await upload.status.query({ imageId });
    if (state.status === 'ready' || state.status === 'failed') return state;
    if (Date.now() > deadline) throw new Error('The picture is still being processed; try again in a moment.');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * Your name, bio and avatar. The avatar is uploaded like any photo (the same checks and
 * processing), as unlisted so it stays out of feeds and search, then set on the profile.
 */
export function ProfileSettings() {
  const queryClient = useQueryClient();
  const me = useQuery(trpc.auth.me.queryOptions());
  const [edits, setEdits] = useState<{ displayName?: string; bio?: string }>({});
  const [uploading, setUploading] = useState<number | null>(null);
  const [uploadProblem, setUploadProblem] = useState<string | null>(null);
  const [processing, setProcessing] = useState(false);
  const update = useMutation(
    trpc.auth.updateProfile.mutationOptions({
      onSuccess: (user) => {
        queryClient.setQueryData(trpc.auth.me.queryKey(), user);
        const signedIn = session.current();
        if (signedIn && signedIn.user.id === user.id) session.start({ ...signedIn, user });
        setEdits({});
      },
    }),
  );
  if (!me.data) return null;
  const problem = update.error ? describeProblem(update.error) : null;
  const displayName = edits.displayName ?? me.data.displayName ?? '';
  const bio = edits.bio ?? me.data.bio ?? '';

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({ displayName, bio });
  };
  const onAvatar = async (file: File | undefined) => {
    if (!file) return;
    setUploadProblem(null);
    setUploading(0);
    try {
      const created = await sendUpload(file, { title: 'Avatar', description: '', visibility: 'unlisted', tags: '' }, setUploading);
      setProcessing(true);
      // Set once its thumbnail exists, so that the header and your page never show a broken picture.
      const state = await settled(created.imageId);
      if (state.status === 'failed') throw new Error(`This picture could not be processed: ${state.failureReason ?? 'unknown reason'}`);
      update.mutate({ avatar: created.imageId });
    } catch (error) {
      setUploadProblem(describeProblem(error).message);
    } finally {
      setUploading(null);
      setProcessing(false);
    }
  };

  return (
    <section className="settings-section" aria-labelledby="settings-profile">
      <h2 id="settings-profile">Profile</h2>
      <div className="avatar-row">
        {me.data.avatarUrl ? <img className="avatar" src={me.data.avatarUrl} alt="Your avatar" width={64} height={64} /> : <span className="avatar avatar-empty" aria-hidden="true" style={{ width: 64, height: 64 }} />}
        <label className="button">
          {processing ? 'Processing…' : uploading !== null ? `Uploading… ${Math.round(uploading * 100)}%` : 'Choose an avatar'}
          <input type="file" accept="image/*" hidden aria-label="Avatar picture" disabled={uploading !== null || processing} onChange={(event) => void onAvatar(event.target.files?.[0])} />
        </label>
        {me.data.avatarUrl && (
          <button type="button" className="button-quiet" disabled={update.isPending} onClick={() => update.mutate({ avatar: null })}>
            Remove
          </button>
        )}
      </div>
      {uploadProblem && <Notice tone="error" message={uploadProblem} />}
      {problemFor(problem, 'avatar') && <Notice tone="error" message={problemFor(problem, 'avatar')!} />}
      <form className="settings-form" onSubmit={onSubmit} noValidate>
        <TextField label="Display name" name="displayName" value={displayName} onChange={(event) => setEdits({ ...edits, displayName: event.target.value })} error={problemFor(problem, 'displayName')} />
        <TextField label="Bio" name="bio" value={bio} onChange={(event) => setEdits({ ...edits, bio: event.target.value })} error={problemFor(problem, 'bio')} />
        <button type="submit" className="button" disabled={update.isPending}>
          {update.isPending ? 'Saving…' : 'Save profile'}
        </button>
        {update.isSuccess && <p className="settings-saved" role="status">Saved.</p>}
      </form>
    </section>
  );
}
