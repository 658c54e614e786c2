import { randomUUID } from 'node:crypto';
import { settle, signUp, uploadFile, type Session } from '@glimpse/api-client';
import { noiseJpeg, solid } from '@glimpse/test-fixtures';
import { Client as MinioClient } from 'minio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoOrphans, expectReadyExactlyOnce, inspect } from './checks';
import { glimpseCli, stackCtl, startStack, waitFor, type Stack } from './harness';

let stack: Stack;
let checks: ReturnType<typeof inspect>;
let user: Session;
beforeAll(async () => {
  stack = await startStack();
  checks = inspect(stack);
  user = await signUp(stack.url, 'faulty');
});
afterAll(async () => {
  // Leave the shared servers running for the next file whatever happened here.
  stackCtl('pg-start');
  stackCtl('rabbitmq-start');
  stackCtl('minio-start');
  await checks?.db.close();
  await stack?.stop();
});

async function upload(file?: Buffer) {
  const result = await uploadFile(stack.url, user.accessToken, file ?? (await solid(160, 120, `#${randomUUID().slice(0, 6)}`).png().toBuffer()));
  return result;
}

async function uploadAccepted(file?: Buffer) {
  const result = await upload(file);
  expect(result.status, result.error?.message).toBe(200);
  return result.result!.data.imageId;
}

async function allReady(ids: string[], timeoutMs = 180_000) {
  for (const id of ids) expect((await settle(user, id, timeoutMs)).status, `image ${id}`).toBe('ready');
  await expectReadyExactlyOnce(checks.db, ids);
  await expectNoOrphans(checks);
}

describe('faults in the production shape', () => {
  it('keeps accepting uploads while RabbitMQ is down, and finishes them all once it is back', async () => {
    const before = await Promise.all(Array.from({ length: 5 }, () => uploadAccepted()));
    stackCtl('rabbitmq-stop');
    const during = [];
    for (let i = 0; i < 10; i++) during.push(await uploadAccepted());
    await waitFor(async () => !(await stack.isReady('upload')), 'the upload service to report the queue unreachable', 30_000);
    const [{ count: waiting }] = (await checks.db.query<{ count: number }>('SELECT count(*) AS count FROM outbox')) as [{ count: number }];
    expect(waiting, 'jobs accepted while the broker was down wait in the outbox').toBeGreaterThan(0);
    stackCtl('rabbitmq-start');
    await waitFor(() => stack.isReady('upload'), 'the upload service to reconnect', 60_000);
    await allReady([...before, ...during]);
  });

  it('redelivers the job of an image-processor killed with SIGKILL mid-job, and completes it once', async () => {
    const ids = await Promise.all(Array.from({ length: 4 }, async () => uploadAccepted(await noiseJpeg(3000, 2000))));
    await waitFor(async () => (await checks.db.query(`SELECT 1 FROM images WHERE id = ANY($1::uuid[]) AND status = 'processing'`, [ids])).length > 0, 'a job in progress', 60_000, 20);
    await stack.kill('image-processor', 'SIGKILL');
    await stack.start('image-processor');
    await allReady(ids);
    const [{ attempts }] = (await checks.db.query<{ attempts: number }>('SELECT max(processing_attempts) AS attempts FROM images WHERE id = ANY($1::uuid[])', [ids])) as [{ attempts: number }];
    expect(attempts, 'the killed job was picked up again').toBeGreaterThanOrEqual(2);
  });

  it('reports not ready while PostgreSQL restarts, then recovers without restarting any service', async () => {
    const pids = [...stack.processes.values()].map((child) => child.pid);
    stackCtl('pg-stop');
    await waitFor(async () => !(await stack.isReady('feed')), 'feed to report the database unreachable', 30_000);
    expect(await stack.isReady('auth')).toBe(false);
    stackCtl('pg-start');
    for (const name of ['auth', 'upload', 'feed', 'search', 'static', 'image-processor', 'image-tagger'] as const) await waitFor(() => stack.isReady(name), `${name} to be ready again`, 60_000);
    expect([...stack.processes.values()].map((child) => child.pid)).toEqual(pids);
    await allReady([await uploadAccepted()]);
  });

  it('refuses uploads with a clear error while MinIO is down, half-writes nothing, and accepts them again after', async () => {
    const [{ count: rowsBefore }] = (await checks.db.query<{ count: number }>('SELECT count(*) AS count FROM images')) as [{ count: number }];
    stackCtl('minio-stop');
    const refused = await upload();
    expect(refused.status).toBe(503);
    expect(refused.error?.data.code).toBe('SERVICE_UNAVAILABLE');
    expect(refused.error?.message).toMatch(/storage is unavailable/i);
    const [{ count: rowsDuring }] = (await checks.db.query<{ count: number }>('SELECT count(*) AS count FROM images')) as [{ count: number }];
    expect(rowsDuring).toBe(rowsBefore);
    stackCtl('minio-start');
    await waitFor(() => stack.isReady('upload'), 'upload to see storage again', 60_000);
    await allReady([await uploadAccepted()]);
  });

  it('dead-letters a job that keeps failing, marks the image failed with the reason, and `glimpse redrive` puts it back', async () => {
    await waitFor(async () => (await checks.db.query(`SELECT 1 FROM images WHERE status IN ('pending', 'processing')`)).length === 0, 'earlier work to settle', 120_000);
    // A misconfigured store: the processed bucket disappears, so every attempt to write variants fails.
    const processed = checks.buckets.processed;
    const moved: Array<[string, Buffer]> = [];
    for await (const object of checks.storage.listObjects(processed)) moved.push([object.key, await checks.storage.getObject(processed, object.key)]);
    for (const [key] of moved) await checks.storage.deleteObject(processed, key);
    const endpoint = new URL(stack.env.S3_ENDPOINT!);
    await new MinioClient({ endPoint: endpoint.hostname, port: Number(endpoint.port), useSSL: false, accessKey: stack.env.S3_ACCESS_KEY!, secretKey: stack.env.S3_SECRET_KEY! }).removeBucket(processed);

    const poison = await uploadAccepted();
    const failed = await settle(user, poison, 120_000);
    expect(failed.status).toBe('failed');
    expect(failed.failureReason).toMatch(/Processing failed 3 times/);
    const listed = glimpseCli(stack, 'dead-letters');
    expect(listed).toContain(poison);

    await checks.storage.ensureBucket(processed);
    for (const [key, body] of moved) await checks.storage.putObject(processed, key, body, key.endsWith('.webp') ? 'image/webp' : 'image/jpeg');
    const redriven = glimpseCli(stack, 'redrive');
    expect(redriven).toMatch(/returned 1 dead letter/);
    expect((await settle(user, poison, 120_000)).status).toBe('ready');
    await expectReadyExactlyOnce(checks.db, [poison]);
    await expectNoOrphans(checks);
  });
});
