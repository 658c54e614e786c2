import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request, Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { noiseJpeg } from '@glimpse/test-fixtures';
import { afterAll, describe, expect, it } from 'vitest';

// An ingress keeps keep-alive connections open to every service. A service told to stop
// (SIGTERM, as Kubernetes does) must still finish the request it is serving and then exit,
// well within the grace period, instead of waiting for those idle connections to time out.

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'glimpse-shutdown-'));
let child: ChildProcess | undefined;
afterAll(() => {
  if (child?.exitCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

function startProcess(): Promise<{ child: ChildProcess; url: URL }> {
  const started = spawn(process.execPath, ['--import', 'tsx', main], {
    env: { ...process.env, GLIMPSE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', TAGGER_ENABLED: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running at (http:\/\/\S+)/.exec(output);
      if (match) resolve({ child: started, url: new URL(match[1]!) });
    };
    started.stdout!.on('data', onData);
    started.stderr!.on('data', onData);
    started.once('exit', (code) => reject(new Error(`gateway exited with ${code} before it was ready:\n${output}`)));
  });
}

/** One request over `agent`, resolving with the status and body. */
function send(url: URL, agent: Agent, options: { method?: string; headers?: Record<string, string | number> } = {}, body?: (write: (chunk: Buffer | string) => void, end: () => void) => void) {
  return new Promise<{ status: number; body: string; connection?: string }>((resolve, reject) => {
    const req = request(url, { agent, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: text, connection: res.headers.connection }));
    });
    req.on('error', reject);
    if (body) body((chunk) => req.write(chunk), () => req.end());
    else req.end();
  });
}

describe('shutdown', () => {
  it('finishes an in-flight upload and exits within 10 s of SIGTERM with idle keep-alive connections open', async () => {
    const gateway = await startProcess();
    child = gateway.child;
    const url = (path: string) => new URL(path, gateway.url);
    const exited = new Promise<number | null>((resolve) => gateway.child.once('exit', (code) => resolve(code)));

    // Keep-alive connections, as an ingress holds them: used once, then left idle.
    const idle = new Agent({ keepAlive: true, maxSockets: 4 });
    const signup = await send(
      url('/api/auth/signup'),
      idle,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (write, end) => {
        write(JSON.stringify({ email: 'leaver@example.com', username: 'leaver', password: 'correct horse battery' }));
        end();
      },
    );
    expect(signup.status).toBe(200);
    const token = (JSON.parse(signup.body) as { result: { data: { accessToken: string } } }).result.data.accessToken;
    await Promise.all([send(url('/healthz'), idle), send(url('/healthz'), idle), send(url('/readyz'), idle)]);
    expect(Object.values(idle.freeSockets).flat().length).toBeGreaterThanOrEqual(1);

    // An upload in flight: half its body is sent before SIGTERM, the rest after.
    const boundary = 'glimpse-shutdown-boundary';
    const photo = await noiseJpeg(800, 600);
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="late.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`);
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const inFlightAgent = new Agent({ keepAlive: true });
    let signalled = 0;
    const upload = send(
      url('/api/upload/create'),
      inFlightAgent,
      { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + photo.length + tail.length } },
      (write, end) => {
        write(head);
        write(photo.subarray(0, photo.length / 2));
        setTimeout(() => {
          signalled = Date.now();
          gateway.child.kill('SIGTERM');
          setTimeout(() => {
            write(photo.subarray(photo.length / 2));
            write(tail);
            end();
          }, 500);
        }, 300);
      },
    );

    const answer = await upload;
    expect(answer.status, answer.body).toBe(200);
    expect((JSON.parse(answer.body) as { result: { data: { imageId: string } } }).result.data.imageId).toMatch(/^[0-9a-f-]{36}$/);
    // The answer tells the client (an ingress) not to reuse the connection.
    expect(answer.connection).toBe('close');

    expect(await exited).toBe(0);
    const tookMs = Date.now() - signalled;
    expect(tookMs).toBeLessThan(10_000);
    idle.destroy();
    inFlightAgent.destroy();
  }, 60_000);
});
