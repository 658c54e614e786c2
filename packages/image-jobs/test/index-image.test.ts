import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { migrate, openPglite, type Database } from '@glimpse/database';
import { silentLogger } from '@glimpse/logging';
import { createFilesystemStorage, type ObjectStorage } from '@glimpse/object-storage';
import { createEmbeddedRecommender } from '@glimpse/recommender';
import { createEmbeddedSearchIndex, type SearchDocument, type SearchIndex } from '@glimpse/search-index';
import { solid } from '@glimpse/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIndexImageHandler, createProcessImageHandler, reindexAll } from '@glimpse/image-jobs';

/**
 * What the indexer sends a search index that embeds images (Typesense with CLIP): each
 * document carries the image's thumb JPEG, as processed and stored, in base64. Real PGlite,
 * real processing and filesystem storage; the index records what it is sent (Typesense has
 * no build here; its requests are tested in packages/search-index/test/typesense-semantic.test.ts).
 */

const directory = mkdtempSync(join(tmpdir(), 'glimpse-index-'));
const buckets = { unprocessed: 'unprocessed', processed: 'processed' };
let db: Database;
let storage: ObjectStorage;
let ownerId: string;
const job = <P>(payload: P) => ({ id: randomUUID(), queue: 'test', payload, attempt: 1, maxAttempts: 3, isLastAttempt: false });

beforeAll(async () => {
  db = await openPglite();
  await migrate(db);
  storage = createFilesystemStorage(join(directory, 'objects'));
  [{ id: ownerId }] = (await db.query<{ id: string }>(`INSERT INTO users (email, username, password_hash) VALUES ('o@example.com', 'owner', 'x') RETURNING id`)) as [{ id: string }];
});
afterAll(async () => {
  await db.close();
  rmSync(directory, { recursive: true, force: true });
});

async function readyImage() {
  const id = randomUUID();
  await storage.putObject(buckets.unprocessed, `originals/${id}`, await solid(640, 400, '#c08040').png().toBuffer(), 'image/png');
  await db.query(
    `INSERT INTO images (id, owner_id, title, visibility, status, original_key, original_mime, original_bytes) VALUES ($1, $2, 'Rex', 'public', 'pending', $3, 'image/png', 1)`,
    [id, ownerId, `originals/${id}`],
  );
  await createProcessImageHandler({ db, storage, buckets, logger: silentLogger, maxPixels: 1e8, tagging: false })(job({ imageId: id }));
  return id;
}

/** A search index that embeds images, as far as the indexer can tell, recording each upsert. */
async function embeddingIndex(): Promise<SearchIndex & { sent: SearchDocument[] }> {
  const sent: SearchDocument[] = [];
  const inner = await createEmbeddedSearchIndex({});
  return { ...inner, embedsImages: true, sent, upsert: async (documents) => void sent.push(...documents) };
}

describe('the indexer, for a search index that embeds images', () => {
  it('sends each document with its thumb JPEG (480 pixels on the long edge) in base64', async () => {
    const id = await readyImage();
    const searchIndex = await embeddingIndex();
    const handler = createIndexImageHandler({ db, searchIndex, recommender: createEmbeddedRecommender(), logger: silentLogger, images: { storage, bucket: buckets.processed } });
    await handler(job({ imageId: id }));
    const [document] = searchIndex.sent;
    expect(document).toMatchObject({ id, title: 'Rex' });
    const bytes = Buffer.from(document!.image!, 'base64');
    expect(bytes).toEqual(await storage.getObject(buckets.processed, `images/${id}/thumb.jpg`));
    expect(await sharp(bytes).metadata()).toMatchObject({ format: 'jpeg', width: 480, height: 300 });
  });

  it('rebuilds (reindex) with the images too', async () => {
    const id = await readyImage();
    const searchIndex = await embeddingIndex();
    await reindexAll({ db, searchIndex, recommender: createEmbeddedRecommender(), images: { storage, bucket: buckets.processed } });
    const document = searchIndex.sent.find((sent) => sent.id === id);
    expect(Buffer.from(document!.image!, 'base64').subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  });

  it('fails the job, naming the image and key, when the thumb JPEG is gone (it is retried, then dead-lettered)', async () => {
    const id = await readyImage();
    await storage.deleteObject(buckets.processed, `images/${id}/thumb.jpg`);
    const handler = createIndexImageHandler({ db, searchIndex: await embeddingIndex(), recommender: createEmbeddedRecommender(), logger: silentLogger, images: { storage, bucket: buckets.processed } });
    await expect(handler(job({ imageId: id }))).rejects.toThrow(`the thumb JPEG of image ${id} (processed/images/${id}/thumb.jpg) could not be read for semantic search`);
  });

  it('is refused at wiring time without the bucket to read from', async () => {
    const searchIndex = await embeddingIndex();
    expect(() => createIndexImageHandler({ db, searchIndex, recommender: createEmbeddedRecommender(), logger: silentLogger })).toThrow(/needs the processed bucket/);
  });

  it('sends no image to an index that does not embed them (embedded, database, Typesense without CLIP)', async () => {
    const id = await readyImage();
    const sent: SearchDocument[] = [];
    const searchIndex: SearchIndex = { ...(await createEmbeddedSearchIndex({})), upsert: async (documents) => void sent.push(...documents) };
    await createIndexImageHandler({ db, searchIndex, recommender: createEmbeddedRecommender(), logger: silentLogger, images: { storage, bucket: buckets.processed } })(job({ imageId: id }));
    expect(sent).toHaveLength(1);
    expect(sent[0]).not.toHaveProperty('image');
  });
});
