import { randomUUID } from 'node:crypto';
import { Transform } from 'node:stream';
import yazl from 'yazl';
import type { Database } from '@glimpse/database';
import { imageReads } from '@glimpse/images';
import { QUEUES } from '@glimpse/job-queue';
import type { Logger } from '@glimpse/logging';
import type { ObjectStorage } from '@glimpse/object-storage';
import { enqueueJob } from '@glimpse/outbox';
import { exportsStore } from './store';

export interface ExportJobDeps {
  db: Database;
  storage: ObjectStorage;
  buckets: { unprocessed: string; processed: string };
  logger: Logger;
  /** How long a finished export stays downloadable before the sweep deletes it. */
  exportTtlMs: number;
  wakeRelay?: () => void;
}

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/avif': 'avif', 'image/gif': 'gif', 'image/tiff': 'tif', 'image/heic': 'heic',
};

/** A file name from a title: letters, digits, spaces and a few marks; the id keeps it unique. */
export function exportFileName(title: string, imageId: string, mime: string): string {
  const base = title.normalize('NFC').replace(/[^\p{L}\p{N} ._()-]+/gu, '_').replace(/^[ ._]+|[ .]+$/g, '').slice(0, 80);
  return `${base ? `${base} ` : ''}${imageId.slice(0, 8)}.${EXTENSIONS[mime] ?? 'bin'}`;
}

export const exportObjectKey = (exportId: string) => `exports/${exportId}.zip`;

/**
 * Writes the owner's originals (byte for byte, so their metadata is intact) and a JSON sidecar
 * per image into one zip, streamed into object storage as it is made: nothing is held whole
 * in memory or on disk. Progress (images and bytes written) is kept on the export's row; once
 * the zip is stored, the row turns ready and the owner's "export ready" notification is
 * queued in the same transaction. A rerun after a crash writes the zip again under the same key.
 */
export async function runExport(deps: ExportJobDeps, exportId: string): Promise<void> {
  const { db, storage, buckets } = deps;
  const logger = deps.logger.child({ exportId });
  const row = await exportsStore.find(db, exportId);
  if (!row) return logger.info('export: no such export (expired or deleted); nothing to do');
  if (row.status === 'ready' || row.status === 'failed') return logger.info({ status: row.status }, 'export: already finished; nothing to do');

  const images = await imageReads.exportableOf(db, row.owner_id, row.image_ids);
  const tags = await imageReads.tagsOf(db, images.map((image) => image.id));
  await exportsStore.start(db, exportId, images.length);

  const zip = new yazl.ZipFile();
  // An original that cannot be read fails the zip, and so the stored object (never a partial one): the job retries.
  zip.on('error', (error: Error) => counter.destroy(error));
  let bytes = 0;
  let done = 0;
  let reported = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, next) {
      bytes += chunk.length;
      next(null, chunk);
    },
  });
  const key = exportObjectKey(exportId);
  const stored = storage.putObjectStream(buckets.unprocessed, key, (zip.outputStream as unknown as NodeJS.ReadableStream & { pipe: typeof counter.pipe }).pipe(counter), 'application/zip');
  const report = async () => {
    if (Date.now() - reported < 500) return;
    reported = Date.now();
    await exportsStore.progress(db, exportId, done, bytes).catch((error: unknown) => logger.warn({ err: error }, 'export: progress not recorded'));
  };

  let written = 0;
  for (const image of images) {
    // An original that went missing (a crash in a delete) is left out rather than failing the whole export.
    if (!(await storage.statObject(buckets.unprocessed, image.original_key))) {
      logger.warn({ imageId: image.id }, 'export: the original is missing from storage; left out');
      done++;
      continue;
    }
    const name = exportFileName(image.title, image.id, image.original_mime);
    const own = tags.get(image.id) ?? [];
    const sidecar = {
      id: image.id,
      file: name,
      title: image.title,
      description: image.description,
      tags: own.filter((tag) => tag.source === 'user').map((tag) => tag.tag),
      machineTags: own.filter((tag) => tag.source === 'machine').map((tag) => ({ tag: tag.tag, confidence: tag.confidence })),
      visibility: image.visibility,
      status: image.status,
      createdAt: image.created_at.toISOString(),
      updatedAt: image.updated_at.toISOString(),
      takenAt: image.camera?.takenAt ?? null,
      camera: image.camera,
      contentType: image.original_mime,
      bytes: image.original_bytes,
      sha256: image.content_hash,
    };
    // Lazily: each original is opened only when the zip reaches it (backpressure end to end).
    zip.addReadStreamLazy(name, { mtime: image.created_at, compress: false }, (callback) => {
      storage.openObject(buckets.unprocessed, image.original_key).then(
        (stream) => {
          stream.once('end', () => {
            done++;
            void report();
          });
          callback(null, stream);
        },
        (error: unknown) => callback(error, undefined as never),
      );
    });
    zip.addBuffer(Buffer.from(`${JSON.stringify(sidecar, null, 2)}\n`), `${name}.json`, { mtime: image.updated_at });
    written++;
  }
  zip.end();
  await stored;

  const expiresAt = new Date(Date.now() + deps.exportTtlMs);
  const became = await db.transaction(async (tx) => {
    const ready = await exportsStore.markReady(tx, exportId, { objectKey: key, bytes, done: images.length, expiresAt });
    if (ready) {
      await enqueueJob(tx, QUEUES.notifications, { kind: 'export-ready', notificationId: randomUUID(), userId: row.owner_id, exportId, images: written, bytes, expiresAt: expiresAt.toISOString() });
    }
    return ready;
  });
  if (became) deps.wakeRelay?.();
  logger.info({ images: written, bytes }, 'export: ready');
}

/** Deletes exports past their expiry: the zip first, then the row. Returns how many. */
export async function sweepExpiredExports(deps: Pick<ExportJobDeps, 'db' | 'storage' | 'buckets' | 'logger'>, now = new Date()): Promise<number> {
  const expired = await exportsStore.expired(deps.db, now);
  for (const row of expired) {
    if (row.object_key) await deps.storage.deleteObject(deps.buckets.unprocessed, row.object_key);
    await exportsStore.remove(deps.db, row.id);
  }
  if (expired.length) deps.logger.info({ exports: expired.length }, 'sweep: removed expired exports');
  return expired.length;
}
