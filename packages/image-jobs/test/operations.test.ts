import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openPglite, type Database } from '@glimpse/database';
import { createInProcessQueue, QUEUES, type JobQueue } from '@glimpse/job-queue';
import { silentLogger } from '@glimpse/logging';
import { enqueueJob, queuedJobs } from '@glimpse/outbox';
import { createFilesystemStorage, type ObjectStorage } from '@glimpse/object-storage';
import { solid } from '@glimpse/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageWrites } from '@glimpse/images';
import { createProcessImageHandler, reconcileStuckImages, redriveDeadLetters, retagAll, sweepOrphans } from '@glimpse/image-jobs';

const directory = mkdtempSync(join(tmpdir(), 'glimpse-ops-'));
const buckets = { unprocessed: 'unprocessed', processed: 'processed' };
let db: Database;
let storage: ObjectStorage;
let queue: JobQueue;
let ownerId: string;

beforeAll(async () => {
  db = await openPglite();
  await migrate(db);
  storage = createFilesystemStorage(join(directory, 'objects'));
  queue = createInProcessQueue(join(directory, 'queue'));
  [{ id: ownerId }] = (await db.query<{ id: string }>(`INSERT INTO users (email, username, password_hash) VALUES ('o@example.com', 'owner', 'x') RETURNING id`)) as [{ id: string }];
});
afterAll(async () => {
  await queue.close();
  await db.close();
  rmSync(directory, { recursive: true, force: true });
});

async function pendingImage(updatedSecondsAgo = 0) {
  const id = randomUUID();
  await storage.putObject(buckets.unprocessed, `originals/${id}`, await solid(64, 48, '#406080').png().toBuffer(), 'image/png');
  await db.query(
    `INSERT INTO images (id, owner_id, visibility, status, original_key, original_mime, original_bytes, updated_at)
     VALUES ($1, $2, 'public', 'pending', $3, 'image/png', 1, now() - ($4 * interval '1 second'))`,
    [id, ownerId, `originals/${id}`, updatedSecondsAgo],
  );
  return id;
}

const statusOf = async (id: string) => (await db.query<{ status: string; failure_reason: string | null }>('SELECT status, failure_reason FROM images WHERE id = $1', [id]))[0]!;

