import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuthRouter } from '@glimpse/auth';
import { loadConfig } from '@glimpse/config';
import type { FeedRouter } from '@glimpse/feed';
import { silentLogger } from '@glimpse/logging';
import type { UploadRouter } from '@glimpse/upload';
import { TRPCClientError, createTRPCClient, httpLink } from '@trpc/client';
import { startGateway, type Gateway } from '../src/gateway';

/** A gateway on a free port over a fresh data directory, as `npm start` runs it. */
export async function startTestGateway(env: Record<string, string> = {}): Promise<TestGateway> {
  const dataDir = env.GLIMPSE_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'glimpse-test-'));
  const config = loadConfig({}, { GLIMPSE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', ...env });
  const gateway = await startGateway(config, { logger: silentLogger, retryDelayMs: () => 50 });
  return new TestGateway(gateway, dataDir);
}

export interface Session {
  username: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  user: { id: string; username: string; email: string; createdAt: string };
  auth: Clients['auth'];
  upload: Clients['upload'];
  feed: Clients['feed'];
}

type Clients = ReturnType<typeof clientsFor>;

let userCounter = 0;

/** Typed clients of each service, as any HTTP client would call them. */
function clientsFor(baseUrl: string, accessToken?: string) {
  const headers = () => (accessToken ? { authorization: `Bearer ${accessToken}` } : {});
  return {
    auth: createTRPCClient<AuthRouter>({ links: [httpLink({ url: `${baseUrl}/api/auth`, headers })] }),
    upload: createTRPCClient<UploadRouter>({ links: [httpLink({ url: `${baseUrl}/api/upload`, headers })] }),
    feed: createTRPCClient<FeedRouter>({ links: [httpLink({ url: `${baseUrl}/api/feed`, headers })] }),
  };
}

export class TestGateway {
  constructor(
    readonly gateway: Gateway,
    readonly dataDir: string,
  ) {}

  get url() {
    return this.gateway.url;
  }

  anonymous() {
    return clientsFor(this.url);
  }

  signedIn(accessToken: string) {
    return clientsFor(this.url, accessToken);
  }

  async signUp(name = `user${process.pid}x${++userCounter}`): Promise<Session> {
    const credentials = { username: name, email: `${name}@example.com`, password: 'correct horse battery' };
    const result = await this.anonymous().auth.signup.mutate(credentials);
    return { ...credentials, username: name.toLowerCase(), ...result, ...this.signedIn(result.accessToken) };
  }

  /** A real multipart upload over HTTP, as a browser or curl sends it. */
  async upload(session: Pick<Session, 'accessToken'>, file: Buffer, fields: Record<string, string> & { filename?: string } = {}) {
    const { filename = 'photo.jpg', ...rest } = fields;
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(file)]), filename);
    for (const [key, value] of Object.entries(rest)) form.set(key, value);
    const response = await fetch(`${this.url}/api/upload/create`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.accessToken}` },
      body: form,
    });
    const body = (await response.json()) as { result?: { data: { imageId: string; status: string } }; error?: { message: string; data: { code: string; httpStatus: number; field?: string } } };
    return { status: response.status, ...body };
  }

  async uploadOk(session: Pick<Session, 'accessToken'>, file: Buffer, fields: Record<string, string> = {}) {
    const result = await this.upload(session, file, fields);
    if (!result.result) throw new Error(`upload refused: ${result.status} ${result.error?.message}`);
    return result.result.data.imageId;
  }

  /** Polls `upload.status` until the image settles (ready or failed). */
  async settle(session: Session, imageId: string, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await session.upload.status.query({ imageId });
      if (state.status === 'ready' || state.status === 'failed') return state;
      if (Date.now() > deadline) throw new Error(`image ${imageId} still ${state.status} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async get(path: string, headers: Record<string, string> = {}) {
    return fetch(`${this.url}${path}`, { headers });
  }

  async stop({ keepData = false } = {}) {
    await this.gateway.close();
    if (!keepData) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** The tRPC error code and message a call failed with. */
export async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string; httpStatus: number; field?: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCClientError) {
      const data = error.data as { code: string; httpStatus: number; field?: string };
      return { code: data.code, message: error.message, httpStatus: data.httpStatus, field: data.field };
    }
    throw error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
