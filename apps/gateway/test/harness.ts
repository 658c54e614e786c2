import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@glimpse/config';
import { silentLogger } from '@glimpse/logging';
import { apiClients, settle, signUp, uploadFile, type ApiClients, type Session } from '@glimpse/api-client';
import { startGateway, type Gateway } from '../src/gateway';

export { failure } from '@glimpse/test-fixtures';
export type { Session } from '@glimpse/api-client';

/** A gateway on a free port over a fresh data directory, as `npm start` runs it. */
export async function startTestGateway(env: Record<string, string> = {}): Promise<TestGateway> {
  const dataDir = env.GLIMPSE_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'glimpse-test-'));
  // The tagger's model costs seconds to load; tests that look at machine tags turn it on.
  const config = loadConfig({}, { GLIMPSE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', TAGGER_ENABLED: 'false', ...env });
  const gateway = await startGateway(config, { logger: silentLogger, retryDelayMs: () => 50 });
  return new TestGateway(gateway, dataDir);
}

export class TestGateway {
  constructor(
    readonly gateway: Gateway,
    readonly dataDir: string,
  ) {}

  get url() {
    return this.gateway.url;
  }

  anonymous(): ApiClients {
    return apiClients(this.url);
  }

  signedIn(accessToken: string): ApiClients {
    return apiClients(this.url, accessToken);
  }

  signUp(name?: string): Promise<Session> {
    return signUp(this.url, name);
  }

  upload(session: { accessToken: string }, file: Buffer, fields: Record<string, string> & { filename?: string } = {}) {
    return uploadFile(this.url, session.accessToken, file, fields);
  }

  async uploadOk(session: { accessToken: string }, file: Buffer, fields: Record<string, string> = {}) {
    const result = await this.upload(session, file, fields);
    if (!result.result) throw new Error(`upload refused: ${result.status} ${result.error?.message}`);
    return result.result.data.imageId;
  }

  settle(session: Pick<ApiClients, 'upload'>, imageId: string, timeoutMs = 30_000) {
    return settle(session, imageId, timeoutMs);
  }

  get(path: string, headers: Record<string, string> = {}) {
    return fetch(`${this.url}${path}`, { headers });
  }

  async stop({ keepData = false } = {}) {
    await this.gateway.close();
    if (!keepData) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/**
 * An upload that declares `declaredBytes` of multipart body and sends only its first
 * `sentBytes` of file: what the server answers without the rest (it never comes).
 */
export function sendPartialUpload(baseUrl: string, accessToken: string, declaredBytes: number, sentBytes = 64 * 1024): Promise<{ status: number; body: string }> {
  const boundary = 'glimpse-partial-upload';
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${baseUrl}/api/upload/create`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(declaredBytes) },
    });
    request.on('response', (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, body });
        request.destroy();
      });
    });
    request.on('error', reject);
    request.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`);
    request.write(Buffer.alloc(sentBytes, 0xff));
  });
}
