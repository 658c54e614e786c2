import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { trpc } from '../api/queries';
import { Notice } from '../components/Notice';

const size = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);

/**
 * "Export my photos" on My uploads: a zip of the originals, each with a .json sidecar, made
 * in the background. Shows the latest export (or the one the email linked to), its progress,
 * and the download link once it is ready.
 */
export function ExportPanel({ exportId }: { exportId?: string }) {
  const queryClient = useQueryClient();
  const [started, setStarted] = useState<string | undefined>(exportId);
  const latest = useQuery({ ...trpc.upload.exports.list.queryOptions({ limit: 1 }), enabled: !started });
  const current = started ?? latest.data?.items[0]?.exportId;
  const status = useQuery({
    ...trpc.upload.exports.status.queryOptions({ exportId: current ?? '00000000-0000-0000-0000-000000000000' }),
    enabled: Boolean(current),
    refetchInterval: (query) => (query.state.data && (query.state.data.status === 'ready' || query.state.data.status === 'failed') ? false : 1000),
  });
  const create = useMutation(
    trpc.upload.exports.create.mutationOptions({
      onSuccess: async (result) => {
        setStarted(result.exportId);
        await queryClient.invalidateQueries(trpc.upload.exports.pathFilter());
      },
    }),
  );
  const data = current ? status.data : undefined;
  const running = data && (data.status === 'queued' || data.status === 'running');
  return (
    <section className="export-panel" aria-label="Export">
      <div className="form-actions">
        <button type="button" className="button-quiet" disabled={create.isPending || Boolean(running)} onClick={() => create.mutate({})}>
          {running ? 'Exporting…' : 'Export all my photos'}
        </button>
        {data?.status === 'ready' && data.url && (
          <a className="button" href={data.url} download>
            Download export ({size(data.bytes)})
          </a>
        )}
      </div>
      {running && (
        <div className="upload-progress">
          <progress max={1} value={data.progress} aria-label="Export progress" />
          <span role="status">
            {data.done} of {data.total} photos, {size(data.bytes)}
          </span>
        </div>
      )}
      {data?.status === 'ready' && data.expiresAt && (
        <p className="field-hint" role="status">
          Your export of {data.total} {data.total === 1 ? 'photo' : 'photos'} is ready; the link works until {new Date(data.expiresAt).toLocaleString()}.
        </p>
      )}
      {data?.status === 'failed' && <Notice tone="error" message={`The export failed: ${data.error ?? 'unknown reason'}`} />}
      {create.error && <Notice tone="error" message={create.error.message} />}
    </section>
  );
}
