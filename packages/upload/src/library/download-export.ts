import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { sendApiError } from '@glimpse/http-service';
import type { Logger } from '@glimpse/logging';
import type { UploadDeps } from '../trpc';
import { exportsStore } from './store';

export const EXPORT_DOWNLOAD_PATH = '/api/upload/exports/download/';
export const exportSubject = (exportId: string) => `export:${exportId}`;

/** The signed link to a ready export's zip: it works without a token (a browser download), until the export expires. */
export function exportDownloadUrl(deps: Pick<UploadDeps, 'urlSigner'>, exportId: string, expiresAt: Date): string {
  return `${EXPORT_DOWNLOAD_PATH}${exportId}.zip?${deps.urlSigner.signQueryUntil(exportSubject(exportId), expiresAt.getTime())}`;
}

/** `GET /api/upload/exports/download/{exportId}.zip?exp=…&sig=…`: the zip, streamed from object storage. */
export function createExportDownload(deps: UploadDeps, logger: Logger) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendApiError(res, 'METHOD_NOT_SUPPORTED', 405, 'Download an export with GET.');
    const url = new URL(req.url ?? '/', 'http://local');
    const exportId = /^([0-9a-f-]{36})\.zip$/.exec(url.pathname.slice(EXPORT_DOWNLOAD_PATH.length))?.[1];
    const gone = () => sendApiError(res, 'NOT_FOUND', 404, 'No such export, or its link expired: ask for a new export on My uploads.');
    if (!exportId || !deps.urlSigner.isValid(exportSubject(exportId), url.searchParams.get('exp'), url.searchParams.get('sig'))) return gone();
    const row = await exportsStore.find(deps.db, exportId);
    if (!row || row.status !== 'ready' || !row.object_key || !row.expires_at || row.expires_at.getTime() <= Date.now()) return gone();
    const info = await deps.storage.statObject(deps.buckets.unprocessed, row.object_key);
    if (!info) return gone();
    res.writeHead(200, {
      'Content-Type': 'application/zip',
      'Content-Length': String(info.size),
      'Content-Disposition': `attachment; filename="glimpse-export-${row.created_at.toISOString().slice(0, 10)}.zip"`,
      'Cache-Control': 'private, no-store',
      ETag: info.etag,
    });
    if (req.method === 'HEAD') return res.end();
    try {
      await pipeline(await deps.storage.openObject(deps.buckets.unprocessed, row.object_key), res);
    } catch (error) {
      logger.warn({ err: error, exportId }, 'export download interrupted');
      res.destroy();
    }
  };
}
