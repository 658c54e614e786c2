import type { Visibility } from '@glimpse/images';
import { useState, useSyncExternalStore, type FormEvent } from 'react';
import { StorageQuota } from '../components/StorageQuota';
import { VisibilitySelect } from '../components/VisibilitySelect';
import { DropZone } from '../uploads/DropZone';
import { UploadRow } from '../uploads/UploadRow';
import { isFinished, uploadQueue } from '../uploads/upload-queue';
import { RequireSignIn } from './RequireSignIn';

export function UploadPage() {
  return (
    <RequireSignIn>
      <UploadForm />
    </RequireSignIn>
  );
}

function UploadForm() {
  const items = useSyncExternalStore(uploadQueue.subscribe, uploadQueue.snapshot);
  const [visibility, setVisibility] = useState<Visibility>('public');
  const [tags, setTags] = useState('');
  const [description, setDescription] = useState('');

  const staged = items.filter((item) => item.phase === 'staged').length;
  const finished = items.filter(isFinished).length;
  const ready = items.filter((item) => item.phase === 'ready').length;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    uploadQueue.start({ visibility, tags, description });
  };

  return (
    <section className="page page-narrow">
      <h1>Upload photos</h1>
      <StorageQuota />
      <form className="upload-form" onSubmit={onSubmit}>
        <DropZone onFiles={(files) => uploadQueue.addFiles(files)} />
        <fieldset className="shared-fields">
          <legend>For every photo in this batch</legend>
          <VisibilitySelect value={visibility} onChange={setVisibility} />
          <label className="field">
            <span className="field-label">Tags</span>
            <input name="tags" value={tags} onChange={(event) => setTags(event.target.value)} placeholder="sunset, beach, summer" maxLength={2000} />
            <span className="field-hint">Separate tags with commas.</span>
          </label>
          <label className="field">
            <span className="field-label">Description</span>
            <textarea name="description" value={description} onChange={(event) => setDescription(event.target.value)} rows={2} maxLength={5000} />
          </label>
        </fieldset>
        <div className="form-actions">
          <button type="submit" className="button" disabled={staged === 0}>
            {staged === 0 ? 'Upload' : `Upload ${staged} ${staged === 1 ? 'photo' : 'photos'}`}
          </button>
          {finished > 0 && (
            <button type="button" className="button-quiet" onClick={() => uploadQueue.clearFinished()}>
              Clear finished
            </button>
          )}
          {items.length > 0 && (
            <span className="upload-summary" role="status">
              {ready} of {items.length} ready
            </span>
          )}
        </div>
      </form>
      {items.length > 0 && (
        <ul className="upload-list" aria-label="Uploads">
          {items.map((item) => (
            <UploadRow key={item.key} item={item} />
          ))}
        </ul>
      )}
    </section>
  );
}
