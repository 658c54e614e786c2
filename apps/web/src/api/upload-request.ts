import type { CreatedUpload } from '@glimpse/upload';
import type { Visibility } from '@glimpse/images';
import { ApiError } from './errors';
import { session } from './session';

export type { CreatedUpload };

export interface UploadFields {
  title: string;
  description: string;
  visibility: Visibility;
  /** Comma-separated, as the server expects. */
  tags: string;
}

interface TrpcEnvelope {
  result?: { data?: unknown };
  error?: { message?: string; data?: { code?: string; httpStatus?: number; field?: string; retryAfter?: number } };
}

/**
 * POSTs one file as multipart form data to `upload.create`. fetch() cannot report upload
 * progress, so this uses XMLHttpRequest and its `upload.onprogress`. An expired access
 * token is renewed once and the file sent again.
 */
export async function sendUpload(file: File, fields: UploadFields, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<CreatedUpload> {
  const sentAccessToken = session.current()?.accessToken ?? null;
  try {
    return await postForm(file, fields, sentAccessToken, onProgress, signal);
  } catch (error) {
    if (!(error instanceof ApiError && error.code === 'UNAUTHORIZED') || !sentAccessToken) throw error;
    if (!(await session.renewAfterRejection(sentAccessToken))) throw error;
    onProgress(0);
    return postForm(file, fields, session.current()?.accessToken ?? null, onProgress, signal);
  }
}

function postForm(file: File, fields: UploadFields, accessToken: string | null, onProgress: (fraction: number) => void, signal?: AbortSignal) {
  const form = new FormData();
  form.set('file', file, file.name);
  form.set('title', fields.title);
  if (fields.description) form.set('description', fields.description);
  form.set('visibility', fields.visibility);
  if (fields.tags) form.set('tags', fields.tags);

  return new Promise<CreatedUpload>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', '/api/upload/create');
    request.responseType = 'json';
    if (accessToken) request.setRequestHeader('Authorization', `Bearer ${accessToken}`);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      const body = request.response as TrpcEnvelope | null;
      const created = body?.result?.data as CreatedUpload | undefined;
      if (request.status >= 200 && request.status < 300 && created) {
        onProgress(1);
        return resolve(created);
      }
      reject(envelopeError(body, request.status, request.getResponseHeader('Retry-After')));
    };
    request.onerror = () => reject(new ApiError("The upload didn't reach Glimpse. Check your connection and try again."));
    request.onabort = () => reject(new ApiError('Upload cancelled.', 'CANCELLED'));
    signal?.addEventListener('abort', () => request.abort(), { once: true });
    request.send(form);
  });
}

export function envelopeError(body: TrpcEnvelope | null, status: number, retryAfter: string | null): ApiError {
  if (status === 429) {
    // Whoever said it (the service, or the ingress in front of it), the file waits and goes again.
    const seconds = Number(retryAfter ?? body?.error?.data?.retryAfter);
    const waitMs = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 1000;
    return new ApiError(body?.error?.message ?? 'Glimpse asked to slow down.', 'TOO_MANY_REQUESTS', undefined, waitMs);
  }
  if (body?.error?.message) return new ApiError(body.error.message, body.error.data?.code, body.error.data?.field);
  if (status === 413) return new ApiError('The file is larger than this server accepts.', 'PAYLOAD_TOO_LARGE', 'file');
  return new ApiError(`The upload failed (HTTP ${status}). Try again.`);
}
