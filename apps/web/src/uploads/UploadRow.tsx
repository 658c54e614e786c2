import { Link } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { StatusBadge } from '../components/StatusBadge';
import { isFinished, uploadQueue, type UploadItem } from './upload-queue';

function usePreviewUrl(file: File): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!file.type.startsWith('image/')) return;
    const objectUrl = URL.createObjectURL(file);
    setUrl(objectUrl);
    return () => URL.revokeObjectURL(objectUrl);
  }, [file]);
  return url;
}

const phaseLabel: Record<UploadItem['phase'], string> = {
  staged: 'Ready to upload',
  queued: 'Waiting',
  uploading: 'Uploading',
  waiting: 'Waiting to retry',
  processing: 'Processing',
  ready: 'Ready',
  failed: 'Failed',
  refused: 'Refused',
};

export function UploadRow({ item }: { item: UploadItem }) {
  const preview = usePreviewUrl(item.file);
  const percent = Math.round(item.progress * 100);
  const label = item.phase === 'processing' && item.serverStatus === 'pending' ? 'Waiting to process' : phaseLabel[item.phase];
  return (
    <li className={`upload-row phase-${item.phase}`} aria-label={item.title || item.file.name}>
      <div className="upload-preview" aria-hidden="true">
        {preview && <img src={preview} alt="" onError={(event) => (event.currentTarget.style.visibility = 'hidden')} />}
      </div>
      <div className="upload-body">
        {item.phase === 'staged' ? (
          <label className="field field-inline">
            <span className="field-label">Title</span>
            <input value={item.title} maxLength={200} onChange={(event) => uploadQueue.setTitle(item.key, event.target.value)} />
          </label>
        ) : (
          <p className="upload-title">
            {item.phase === 'ready' && item.imageId ? (
              <Link to="/i/$imageId" params={{ imageId: item.imageId }}>
                {item.title || item.file.name}
              </Link>
            ) : item.title || item.file.name}
          </p>
        )}
        <div className="upload-progress">
          <progress max={100} value={percent} aria-label={`Upload progress of ${item.file.name}`} />
          <span className="upload-percent">{percent}%</span>
        </div>
        {item.message && (item.phase === 'waiting' || item.phase === 'processing' || item.phase === 'ready') && (
          <p className="upload-note" role="status">
            {item.message}
          </p>
        )}
        {item.message && item.phase !== 'waiting' && item.phase !== 'processing' && item.phase !== 'ready' && (
          <p className="field-error" role="alert">
            {item.message}
          </p>
        )}
      </div>
      <div className="upload-side">
        <StatusBadge status={item.phase} label={label} />
        {(item.phase === 'staged' || isFinished(item)) && (
          <button type="button" className="button-quiet" onClick={() => uploadQueue.remove(item.key)} aria-label={`Remove ${item.file.name} from the list`}>
            Remove
          </button>
        )}
      </div>
    </li>
  );
}
