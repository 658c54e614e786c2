import type { TokenVerifier } from '@glimpse/access-tokens';
import { createServiceRoutes, type Route } from '@glimpse/http-service';
import type { Logger } from '@glimpse/logging';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { uploadRouter, type UploadRouter } from './router';
import { createContextInner, type UploadDeps } from './trpc';
import { createExportDownload, EXPORT_DOWNLOAD_PATH } from './library/download-export';
import { createImportReceiver } from './library/receive-import';
import { createUploadReceiver } from './receive-upload';
import type { createUpload } from './create.handler';

export { uploadRouter, type UploadRouter } from './router';
export { createContextInner, type UploadContext, type UploadDeps } from './trpc';
export { acceptImage, contentHashOf, type AcceptDeps, type AcceptOutcome } from './accept-image';
export { createLibraryJobHandler, type LibraryJobDeps } from './library/library-job';
export { createLocalImport, runImport, type ImportJobDeps, type LocalFile } from './library/import-job';
export { runExport, sweepExpiredExports, exportFileName, type ExportJobDeps } from './library/export-job';
export { imports as importsStore, exportsStore } from './library/store';
export { DEFAULT_ZIP_CAPS } from './library/zip-entries';
export type UploadInputs = inferRouterInputs<UploadRouter>;
export type UploadOutputs = inferRouterOutputs<UploadRouter>;
/** What `POST /api/upload/create` answers in `result.data`. */
export type CreatedUpload = Awaited<ReturnType<typeof createUpload>>;

export const UPLOAD_PREFIX = '/api/upload';

export function createUploadRoutes(deps: UploadDeps, verifier: TokenVerifier, logger: Logger): Route[] {
  const [{ handler }] = createServiceRoutes({
    router: uploadRouter,
    prefix: UPLOAD_PREFIX,
    context: (request) => createContextInner(deps, request),
    verifier,
    logger,
  }) as [Route];
  const receiveImport = createImportReceiver(deps, verifier, logger);
  const downloadExport = createExportDownload(deps, logger);
  const receiveUpload = createUploadReceiver(deps, verifier, logger);
  return [
    {
      prefix: UPLOAD_PREFIX,
      handler: (req, res) => {
        const path = req.url?.split('?')[0];
        // Streamed, not parsed by tRPC: an import's zip may be gigabytes.
        if (path === `${UPLOAD_PREFIX}/imports.create`) return receiveImport(req, res);
        if (path?.startsWith(EXPORT_DOWNLOAD_PATH)) return downloadExport(req, res);
        if (path === `${UPLOAD_PREFIX}/create`) return receiveUpload(req, res);
        return handler(req, res);
      },
    },
  ];
}
