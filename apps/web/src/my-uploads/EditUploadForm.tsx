import type { UploadState, Visibility } from '@glimpse/images';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { describeProblem, generalProblem, problemFor } from '../api/errors';
import { trpc } from '../api/queries';
import { invalidateImageLists } from '../feed/image-cache';
import { replaceInMyUploads } from '../uploads/upload-status';
import { Notice } from '../components/Notice';
import { TextField } from '../components/TextField';
import { VisibilitySelect } from '../components/VisibilitySelect';

interface EditUploadFormProps {
  item: UploadState;
  /** Saved or cancelled. */
  onDone: () => void;
}

export function EditUploadForm({ item, onDone }: EditUploadFormProps) {
  const [title, setTitle] = useState(item.title);
  const [description, setDescription] = useState(item.description);
  const [visibility, setVisibility] = useState<Visibility>(item.visibility);
  const [tags, setTags] = useState(
    item.tags
      .filter((tag) => tag.source === 'user')
      .map((tag) => tag.tag)
      .join(', '),
  );
  const queryClient = useQueryClient();
  const save = useMutation(
    trpc.upload.update.mutationOptions({
      onSuccess: (next) => {
        replaceInMyUploads(queryClient, next);
        onDone();
        // Title, visibility and tags show in feeds, search and the image page too.
        return invalidateImageLists(queryClient);
      },
    }),
  );
  const problem = save.error ? describeProblem(save.error) : null;
  const saving = save.isPending;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ imageId: item.id, title, description, visibility, tags });
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
        <button type="button" className="button-quiet" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
