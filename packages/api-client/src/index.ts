import type { AdminRouter } from '@glimpse/admin';
import type { AuthRouter, User } from '@glimpse/auth';
import type { FeedRouter } from '@glimpse/feed';
import type { NotificationsRouter } from '@glimpse/notifications';
import type { SearchRouter } from '@glimpse/search';
import type { UploadRouter } from '@glimpse/upload';
import { createTRPCClient, httpLink } from '@trpc/client';

/**
 * A typed client of the Glimpse API for TypeScript programs (scripts, tests, importers):
 * one tRPC client per service at a base URL (the gateway or the ingress), plain JSON.
 */
export function apiClients(baseUrl: string, accessToken?: string) {
  const headers = () => (accessToken ? { authorization: `Bearer ${accessToken}` } : {});
  const link = (prefix: string) => httpLink({ url: `${baseUrl}${prefix}`, headers, fetch: (url, init) => fetchWaitingOnRateLimit(url, init) });
  return {
    auth: createTRPCClient<AuthRouter>({ links: [link('/api/auth')] }),
    upload: createTRPCClient<UploadRouter>({ links: [link('/api/upload')] }),
    feed: createTRPCClient<FeedRouter>({ links: [link('/api/feed')] }),
    search: createTRPCClient<SearchRouter>({ links: [link('/api/search')] }),
    notifications: createTRPCClient<NotificationsRouter>({ links: [link('/api/notifications')] }),
    admin: createTRPCClient<AdminRouter>({ links: [link('/api/admin')] }),
  };
}

export interface RateLimitWaiting {
  /** Give up (and return the 429) once the waits would add up to more than this; 5 minutes by default. */
  maxWaitMs?: number;
  /** Called before each wait, with how long and the server's message. */
  onWait?: (waitMs: number, message: string) => void;
}

/** The wait a 429 asks for: its Retry-After (seconds or an HTTP date), else its body's data.retryAfter, else 1 s. */
export function retryAfterMs(response: Response, body?: { error?: { data?: { retryAfter?: unknown } } }): number {
  const header = response.headers.get('retry-after');
  if (header) {
    const seconds = Number(header);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(header);
    if (Number.isFinite(date)) return Math.max(0, date - Date.now());
  }
  const retryAfter = body?.error?.data?.retryAfter;
  return typeof retryAfter === 'number' ? retryAfter * 1000 : 1000;
}

/**
 * fetch that, when told 429 Too Many Requests, waits for Retry-After and sends the request
 * again (the body must be replayable: a string, Blob or FormData), until `maxWaitMs` of waiting.
 */
export async function fetchWaitingOnRateLimit(url: string | URL | Request, init: RequestInit = {}, { maxWaitMs = 300_000, onWait }: RateLimitWaiting = {}): Promise<Response> {
  let waited = 0;
  for (;;) {
    const response = await fetch(url, init);
    if (response.status !== 429) return response;
    const text = await response.clone().text();
    let body: { error?: { message?: string; data?: { retryAfter?: unknown } } } | undefined;
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      body = undefined;
    }
    // A little jitter, so that many waiting clients do not come back at the same instant.
    const wait = retryAfterMs(response, body) + Math.random() * 250;
    if (waited + wait > maxWaitMs) return response;
    onWait?.(wait, body?.error?.message ?? text.trim());
    await new Promise<void>((resolve, reject) => {
      const signal = init.signal;
      const timer = setTimeout(resolve, wait);
      signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
    });
    waited += wait;
  }
}

export type ApiClients = ReturnType<typeof apiClients>;

export interface Session extends ApiClients {
  username: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  user: User;
}

let userCounter = 0;

