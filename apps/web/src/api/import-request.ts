import type { Visibility } from '@glimpse/images';
import { ApiError } from './errors';
import { session } from './session';
import { envelopeError } from './upload-request';

export interface ImportOptions {
  keepDuplicates: boolean;
  visibility: Visibility;
}

/**
 * POSTs the chosen files (a zip, or photos) to `upload.imports.create` as one multipart
 * form, with the progress of sending it (XMLHttpRequest: fetch cannot report it). An expired
 * access token is renewed once and the files sent again. Resolves to the import's id.
 */
export async function sendImport(files: readonly File[], options: ImportOptions, onProgress: (fraction: number) => void): Promise<string> {
  const sentAccessToken = session.current()?.accessToken ?? null;
  try {
    return await postImport(files, options, sentAccessToken, onProgress);
  } catch (error) {
    if (!(error instanceof ApiError && error.code === 'UNAUTHORIZED') || !sentAccessToken) throw error;
    if (!(await session.renewAfterRejection(sentAccessToken))) throw error;
    onProgress(0);
    return postImport(files, options, session.current()?.accessToken ?? null, onProgress);
  }
}

function postImport(files: readonly File[], options: ImportOptions, accessToken: string | null, onProgress: (fraction: number) => void) {
  const form = new FormData();
  for (const file of files) form.append('file', file, file.webkitRelativePath || file.name);
  form.set('keepDuplicates', String(options.keepDuplicates));
  form.set('visibility', options.visibility);
  return new Promise<string>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', '/api/upload/imports.create');
    request.responseType = 'json';
    if (accessToken) request.setRequestHeader('Authorization', `Bearer ${accessToken}`);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      const body = request.response as { result?: { data?: { importId?: string } } } | null;
      const importId = body?.result?.data?.importId;
      if (request.status >= 200 && request.status < 300 && importId) return resolve(importId);
      reject(envelopeError(body as never, request.status, request.getResponseHeader('Retry-After')));
    };
    request.onerror = () => reject(new ApiError("The files didn't reach Glimpse. Check your connection and try again."));
    request.send(form);
  });
}
