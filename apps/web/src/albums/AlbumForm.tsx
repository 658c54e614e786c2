import type { Visibility } from '@glimpse/images';
import { useState, type FormEvent } from 'react';
import { generalProblem, problemFor, type Problem } from '../api/errors';
import { Notice } from '../components/Notice';
import { TextField } from '../components/TextField';
import { VisibilitySelect } from '../components/VisibilitySelect';

export interface AlbumFields {
  title: string;
  description: string;
  visibility: Visibility;
}

interface AlbumFormProps {
  initial?: AlbumFields;
  submitLabel: string;
  saving: boolean;
  problem: Problem | null;
  onSubmit: (fields: AlbumFields) => void;
  onCancel?: () => void;
}

/** Title, description and who may see it: to create an album, or to change one. */
export function AlbumForm({ initial, submitLabel, saving, problem, onSubmit, onCancel }: AlbumFormProps) {
  const [title, setTitle] = useState(initial?.title ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [visibility, setVisibility] = useState<Visibility>(initial?.visibility ?? 'public');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit({ title, description, visibility });
  };
  const general = generalProblem(problem, ['title', 'description', 'visibility']);
  return (
    <form className="edit-form album-form" onSubmit={submit} aria-label={submitLabel}>
      {general && <Notice tone="error" message={general} />}
      <TextField label="Album title" name="title" value={title} maxLength={200} required onChange={(event) => setTitle(event.target.value)} error={problemFor(problem, 'title')} />
      <label className="field">
        <span className="field-label">Description</span>
        <textarea name="description" rows={2} value={description} maxLength={5000} onChange={(event) => setDescription(event.target.value)} />
        {problemFor(problem, 'description') && <span className="field-error">{problemFor(problem, 'description')}</span>}
      </label>
      <VisibilitySelect value={visibility} onChange={setVisibility} error={problemFor(problem, 'visibility')} />
      <div className="form-actions">
        <button type="submit" className="button" disabled={saving}>
          {saving ? 'Saving…' : submitLabel}
        </button>
        {onCancel && (
          <button type="button" className="button-quiet" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