export async function signUp(baseUrl: string, name = `user${process.pid}x${++userCounter}`): Promise<Session> {
  const credentials = { username: name, email: `${name}@example.com`, password: 'correct horse battery' };
  const result = await apiClients(baseUrl).auth.signup.mutate(credentials);
  if (result.refreshToken === null) throw new Error('signup: expected the refresh token in the body (this client does not ask for the cookie)');
  return { ...credentials, username: name.toLowerCase(), ...result, refreshToken: result.refreshToken, ...apiClients(baseUrl, result.accessToken) };
}

export interface UploadResponse {
  status: number;
  result?: { data: { imageId: string; status: string } };
  error?: { message: string; data: { code: string; httpStatus: number; field?: string } };
}

/**
 * A real multipart upload over HTTP, as a browser or curl sends it. Told to slow down (429),
 * it waits for Retry-After and sends the file again (see `fetchWaitingOnRateLimit`).
 */
export async function uploadFile(
  baseUrl: string,
  accessToken: string,
  file: Buffer,
  fields: Record<string, string> & { filename?: string } = {},
  waiting: RateLimitWaiting = {},
): Promise<UploadResponse> {
  const { filename = 'photo.jpg', ...rest } = fields;
  const form = new FormData();
  form.set('file', new Blob([new Uint8Array(file)]), filename);
  for (const [key, value] of Object.entries(rest)) form.set(key, value);
  const response = await fetchWaitingOnRateLimit(`${baseUrl}/api/upload/create`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}` }, body: form }, waiting);
  const text = await response.text();
  try {
    return { status: response.status, ...(JSON.parse(text) as Omit<UploadResponse, 'status'>) };
  } catch {
    return { status: response.status, error: { message: text.trim(), data: { code: 'NOT_JSON', httpStatus: response.status } } };
  }
}

export interface ImportResponse {
  status: number;
  result?: { data: { importId: string; status: string } };
  error?: { message: string; data: { code: string; httpStatus: number; field?: string } };
}

/**
 * Starts a bulk import (`/api/upload/imports.create`): each file as a multipart `file` field
 * (one zip, or images), and optional fields such as `keepDuplicates: 'true'`.
 */
export async function importFiles(
  baseUrl: string,
  accessToken: string,
  files: ReadonlyArray<{ name: string; data: Buffer }>,
  fields: Record<string, string> = {},
): Promise<ImportResponse> {
  const form = new FormData();
  for (const file of files) form.append('file', new Blob([new Uint8Array(file.data)]), file.name);
  for (const [key, value] of Object.entries(fields)) form.set(key, value);
  const response = await fetch(`${baseUrl}/api/upload/imports.create`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}` }, body: form });
  const text = await response.text();
  try {
    return { status: response.status, ...(JSON.parse(text) as Omit<ImportResponse, 'status'>) };
  } catch {
    return { status: response.status, error: { message: text.trim(), data: { code: 'NOT_JSON', httpStatus: response.status } } };
  }
}

/** Polls `upload.imports.status` until every entry is settled (ready, or failed for a reason). */
export async function settleImport(session: Pick<ApiClients, 'upload'>, importId: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await session.upload.imports.status.query({ importId });
    const finished = state.status === 'failed' || (state.status === 'done' && state.done + state.failed === state.total);
    if (finished) return state;
    if (Date.now() > deadline) throw new Error(`import ${importId} still ${state.status} after ${timeoutMs} ms: ${state.done} done, ${state.failed} failed of ${state.total}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** Polls `upload.status` until the image's last edit is rendered (or refused); returns that state. */
export async function settleEdit(session: Pick<ApiClients, 'upload'>, imageId: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await session.upload.status.query({ imageId });
    if (state.editStatus !== 'processing') return state;
    if (Date.now() > deadline) throw new Error(`image ${imageId} still rendering its edit after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Polls `upload.status` until the image settles (ready or failed). */
export async function settle(session: Pick<ApiClients, 'upload'>, imageId: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await session.upload.status.query({ imageId });
    if (state.status === 'ready' || state.status === 'failed') return state;
    if (Date.now() > deadline) throw new Error(`image ${imageId} still ${state.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

