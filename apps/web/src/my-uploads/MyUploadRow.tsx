import type { UploadState } from '@glimpse/images';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { describeProblem } from '../api/errors';
import { trpc } from '../api/queries';
import { StatusBadge } from '../components/StatusBadge';
import { placeholderUrl } from '../components/placeholder';
import { invalidateImageLists } from '../feed/image-cache';
import { isStillWorking, removeFromMyUploads, replaceInMyUploads, uploadStatusOptions } from '../uploads/upload-status';
import { EditUploadForm } from './EditUploadForm';

/** While the processor works on it, follow its status so the badge turns by itself. */
function useFollowStatus(item: UploadState) {
  const queryClient = useQueryClient();
  const working = isStillWorking(item.status);
  const { data } = useQuery({ ...uploadStatusOptions(item.id), enabled: working });
  useEffect(() => {
    if (!working || !data || data.status === item.status) return;
    replaceInMyUploads(queryClient, data);
    if (!isStillWorking(data.status)) void invalidateImageLists(queryClient);
  }, [data]);
}

function Thumbnail({ item }: { item: UploadState }) {
  const webp = item.variants.find((v) => v.name === 'thumb' && v.format === 'webp');
  const jpeg = item.variants.find((v) => v.name === 'thumb' && v.format === 'jpeg');
  const preview = placeholderUrl(item.placeholder);
  return (
    <div className="mine-thumb" style={{ backgroundImage: preview ? `url("${preview}")` : undefined }}>
      {jpeg && (
        <picture>
          {webp && <source type="image/webp" srcSet={webp.url} />}
          <img src={jpeg.url} alt={item.title || 'Your photo'} loading="lazy" decoding="async" />
        </picture>
      )}
    </div>
  );
}

export function MyUploadRow({ item }: { item: UploadState }) {
  const [editing, setEditing] = useState(false);
  const queryClient = useQueryClient();
  useFollowStatus(item);
  const deletion = useMutation(
    trpc.upload.delete.mutationOptions({
      onSuccess: () => {
        removeFromMyUploads(queryClient, item.id);
        queryClient.removeQueries(trpc.feed.image.queryFilter({ imageId: item.id }));
        return invalidateImageLists(queryClient);
      },
    }),
  );

  const remove = () => {
    if (window.confirm(`Delete "${item.title || 'this photo'}" for good? This cannot be undone.`)) deletion.mutate({ imageId: item.id });
  };
  const deleting = deletion.isPending || deletion.isSuccess;
  const problem = deletion.error ? describeProblem(deletion.error).message : null;

  const title = item.title || 'Untitled';
  return (
    <li className="mine-row" aria-label={title}>
      <Thumbnail item={item} />
      <div className="mine-body">
        <div className="mine-heading">
          {item.status === 'ready' ? (
            <Link to="/i/$imageId" params={{ imageId: item.id }}>
              {title}
            </Link>
          ) : (
            <span>{title}</span>
          )}
          <StatusBadge status={item.status} />
          {item.visibility !== 'public' && <StatusBadge status={item.visibility} />}
        </div>
        {item.failureReason && <p className="field-error">{item.failureReason}</p>}
        {item.tags.length > 0 && <p className="mine-tags">{item.tags.map((tag) => `#${tag.tag}`).join(' ')}</p>}
        {editing && (
<EditUploadForm item={item} onDone={() => setEditing(false)} />
        )}
        {problem && (
          <p className="field-error" role="alert">
            {problem}
          </p>
        )}
      </div>
      {!editing && (
        <div className="mine-actions">
          <button type="button" className="button-quiet" onClick={() => setEditing(true)} aria-label={`Edit ${title}`}>
            Edit
          </button>
          <button type="button" className="button-quiet button-danger" onClick={remove} disabled={deleting} aria-label={`Delete ${title}`}>
            {deleting ? 'Deleting…' : 'Delete'}
          </button>
        </div>
      )}
    </li>
  );
}
