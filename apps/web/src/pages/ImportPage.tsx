import type { Visibility } from '@glimpse/images';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/errors';
import { sendImport } from '../api/import-request';
import { trpc } from '../api/queries';
import { Notice } from '../components/Notice';
import { StorageQuota } from '../components/StorageQuota';
import { VisibilitySelect } from '../components/VisibilitySelect';
import { ImportProgress } from '../library/ImportProgress';
import { RequireSignIn } from './RequireSignIn';

/** `/import`, and `/import?id=…` once an import runs: the id in the URL keeps its progress across reloads. */
export function ImportPage({ importId }: { importId?: string }) {
  return (
    <RequireSignIn>
      <ImportForm importId={importId} />
    </RequireSignIn>
  );
}

function ImportForm({ importId }: { importId?: string }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [files, setFiles] = useState<File[]>([]);
  const [keepDuplicates, setKeepDuplicates] = useState(false);
  const [visibility, setVisibility] = useState<Visibility>('public');
  const [sending, setSending] = useState<number | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const recent = useQuery(trpc.upload.imports.list.queryOptions({ limit: 10 }));

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    setSending(0);
    try {
      const id = await sendImport(files, { keepDuplicates, visibility }, setSending);
      setFiles([]);
      await queryClient.invalidateQueries(trpc.upload.imports.list.pathFilter());
      await navigate({ to: '/import', search: { id } });
    } catch (error) {
      setProblem(error instanceof ApiError || error instanceof Error ? error.message : String(error));
    } finally {
      setSending(null);
    }
  };

  return (
    <section className="page page-narrow">
      <div className="page-heading">
        <h1>Import photos</h1>
        <Link to="/upload">Upload a few instead</Link>
      </div>
      <p className="field-hint">
        A zip of your library (folders inside it are fine), or many photos at once. Each file is checked like an upload; exact copies of photos you already have are skipped.
      </p>
      <StorageQuota />
      <form className="upload-form" onSubmit={onSubmit}>
        <label className="field">
          <span className="field-label">Zip or photos</span>
          <input type="file" name="file" multiple accept=".zip,application/zip,image/*" onChange={(event) => setFiles([...(event.target.files ?? [])])} />
        </label>
        <VisibilitySelect value={visibility} onChange={setVisibility} />
        <label className="field field-inline">
          <input type="checkbox" name="keepDuplicates" checked={keepDuplicates} onChange={(event) => setKeepDuplicates(event.target.checked)} />
          <span>Keep exact duplicates of photos I already have</span>
        </label>
        <div className="form-actions">
          <button type="submit" className="button" disabled={files.length === 0 || sending !== null}>
            {sending !== null ? 'Sending…' : files.length === 0 ? 'Import' : `Import ${files.length} ${files.length === 1 ? 'file' : 'files'}`}
          </button>
        </div>
        {sending !== null && (
          <div className="upload-progress">
            <progress max={1} value={sending} aria-label="Sending the files" />
            <span>{Math.round(sending * 100)}% sent</span>
          </div>
        )}
        {problem && <Notice tone="error" message={problem} />}
      </form>
      {importId && <ImportProgress key={importId} importId={importId} />}
      {recent.data && recent.data.items.length > 0 && (
        <section className="recent-imports">
          <h2>Recent imports</h2>
          <ul>
            {recent.data.items.map((item) => (
              <li key={item.importId}>
                <Link to="/import" search={{ id: item.importId }}>
                  {item.files.join(', ')}
                </Link>{' '}
                — {new Date(item.createdAt).toLocaleString()}: {item.done} ready, {item.failed} not imported, of {item.total}
              </li>
            ))}
          </ul>
        </section>
      )}
    </section>
  );
}