async function until(check: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('poison jobs and redrive', () => {
  it('dead-letters a job that fails every attempt, marks the image failed with the reason, and redrive brings it back', async () => {
    let storageBroken = true;
    const flaky: ObjectStorage = {
      ...storage,
      putObject: (bucket, key, body, type) => (storageBroken && bucket === buckets.processed ? Promise.reject(new Error('disk full')) : storage.putObject(bucket, key, body, type)),
    };
    const handler = createProcessImageHandler({ db, storage: flaky, buckets, logger: silentLogger, maxPixels: 1e8, tagging: false });
    const consumer = queue.consume(QUEUES.processImages, handler, { concurrency: 1, maxAttempts: 3, retryDelayMs: () => 10 });
    const id = await pendingImage();
    await queue.publish(QUEUES.processImages, { imageId: id });

    await until(async () => (await queue.deadLetters(QUEUES.processImages)).length === 1, 'the dead letter');
    expect(await statusOf(id)).toEqual({ status: 'failed', failure_reason: 'Processing failed 3 times: disk full' });
    const [letter] = await queue.deadLetters(QUEUES.processImages);
    expect(letter).toMatchObject({ payload: { imageId: id }, attempts: 3, reason: 'disk full' });

    storageBroken = false;
    expect(await redriveDeadLetters(db, queue, silentLogger)).toBe(1);
    await until(async () => (await statusOf(id)).status === 'ready', 'the image to become ready after redrive');
    expect(await queue.deadLetters(QUEUES.processImages)).toEqual([]);
    const history = await db.query<{ kind: string }>('SELECT kind FROM image_events WHERE image_id = $1 ORDER BY created_at', [id]);
    expect(history.map((e) => e.kind)).toEqual(['processing', 'processing', 'processing', 'failed', 'redriven', 'processing', 'ready']);
    await consumer.stop();
  });
});

describe('reconciler', () => {
  it('re-enqueues only images stuck past the timeout that have no job waiting', async () => {
    const stuck = await pendingImage(3600);
    const fresh = await pendingImage(5);
    const queued = await pendingImage(3600);
    await enqueueJob(db, QUEUES.processImages, { imageId: queued });
    const reenqueued = await reconcileStuckImages(db, 600, silentLogger);
    expect(reenqueued).toEqual([stuck]);
    expect(reenqueued).not.toContain(fresh);
    const jobs = await queuedJobs(db, QUEUES.processImages);
    expect(jobs.map((job) => job.imageId).sort()).toEqual([queued, stuck].sort());
    expect(await reconcileStuckImages(db, 600, silentLogger)).toEqual([]);
  });
});

describe('sweeper', () => {
  it('removes objects no live image points to, purges deleted rows, and spares everything live or young', async () => {
    const live = await pendingImage();
    const orphan = randomUUID();
    await storage.putObject(buckets.unprocessed, `originals/${orphan}`, Buffer.from('left by a crashed upload'), 'image/jpeg');
    await storage.putObject(buckets.processed, `images/${orphan}/thumb.webp`, Buffer.from('variant of a deleted image'), 'image/webp');
    const deleted = await pendingImage();
    await db.query(`UPDATE images SET deleted_at = now() - interval '2 hours' WHERE id = $1`, [deleted]);

    const young = await sweepOrphans({ db, storage, buckets, logger: silentLogger }, 3600);
    expect(young.orphanObjects).toEqual([]);
    expect(young.purgedImages).toEqual([deleted]);

    const result = await sweepOrphans({ db, storage, buckets, logger: silentLogger }, 0);
    expect(result.orphanObjects.sort()).toEqual([`processed/images/${orphan}/thumb.webp`, `unprocessed/originals/${deleted}`, `unprocessed/originals/${orphan}`].sort());
    expect(await storage.statObject(buckets.unprocessed, `originals/${live}`)).toBeDefined();
    expect(await db.query('SELECT 1 FROM images WHERE id = $1', [deleted])).toEqual([]);
  });
});

describe('retag', () => {
  it('sends every ready image back to the tagger as bulk jobs, with progress, and leaves the rest alone', async () => {
    const ready = await pendingImage();
    await db.query(`UPDATE images SET status = 'ready', tagging_status = 'tagged' WHERE id = $1`, [ready]);
    const notReady = await pendingImage();
    const progress: Array<[number, number]> = [];
    const queued = await retagAll(db, (done, total) => progress.push([done, total]));
    expect(queued).toBeGreaterThanOrEqual(1);
    expect(progress.at(-1)![0]).toBe(progress.at(-1)![1]);
    expect((await db.query<{ tagging_status: string }>('SELECT tagging_status FROM images WHERE id = $1', [ready]))[0]!.tagging_status).toBe('pending');
    const jobs = (await queuedJobs(db, QUEUES.tagImages)).map((job) => job.imageId);
    expect(jobs).toContain(ready);
    expect(jobs).not.toContain(notReady);
  });
});

describe('edits', () => {
  const editState = async (id: string) =>
    (await db.query<{ version: number; edits_version: number; edits: unknown[]; edit_failure: string | null; width: number; height: number; variants: Array<{ key: string }> }>(
      'SELECT version, edits_version, edits, edit_failure, width, height, variants FROM images WHERE id = $1',
      [id],
    ))[0]!;

  async function readyImage() {
    const handler = createProcessImageHandler({ db, storage, buckets, logger: silentLogger, maxPixels: 1e8, tagging: false });
    const consumer = queue.consume(QUEUES.processImages, handler, { concurrency: 1, maxAttempts: 3, retryDelayMs: () => 10 });
    const id = await pendingImage();
    await queue.publish(QUEUES.processImages, { imageId: id });
    await until(async () => (await statusOf(id)).status === 'ready', 'the image to be ready');
    await consumer.stop();
    return id;
  }

  it('re-enqueues an edit whose job was lost, and the processor renders it as the next version', async () => {
    const id = await readyImage();
    await db.transaction((tx) => imageWrites.requestEdit(tx, id, [{ rotate: 90 }]));
    await db.query(`DELETE FROM outbox WHERE subject = $1`, [id]);
    await db.query(`UPDATE images SET updated_at = now() - interval '2 hours' WHERE id = $1`, [id]);
    expect(await reconcileStuckImages(db, 600, silentLogger)).toEqual([id]);
    expect((await queuedJobs(db, QUEUES.processImages)).map((job) => job.imageId)).toContain(id);

    const handler = createProcessImageHandler({ db, storage, buckets, logger: silentLogger, maxPixels: 1e8, tagging: false });
    const consumer = queue.consume(QUEUES.processImages, handler, { concurrency: 1, maxAttempts: 3, retryDelayMs: () => 10 });
    await queue.publish(QUEUES.processImages, { imageId: id });
    await until(async () => (await editState(id)).version === 1, 'the edit to be rendered');
    await consumer.stop();
    const state = await editState(id);
    expect([state.width, state.height]).toEqual([48, 64]);
    expect(state.variants.every((variant) => variant.key.startsWith(`images/${id}/v1/`))).toBe(true);
    expect(await reconcileStuckImages(db, 0, silentLogger)).not.toContain(id);
  });

  it('keeps the served version when an edit cannot be rendered, drops the edit and says why', async () => {
    const id = await readyImage();
    const before = await editState(id);
    const failing: ObjectStorage = { ...storage, putObject: (bucket, key, body, type) => (bucket === buckets.processed ? Promise.reject(new Error('disk full')) : storage.putObject(bucket, key, body, type)) };
    const handler = createProcessImageHandler({ db, storage: failing, buckets, logger: silentLogger, maxPixels: 1e8, tagging: false });
    const consumer = queue.consume(QUEUES.processImages, handler, { concurrency: 1, maxAttempts: 2, retryDelayMs: () => 10 });
    await db.transaction((tx) => imageWrites.requestEdit(tx, id, [{ flipVertical: true }]));
    await queue.publish(QUEUES.processImages, { imageId: id });
    await until(async () => (await editState(id)).edit_failure !== null, 'the edit to fail');
    await consumer.stop();
    const after = await editState(id);
    expect(after).toMatchObject({ version: 0, edits: [], edit_failure: 'Rendering the edit failed 2 times: disk full', variants: before.variants });
    // Nothing waits any more: the reconciler leaves it alone.
    await db.query(`UPDATE images SET updated_at = now() - interval '2 hours' WHERE id = $1`, [id]);
    expect(await reconcileStuckImages(db, 600, silentLogger)).not.toContain(id);
    await queue.redrive(QUEUES.processImages);
  });

  it('sweeps the variants of a version an edit replaced, and keeps the ones served', async () => {
    const id = await readyImage();
    const served = (await editState(id)).variants.map((variant) => variant.key);
    await storage.putObject(buckets.processed, `images/${id}/v3/medium.webp`, Buffer.from('a replaced rendering whose deletion was cut short'), 'image/webp');
    const result = await sweepOrphans({ db, storage, buckets, logger: silentLogger }, 0);
    expect(result.orphanObjects).toContain(`processed/images/${id}/v3/medium.webp`);
    for (const key of served) expect(await storage.statObject(buckets.processed, key)).toBeDefined();
  });
});
