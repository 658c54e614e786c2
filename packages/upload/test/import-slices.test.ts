import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openPglite, type Database } from '@glimpse/database';
import { QUEUES } from '@glimpse/job-queue';
import { silentLogger } from '@glimpse/logging';
import { queuedJobs } from '@glimpse/outbox';
import { createFilesystemStorage, type ObjectStorage } from '@glimpse/object-storage';
import { solid, zipOf } from '@glimpse/test-fixtures';
import { importsStore, runImport, type ImportJobDeps } from '@glimpse/upload';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The import job on its own, over PGlite and files: how it shares the worker with other jobs.
const directory = mkdtempSync(join(tmpdir(), 'glimpse-import-slices-'));
const buckets = { unprocessed: 'unprocessed', processed: 'processed' };
let db: Database;
let storage: ObjectStorage;
let deps: ImportJobDeps;
let ownerId: string;

beforeAll(async () => {
  db = await openPglite();
  await migrate(db);
  storage = createFilesystemStorage(join(directory, 'objects'));
  await storage.ensureBucket(buckets.unprocessed);
  [{ id: ownerId }] = (await db.query<{ id: string }>(`INSERT INTO users (email, username, password_hash) VALUES ('s@example.com', 'slicer', 'x') RETURNING id`)) as [{ id: string }];
  deps = { db, storage, buckets, logger: silentLogger, limits: { maxBytes: 5e6, maxPixels: 1e7, quotaBytes: 1e9 } };
});
afterAll(async () => {
  await db.close();
  rmSync(directory, { recursive: true, force: true });
});

async function storedImport(count: number) {
  const entries = await Promise.all(Array.from({ length: count }, async (_, i) => ({ name: `${i}.png`, data: await solid(20 + i, 10, '#208040').png().toBuffer() })));
  const zip = await zipOf(entries);
  const importId = crypto.randomUUID();
  const key = `imports/${importId}/source-0`;
  await storage.putObject(buckets.unprocessed, key, zip, 'application/zip');
  await importsStore.create(db, { id: importId, ownerId, keepDuplicates: false, visibility: 'private', sources: [{ key, name: 'a.zip', kind: 'zip', bytes: zip.length }] });
  return importId;
}

const settledCount = async (importId: string) => (await importsStore.items(db, importId)).filter((item) => item.status !== 'pending').length;

describe('the import job', () => {
  it('lets go after its time slice, settling at least one entry, and queues the rest as a new job', async () => {
    const importId = await storedImport(3);
    await runImport({ ...deps, sliceMs: 0 }, importId);
    expect(await settledCount(importId)).toBe(1);
    expect((await queuedJobs(db, QUEUES.library)).filter((job) => job.kind === 'import' && job.importId === importId)).toHaveLength(1);
    expect((await importsStore.find(db, importId))?.status).toBe('running');

    await runImport({ ...deps, sliceMs: 0 }, importId);
    await runImport({ ...deps, sliceMs: 0 }, importId);
    expect(await settledCount(importId)).toBe(3);
    await runImport({ ...deps, sliceMs: 0 }, importId);
    expect((await importsStore.find(db, importId))?.status).toBe('done');
    const items = await importsStore.items(db, importId);
    expect(items.map((item) => item.status)).toEqual(['accepted', 'accepted', 'accepted']);
    // Done means the zip is gone from storage.
    expect(await storage.statObject(buckets.unprocessed, `imports/${importId}/source-0`)).toBeUndefined();
  });

  it('stops between entries when the worker stops, before reading any', async () => {
    const importId = await storedImport(2);
    const stopping = new AbortController();
    stopping.abort();
    await runImport({ ...deps, stopping: stopping.signal }, importId);
    expect(await settledCount(importId)).toBe(0);
    await runImport(deps, importId);
    expect(await settledCount(importId)).toBe(2);
    expect((await importsStore.find(db, importId))?.status).toBe('done');
  });

  it('fails an import whose file is not a zip it can read, with the reason', async () => {
    const importId = crypto.randomUUID();
    const key = `imports/${importId}/source-0`;
    const broken = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 7)]);
    await storage.putObject(buckets.unprocessed, key, broken, 'application/zip');
    await importsStore.create(db, { id: importId, ownerId, keepDuplicates: false, visibility: 'public', sources: [{ key, name: 'broken.zip', kind: 'zip', bytes: broken.length }] });
    await runImport(deps, importId);
    const row = await importsStore.find(db, importId);
    expect(row).toMatchObject({ status: 'failed', error: expect.stringMatching(/not a zip archive that can be read/) });
  });
});
