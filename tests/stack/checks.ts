import { openPostgres, type Database } from '@glimpse/database';
import { createS3Storage, type ObjectStorage } from '@glimpse/object-storage';
import { expect } from 'vitest';
import type { Stack } from './harness';

/** Direct access to the stack's database and buckets, to check what users cannot see. */
export function inspect(stack: Stack) {
  const db = openPostgres({ url: stack.env.DATABASE_URL!, poolSize: 2 });
  const storage = createS3Storage({ endpoint: stack.env.S3_ENDPOINT!, region: 'us-east-1', accessKey: stack.env.S3_ACCESS_KEY!, secretKey: stack.env.S3_SECRET_KEY! });
  return { db, storage, buckets: { unprocessed: stack.env.S3_BUCKET_UNPROCESSED!, processed: stack.env.S3_BUCKET_PROCESSED! } };
}

/** Every image is ready, became ready exactly once, and nothing is left in the outbox. */
export async function expectReadyExactlyOnce(db: Database, imageIds: string[]) {
  const rows = await db.query<{ id: string; status: string; ready_events: number }>(
    `SELECT i.id, i.status, (SELECT count(*) FROM image_events e WHERE e.image_id = i.id AND e.kind = 'ready') AS ready_events
     FROM images i WHERE i.id = ANY($1::uuid[])`,
    [imageIds],
  );
  expect(rows).toHaveLength(imageIds.length);
  for (const row of rows) {
    expect(row.status, `image ${row.id}`).toBe('ready');
    expect(row.ready_events, `image ${row.id} became ready ${row.ready_events} times`).toBe(1);
  }
}

/**
 * No orphans: every object belongs to a live image, every image row has its original,
 * and every ready image has its six variants.
 */
export async function expectNoOrphans({ db, storage, buckets }: { db: Database; storage: ObjectStorage; buckets: { unprocessed: string; processed: string } }) {
  const rows = await db.query<{ id: string; status: string; original_key: string; variants: Array<{ key: string }> }>(
    'SELECT id, status, original_key, variants FROM images WHERE deleted_at IS NULL',
  );
  const expected = new Set<string>();
  for (const row of rows) {
    expected.add(`${buckets.unprocessed}/${row.original_key}`);
    if (row.status === 'ready') {
      expect(row.variants, `image ${row.id} variants`).toHaveLength(6);
      for (const variant of row.variants) expected.add(`${buckets.processed}/${variant.key}`);
    }
  }
  const stored = new Set<string>();
  for (const bucket of [buckets.unprocessed, buckets.processed]) {
    for await (const object of storage.listObjects(bucket)) stored.add(`${bucket}/${object.key}`);
  }
  const orphaned = [...stored].filter((key) => !expected.has(key));
  const missing = [...expected].filter((key) => !stored.has(key));
  expect(orphaned, 'objects no live image points to').toEqual([]);
  expect(missing, 'objects a live image points to but storage lacks').toEqual([]);
}
