import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { Client } from 'minio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GlimpseError } from '@glimpse/errors';
import { createS3Storage, openObjectStorage, type ObjectStorage } from '@glimpse/object-storage';
import { describeObjectStorageContract } from './contract';

const endpoint = process.env.S3_ENDPOINT;
const accessKey = process.env.S3_ACCESS_KEY;
const secretKey = process.env.S3_SECRET_KEY;
if (!endpoint || !accessKey || !secretKey) {
  throw new Error('S3_ENDPOINT, S3_ACCESS_KEY and S3_SECRET_KEY must be set: the stack tier runs against a live MinIO or S3 (the stack script starts one)');
}
const region = process.env.S3_REGION ?? 'us-east-1';
const live = { endpoint, accessKey, secretKey, region };

/** A bucket of its own per run, so the stack tier can be re-run against the same server. */
const runBucket = `glimpse-test-${randomUUID().slice(0, 8)}`;

describeObjectStorageContract('S3 (minio client)', async () => ({ storage: openObjectStorage({ dataDir: '/nonexistent', s3: live }), bucket: runBucket }));

describe('S3 streamed writes larger than a part', () => {
  const partBytes = 5 * 1024 * 1024;
  const storage = createS3Storage({ ...live, streamPartBytes: partBytes });
  const url = new URL(endpoint);
  const raw = new Client({ endPoint: url.hostname, port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)), useSSL: url.protocol === 'https:', accessKey, secretKey, region });
  const incompleteUploads = async (key: string) => {
    const found: string[] = [];
    for await (const upload of raw.listIncompleteUploads(runBucket, key, true) as AsyncIterable<{ key: string }>) found.push(upload.key);
    return found;
  };

  it('sends them as a multipart upload, byte for byte, and a source failing after a part leaves neither object nor parts', async () => {
    await storage.ensureBucket(runBucket);
    const chunks = Array.from({ length: 25 }, () => randomBytes(512 * 1024 + 7));
    const whole = Buffer.concat(chunks);
    const key = `streamed-${randomUUID()}.zip`;
    const put = await storage.putObjectStream(runBucket, key, Readable.from(chunks), 'application/zip');
    expect(put.size).toBe(whole.length);
    // A multipart object's ETag ends in the number of its parts: 12.5 MB in 5 MiB parts is 3.
    expect(put.etag).toMatch(/-3"$/);
    expect(await storage.statObject(runBucket, key)).toMatchObject({ size: whole.length, contentType: 'application/zip', etag: put.etag });
    const back = await storage.getObject(runBucket, key);
    expect(createHash('sha256').update(back).digest('hex')).toBe(createHash('sha256').update(whole).digest('hex'));

    const broken = `broken-${randomUUID()}.zip`;
    async function* failsAfterAPart() {
      for (let i = 0; i < 14; i++) yield randomBytes(512 * 1024);
      throw new Error('the source went away');
    }
    await expect(storage.putObjectStream(runBucket, broken, Readable.from(failsAfterAPart()), 'application/zip')).rejects.toThrow(/went away/);
    expect(await storage.statObject(runBucket, broken)).toBeUndefined();
    expect(await incompleteUploads(broken)).toEqual([]);
  });

  it('refuses a part size S3 would not take, saying the least it takes', () => {
    expect(() => createS3Storage({ ...live, streamPartBytes: 1024 * 1024 })).toThrow(/streamPartBytes 1048576: .*at least 5242880/);
  });
});

/** Expects `attempt` to fail within `withinMs` with the error the upload service turns into a refusal. */
async function expectUnavailable(attempt: Promise<unknown>, withinMs: number) {
  const started = Date.now();
  const error = await attempt.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(Date.now() - started).toBeLessThan(withinMs);
  expect(error).toBeInstanceOf(GlimpseError);
  expect(error).toMatchObject({ code: 'STORAGE_UNAVAILABLE', apiCode: 'SERVICE_UNAVAILABLE' });
  expect((error as Error).message).toMatch(/^Object storage is unavailable at http:\/\/127\.0\.0\.1:\d+: /);
}

