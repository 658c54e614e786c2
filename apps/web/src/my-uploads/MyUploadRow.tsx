import type { UploadState } from '@glimpse/images';
import { useEffect, useRef, useState } from 'react';
import { describeProblem } from '../api/errors';
import { upload } from '../api/trpc';
import { StatusBadge } from '../components/StatusBadge';
import { placeholderUrl } from '../components/placeholder';
import { Link } from '../router/router';
import { EditUploadForm } from './EditUploadForm';

interface MyUploadRowProps {
  item: UploadState;
  onChange: (next: UploadState) => void;
  onDeleted: () => void;
}

const STILL_WORKING = new Set<UploadState['status']>(['pending', 'processing']);

/** While the processor works on it, check back now and then so the badge turns by itself. */
function useFollowStatus(item: UploadState, onChange: (next: UploadState) => void) {
  const latestOnChange = useRef(onChange);
  latestOnChange.current = onChange;
  useEffect(() => {
    if (!STILL_WORKING.has(item.status)) return;
    // Each answer is a new `item`, which schedules the next check.
    const timer = setTimeout(() => {
      upload.status.query({ imageId: item.id }).then((next) => latestOnChange.current(next), () => undefined);
    }, 2_000);
    return () => clearTimeout(timer);
  }, [item]);
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

export function MyUploadRow({ item, onChange, onDeleted }: MyUploadRowProps) {
  const [editing, setEditing] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  useFollowStatus(item, onChange);

  const remove = async () => {
    if (!window.confirm(`Delete "${item.title || 'this photo'}" for good? This cannot be undone.`)) return;
    setDeleting(true);
    setProblem(null);
    try {
      await upload.delete.mutate({ imageId: item.id });
      onDeleted();
    } catch (error) {
      setProblem(describeProblem(error).message);
      setDeleting(false);
    }
  };

  const title = item.title || 'Untitled';
  return (
    <li className="mine-row" aria-label={title}>
      <Thumbnail item={item} />
      <div className="mine-body">
        <div className="mine-heading">
          {item.status === 'ready' ? <Link to={`/i/${item.id}`}>{title}</Link> : <span>{title}</span>}
          <StatusBadge status={item.status} />
          {item.visibility !== 'public' && <StatusBadge status={item.visibility} />}
        </div>
        {item.failureReason && <p className="field-error">{item.failureReason}</p>}
        {item.tags.length > 0 && <p className="mine-tags">{item.tags.map((tag) => `#${tag.tag}`).join(' ')}</p>}
        {editing && (
          <EditUploadForm
            item={item}
            onSaved={(next) => {
              onChange(next);
              setEditing(false);
            }}
            onCancel={() => setEditing(false)}
          />
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
