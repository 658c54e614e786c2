import type { UploadState, Visibility } from '@glimpse/images';
import { useState, type FormEvent } from 'react';
import { describeProblem, generalProblem, problemFor, type Problem } from '../api/errors';
import { upload } from '../api/trpc';
import { Notice } from '../components/Notice';
import { TextField } from '../components/TextField';
import { VisibilitySelect } from '../components/VisibilitySelect';

interface EditUploadFormProps {
  item: UploadState;
  onSaved: (next: UploadState) => void;
  onCancel: () => void;
}

export function EditUploadForm({ item, onSaved, onCancel }: EditUploadFormProps) {
  const [title, setTitle] = useState(item.title);
  const [description, setDescription] = useState(item.description);
  const [visibility, setVisibility] = useState<Visibility>(item.visibility);
  const [tags, setTags] = useState(
    item.tags
      .filter((tag) => tag.source === 'user')
      .map((tag) => tag.tag)
      .join(', '),
  );
  const [problem, setProblem] = useState<Problem | null>(null);
  const [saving, setSaving] = useState(false);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setProblem(null);
    try {
      onSaved(await upload.update.mutate({ imageId: item.id, title, description, visibility, tags }));
    } catch (error) {
      setProblem(describeProblem(error));
      setSaving(false);
    }
  };

  const general = generalProblem(problem, ['title', 'description', 'visibility', 'tags']);
  return (
    <form className="edit-form" onSubmit={onSubmit}>
      {general && <Notice tone="error" message={general} />}
      <TextField label="Title" name="title" value={title} maxLength={200} onChange={(event) => setTitle(event.target.value)} error={problemFor(problem, 'title')} />
      <label className="field">
        <span className="field-label">Description</span>
        <textarea name="description" rows={2} value={description} maxLength={5000} onChange={(event) => setDescription(event.target.value)} />
        {problemFor(problem, 'description') && <span className="field-error">{problemFor(problem, 'description')}</span>}
      </label>
      <VisibilitySelect value={visibility} onChange={setVisibility} error={problemFor(problem, 'visibility')} />
      <TextField label="Tags" name="tags" value={tags} onChange={(event) => setTags(event.target.value)} hint="Separate tags with commas." error={problemFor(problem, 'tags')} />
      <div className="form-actions">
        <button type="submit" className="button" disabled={saving}>
          {saving ? 'Saving…' : 'Save'}
        </button>
        <button type="button" className="button-quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
