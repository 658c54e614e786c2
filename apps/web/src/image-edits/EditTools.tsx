import type { FeedOutputs } from '@glimpse/feed';
import type { CropRectangle } from '@glimpse/images';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { describeProblem } from '../api/errors';
import { trpc } from '../api/queries';
import { invalidateImageLists } from '../feed/image-cache';
import { Notice } from '../components/Notice';
import { CropSelector } from './CropSelector';

type ImageDetail = FeedOutputs['image'];

/** How often the page asks whether an edit is rendered (it takes a second or two). */
const POLL_MS = 500;

/**
 * The owner's simple edits on the image page: rotate, flip, crop and undo. Each is rendered
 * from the original by the processor; the page keeps showing the current rendering until
 * the new one is ready, then shows it (the image's status is polled meanwhile).
 */
export function EditTools({ image }: { image: ImageDetail }) {
  const queryClient = useQueryClient();
  const statusOptions = trpc.upload.status.queryOptions({ imageId: image.id });
  const status = useQuery({ ...statusOptions, refetchInterval: (query) => (query.state.data?.editStatus === 'processing' ? POLL_MS : false) });
  const [cropping, setCropping] = useState(false);
  const state = status.data;
  const processing = state?.editStatus === 'processing';

  // Once the served rendering is newer than the one on the page, every cached view of the image is fetched again.
  useEffect(() => {
    if (state && !processing && state.version !== image.version) void invalidateImageLists(queryClient);
  }, [state, processing, image.version, queryClient]);

  const onChanged = { onSuccess: (next: NonNullable<typeof state>) => queryClient.setQueryData(statusOptions.queryKey, next) };
  const edit = useMutation(trpc.upload.edit.mutationOptions(onChanged));
  const undo = useMutation(trpc.upload.undoEdit.mutationOptions(onChanged));
  const busy = processing || edit.isPending || undo.isPending || !state;
  const problem = edit.error ?? undo.error;

  const apply = (change: Parameters<typeof edit.mutate>[0]['edit']) => {
    undo.reset();
    edit.mutate({ imageId: image.id, edit: change }, { onSuccess: () => setCropping(false) });
  };

  return (
    <section className="edit-tools" aria-label="Edit photo">
      <div className="edit-tools-row" role="toolbar" aria-label="Edits">
        <button type="button" className="button-quiet" disabled={busy} onClick={() => apply({ rotate: 270 })}>
          Rotate left
        </button>
        <button type="button" className="button-quiet" disabled={busy} onClick={() => apply({ rotate: 90 })}>
          Rotate right
        </button>
        <button type="button" className="button-quiet" disabled={busy} onClick={() => apply({ flipHorizontal: true })}>
          Flip horizontally
        </button>
        <button type="button" className="button-quiet" disabled={busy} onClick={() => apply({ flipVertical: true })}>
          Flip vertically
        </button>
        <button type="button" className="button-quiet" disabled={busy} aria-pressed={cropping} onClick={() => setCropping(!cropping)}>
          Crop
        </button>
        <button
          type="button"
          className="button-quiet"
          disabled={busy || (state?.edits.length ?? 0) === 0}
          onClick={() => {
            edit.reset();
            undo.mutate({ imageId: image.id });
          }}
        >
          Undo
        </button>
      </div>
      {processing && <Notice message="Applying your edit… the photo updates when it is ready." />}
      {state?.editStatus === 'failed' && state.editFailureReason && <Notice tone="error" message={`The last edit could not be applied: ${state.editFailureReason}`} />}
      {problem && <Notice tone="error" message={describeProblem(problem).message} />}
      {cropping && !processing && (
        <CropSelector image={image} onCancel={() => setCropping(false)} onApply={(crop: CropRectangle) => apply({ crop })} applying={edit.isPending} />
      )}
    </section>
  );
}