const operations = (storage: ObjectStorage): Record<string, () => Promise<unknown>> => ({
  put: () => storage.putObject('glimpse-down', 'a/b.bin', Buffer.from('x'), 'text/plain'),
  get: () => storage.getObject('glimpse-down', 'a/b.bin'),
  open: () => storage.openObject('glimpse-down', 'a/b.bin', { start: 0, end: 0 }),
  stat: () => storage.statObject('glimpse-down', 'a/b.bin'),
  delete: () => storage.deleteObject('glimpse-down', 'a/b.bin'),
  list: async () => {
    for await (const object of storage.listObjects('glimpse-down', 'a/')) return object;
  },
  ensureBucket: () => storage.ensureBucket('glimpse-down'),
  ping: () => storage.ping(),
});

describe('S3 storage when the endpoint cannot be reached', () => {
  it('fails every operation at once on a closed port, saying storage is unavailable', async () => {
    const storage = createS3Storage({ ...live, endpoint: 'http://127.0.0.1:1' });
    for (const [name, attempt] of Object.entries(operations(storage))) {
      await expectUnavailable(attempt(), 2_000).catch((error: Error) => {
        throw new Error(`${name}: ${error.message}`);
      });
    }
  });

  it('fails every operation at once when only a proxy answers, with 503 Service Unavailable', async () => {
    const proxy = createHttpServer((_request, response) => response.writeHead(503, { 'Content-Type': 'text/plain' }).end('no upstream'));
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const storage = createS3Storage({ ...live, endpoint: `http://127.0.0.1:${(proxy.address() as { port: number }).port}` });
      for (const [name, attempt] of Object.entries(operations(storage))) {
        await expectUnavailable(attempt(), 2_000).catch((error: Error) => {
          throw new Error(`${name}: ${error.message}`);
        });
      }
    } finally {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  describe('a server that accepts connections and never answers (a frozen MinIO)', () => {
    let server: Server;
    const sockets = new Set<Socket>();
    let port = 0;
    beforeAll(async () => {
      server = createServer((socket) => sockets.add(socket.on('close', () => sockets.delete(socket))));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    });

    it('fails every operation within the default 10 s bound instead of hanging', async () => {
      const storage = createS3Storage({ ...live, endpoint: `http://127.0.0.1:${port}` });
      await Promise.all(Object.values(operations(storage)).map((attempt) => expectUnavailable(attempt(), 12_000)));
    }, 30_000);

    it('honours a shorter timeout when one is configured', async () => {
      const storage = createS3Storage({ ...live, endpoint: `http://127.0.0.1:${port}`, timeoutMs: 500 });
      await expectUnavailable(storage.ping(), 2_000);
    });
  });
});

describe('S3 storage against the live server', () => {
  it('refuses to answer ping with wrong credentials, naming storage as unavailable', async () => {
    const storage = createS3Storage({ ...live, secretKey: 'not-the-secret' });
    const error = await storage.ping().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
  });

  it('reports a missing bucket as a missing object, lists it as empty, and deletes from it without error', async () => {
    const storage = createS3Storage(live);
    const absent = `glimpse-absent-${randomUUID().slice(0, 8)}`;
    expect(await storage.statObject(absent, 'k')).toBeUndefined();
    await expect(storage.getObject(absent, 'k')).rejects.toMatchObject({ name: 'ObjectNotFoundError' });
    const listed = [];
    for await (const object of storage.listObjects(absent)) listed.push(object);
    expect(listed).toEqual([]);
    await expect(storage.deleteObject(absent, 'k')).resolves.toBeUndefined();
  });

  it('rejects an endpoint with a path, or not over HTTP, when it is created', () => {
    expect(() => createS3Storage({ ...live, endpoint: 'http://127.0.0.1:9000/minio' })).toThrow(/no path/);
    expect(() => createS3Storage({ ...live, endpoint: 'ftp://127.0.0.1:9000' })).toThrow(/http/);
  });
});
