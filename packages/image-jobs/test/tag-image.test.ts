import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { migrate, openPglite, type Database } from '@glimpse/database';
import { createImageTagger, type ImageTagger } from '@glimpse/image-tagging';
import { silentLogger } from '@glimpse/logging';
import { createFilesystemStorage, type ObjectStorage } from '@glimpse/object-storage';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createProcessImageHandler, createTagImageHandler } from '@glimpse/image-jobs';

// A real photo of a cat (scikit-image's "chelsea", CC0) as an iPhone would have written it.
const cat = readFileSync(join(import.meta.dirname, '../../image-tagging/test/fixtures/photos/skimage-chelsea.jpg'));
// A street sign (OpenCV's scenetext01, Apache-2.0): "NOTICE / DOUBLE PARKING PROHIBITED / AT ALL TIMES".
const sign = readFileSync(join(import.meta.dirname, '../../image-tagging/test/fixtures/photos/opencv-scenetext01.jpg'));
const directory = mkdtempSync(join(tmpdir(), 'glimpse-tag-'));
const buckets = { unprocessed: 'unprocessed', processed: 'processed' };
let db: Database;
let storage: ObjectStorage;
let tagger: ImageTagger;

beforeAll(async () => {
  db = await openPglite();
  await migrate(db);
  storage = createFilesystemStorage(join(directory, 'objects'));
  tagger = await createImageTagger();
});
afterAll(async () => {
  await tagger?.close();
  await db?.close();
  rmSync(directory, { recursive: true, force: true });
});

async function uploadAndTag(ownerId: string, original: Buffer) {
  const id = randomUUID();
  await storage.putObject(buckets.unprocessed, `originals/${id}`, original, 'image/jpeg');
  await db.query(
    `INSERT INTO images (id, owner_id, visibility, status, original_key, original_mime, original_bytes) VALUES ($1, $2, 'public', 'pending', $3, 'image/jpeg', $4)`,
    [id, ownerId, `originals/${id}`, original.length],
  );
  await createProcessImageHandler({ db, storage, buckets, logger: silentLogger, maxPixels: 1e8, tagging: true })(job({ imageId: id }));
  await createTagImageHandler({ db, storage, processedBucket: buckets.processed, tagger, logger: silentLogger })(job({ imageId: id }));
  const [image] = await db.query<{ tagging_status: string; camera: { make?: string } | null; analysis: { text?: string } }>('SELECT tagging_status, camera, analysis FROM images WHERE id = $1', [id]);
  const tags = (await db.query<{ tag: string }>(`SELECT tag FROM image_tags WHERE image_id = $1 AND source = 'machine'`, [id])).map((r) => r.tag);
  return { image: image!, tags };
}

const job = <P>(payload: P) => ({ id: randomUUID(), queue: 'test', payload, attempt: 1, maxAttempts: 3, isLastAttempt: false });

it('keeps the camera a fact of the image: an iPhone photo of a cat is tagged cat, never apple', async () => {
  const [{ id: ownerId }] = (await db.query<{ id: string }>(`INSERT INTO users (email, username, password_hash) VALUES ('o@example.com', 'owner', 'x') RETURNING id`)) as [{ id: string }];
  const iphone = await sharp(cat).withExif({ IFD0: { Make: 'Apple', Model: 'iPhone 15 Pro' } }).jpeg().toBuffer();
  const { image, tags } = await uploadAndTag(ownerId, iphone);
  expect(image.tagging_status).toBe('tagged');
  expect(image.camera?.make).toBe('Apple');
  expect(tags).toContain('cat');
  expect(tags).not.toContain('apple');
  expect(tags).not.toContain('person');
  expect(image.analysis.text).toBe('');
});

it('stores the words read on a street sign with the image, for search to index', async () => {
  const [{ id: ownerId }] = (await db.query<{ id: string }>(`SELECT id FROM users WHERE username = 'owner'`)) as [{ id: string }];
  const { image, tags } = await uploadAndTag(ownerId, sign);
  expect(image.analysis.text).toMatch(/PARKING/);
  expect(image.analysis.text).toMatch(/PROHIBITED/);
  expect(tags).not.toContain('parking');
});
