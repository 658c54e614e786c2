import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@glimpse/config';
import { silentLogger, type Logger } from '@glimpse/logging';
import { createStartupProgress, startService, waitFor, type RunningService } from '@glimpse/platform';
import { freePort } from '@glimpse/test-fixtures';

/**
 * A fresh install starts MinIO and the Glimpse pods at the same moment. A service must then
 * wait for its buckets (alive on /healthz, not ready on /readyz, saying what it waits for),
 * not exit: these start real services on real adapters whose storage is not there yet.
 */

const directories: string[] = [];
afterAll(() => directories.forEach((directory) => rmSync(directory, { recursive: true, force: true })));
const dataDir = () => {
  const directory = mkdtempSync(join(tmpdir(), 'glimpse-startup-'));
  directories.push(directory);
  return directory;
};

/** A logger whose lines the test can read. */
function capturingLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined && accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const get = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as { status?: string; ready?: boolean; checks?: Record<string, string> } };
};

/** A service with one route of its own, as every app and worker is wired. */
const withRoute = async () => ({
  routes: [{ prefix: '/api/hello', handler: (_req: unknown, res: ServerResponse) => res.writeHead(200).end('hello') }],
});

describe('start-up while object storage is not there yet', () => {
  it('waits for its buckets on the filesystem adapter: alive, not ready and saying why, then ready once they can be made', async () => {
    const directory = dataDir();
    // the objects directory cannot be created yet (as a volume that is not mounted yet)
    writeFileSync(join(directory, 'objects'), 'not a directory');
    const port = await freePort();
    const { logger, lines } = capturingLogger();
    const config = loadConfig({}, { GLIMPSE_DATA_DIR: directory, PORT: String(port), HOST: '127.0.0.1', TAGGER_ENABLED: 'false' });
    let service: RunningService | undefined;
    const starting = startService('upload', config, logger, withRoute).then((started) => (service = started));
    try {
      const url = `http://127.0.0.1:${port}`;
      const waiting = await eventually(() => get(`${url}/readyz`), (r) => r.status === 503 && /bucket "unprocessed"/.test(r.body.checks?.startup ?? ''));
      expect(waiting.body).toMatchObject({ status: 'not ready', ready: false });
      expect(waiting.body.checks?.startup).toContain(`waiting for object storage bucket "unprocessed" at ${join(directory, 'objects')}`);
      expect(await get(`${url}/healthz`)).toEqual({ status: 200, body: { status: 'alive', service: 'upload' } });
      const early = await fetch(`${url}/api/hello`);
      expect(early.status).toBe(503);
      expect(((await early.json()) as { error: { message: string } }).error.message).toMatch(/^upload is starting \(waiting for object storage bucket "unprocessed"/);
      expect(service).toBeUndefined();

      // the storage appears: the next try makes the buckets and the service starts
      rmSync(join(directory, 'objects'));
      await starting;
      expect((await get(`${url}/readyz`)).status).toBe(200);
      expect(await (await fetch(`${url}/api/hello`)).text()).toBe('hello');
      const waits = lines.filter((line) => line.waitingFor === `object storage bucket "unprocessed" at ${join(directory, 'objects')}`);
      expect(waits.length).toBeGreaterThanOrEqual(1);
      expect(waits[0]!.msg).toMatch(/^waiting for object storage bucket "unprocessed" at .*: .*\(next try in \d+\.\d s\)$/);
      expect(waits[0]).toMatchObject({ level: 40, attempt: 1 });
      expect(lines.some((line) => line.msg === `object storage bucket "unprocessed" at ${join(directory, 'objects')} is available`)).toBe(true);
    } finally {
      rmSync(join(directory, 'objects'), { force: true, recursive: true });
      await starting.catch(() => undefined);
      await service?.close();
    }
  });

  it('waits for a MinIO that answers "Not Found" and "not initialized" while it starts, through the S3 adapter', async () => {
    // What a MinIO pod answers in its first seconds, then what it answers once up.
    let requests = 0;
    const minio: Server = createServer((req, res) => {
      requests += 1;
      req.resume();
      if (requests <= 2) return res.writeHead(404, { 'Content-Length': '0' }).end();
      if (requests <= 4) {
        res.writeHead(503, { 'Content-Type': 'application/xml' });
        return res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>XMinioServerNotInitialized</Code><Message>Server not initialized yet, please try again.</Message></Error>');
      }
      // HEAD bucket: it exists
      res.writeHead(200, { 'Content-Length': '0' }).end();
    });
    await new Promise<void>((resolve) => minio.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(minio.address() as { port: number }).port}`;
    const { logger, lines } = capturingLogger();
    const config = loadConfig({}, { GLIMPSE_DATA_DIR: dataDir(), PORT: '0', TAGGER_ENABLED: 'false', S3_ENDPOINT: endpoint, S3_ACCESS_KEY: 'glimpse', S3_SECRET_KEY: 'glimpse-secret' });
    const service = await startService('image-processor', config, logger, withRoute);
    try {
      expect(requests).toBeGreaterThan(4);
      const waits = lines.filter((line) => String(line.waitingFor ?? '').startsWith('object storage bucket "unprocessed"'));
      expect(waits.length).toBeGreaterThanOrEqual(2);
      expect(waits.map((line) => line.reason).join('\n')).toMatch(/Not Found|not initialized|unavailable/i);
    } finally {
      await service.close();
      await new Promise((resolve) => minio.close(resolve));
    }
  });
});

describe('waitFor', () => {
  it('retries with growing delays, tells the progress what it waits for, and forgets it once done', async () => {
    const progress = createStartupProgress();
    const delays: number[] = [];
    const seen: string[] = [];
    let calls = 0;
    const result = await waitFor(
      'the thing',
      async () => {
        calls += 1;
        seen.push(progress.describe());
        if (calls < 4) throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:9000'), { code: 'ECONNREFUSED' });
        return 'up';
      },
      { logger: silentLogger, progress, delayMs: (retry) => (delays.push(retry * 10), 1) },
    );
    expect(result).toBe('up');
    expect(calls).toBe(4);
    expect(delays).toEqual([10, 20, 30]);
    expect(seen).toEqual(['starting', ...Array(3).fill('waiting for the thing: connect ECONNREFUSED 10.0.0.1:9000')]);
    expect(progress.describe()).toBe('starting');
  });

  it('gives up with the last error once its time is up', async () => {
    let calls = 0;
    const failing = waitFor('never', async () => {
      calls += 1;
      throw new Error(`no ${calls}`);
    }, { logger: silentLogger, timeoutMs: 50, delayMs: () => 20 });
    await expect(failing).rejects.toThrow(/^no \d+$/);
    expect(calls).toBeGreaterThanOrEqual(2);
  });
});
