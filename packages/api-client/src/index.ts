import type { AuthRouter } from '@glimpse/auth';
import type { FeedRouter } from '@glimpse/feed';
import type { SearchRouter } from '@glimpse/search';
import type { UploadRouter } from '@glimpse/upload';
import { createTRPCClient, httpLink } from '@trpc/client';

/**
 * A typed client of the Glimpse API for TypeScript programs (scripts, tests, importers):
 * one tRPC client per service at a base URL (the gateway or the ingress), plain JSON.
 */
export function apiClients(baseUrl: string, accessToken?: string) {
  const headers = () => (accessToken ? { authorization: `Bearer ${accessToken}` } : {});
  return {
    auth: createTRPCClient<AuthRouter>({ links: [httpLink({ url: `${baseUrl}/api/auth`, headers })] }),
    upload: createTRPCClient<UploadRouter>({ links: [httpLink({ url: `${baseUrl}/api/upload`, headers })] }),
    feed: createTRPCClient<FeedRouter>({ links: [httpLink({ url: `${baseUrl}/api/feed`, headers })] }),
    search: createTRPCClient<SearchRouter>({ links: [httpLink({ url: `${baseUrl}/api/search`, headers })] }),
  };
}

export type ApiClients = ReturnType<typeof apiClients>;

export interface Session extends ApiClients {
  username: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  user: { id: string; username: string; email: string; createdAt: string };
}

let userCounter = 0;

export async function signUp(baseUrl: string, name = `user${process.pid}x${++userCounter}`): Promise<Session> {
  const credentials = { username: name, email: `${name}@example.com`, password: 'correct horse battery' };
  const result = await apiClients(baseUrl).auth.signup.mutate(credentials);
  return { ...credentials, username: name.toLowerCase(), ...result, ...apiClients(baseUrl, result.accessToken) };
}

export interface UploadResponse {
  status: number;
  result?: { data: { imageId: string; status: string } };
  error?: { message: string; data: { code: string; httpStatus: number; field?: string } };
}

/** A real multipart upload over HTTP, as a browser or curl sends it. */
export async function uploadFile(baseUrl: string, accessToken: string, file: Buffer, fields: Record<string, string> & { filename?: string } = {}): Promise<UploadResponse> {
  const { filename = 'photo.jpg', ...rest } = fields;
  const form = new FormData();
  form.set('file', new Blob([new Uint8Array(file)]), filename);
  for (const [key, value] of Object.entries(rest)) form.set(key, value);
  const response = await fetch(`${baseUrl}/api/upload/create`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}` }, body: form });
  const text = await response.text();
  try {
    return { status: response.status, ...(JSON.parse(text) as Omit<UploadResponse, 'status'>) };
  } catch {
    return { status: response.status, error: { message: text.trim(), data: { code: 'NOT_JSON', httpStatus: response.status } } };
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

