import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { ZipFile } from 'yauzl';
import { isGlimpseError } from '@glimpse/errors';
import { QUEUES } from '@glimpse/job-queue';
import type { Logger } from '@glimpse/logging';
import { enqueueJob } from '@glimpse/outbox';
import { acceptImage, type AcceptDeps } from '../accept-image';
import { titleFromFileName } from '../create.handler';
import type { Visibility } from '@glimpse/images';
import { imports, type ImportItemRow, type ImportRow, type ImportSource } from './store';
import { DEFAULT_ZIP_CAPS, listZipEntries, openStoredZip, readZipEntry, type ZipEntryInfo } from './zip-entries';

export interface ImportJobDeps extends AcceptDeps {
  /** Publish queued work now (each accepted image's processing job). */
  wakeRelay?: () => void;
  /** Aborted when the worker is stopping: the import queues its own continuation and lets go. */
  stopping?: AbortSignal;
  /** How long one job works before it queues the rest as a new job (default IMPORT_SLICE_MS); the CLI sets no limit. */
  sliceMs?: number;
  /** Called after each entry is settled, with how many are of how many (the CLI's progress bar). */
  onEntrySettled?: (importId: string, settled: number, total: number) => void;
}

/**
 * One job works on an import for at most this long, then queues its continuation: a broker
 * expects an acknowledgement within its consumer timeout (RabbitMQ: 30 minutes), and exports
 * queued meanwhile get their turn.
 */
export const IMPORT_SLICE_MS = 10 * 60_000;

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

type Reader = { item: ImportItemRow; read: () => Promise<Buffer> };

/**
 * Runs an import, or goes on with one: every entry of every source has a row in
 * `import_items`, written once when the sources are first read, with the image id it will
 * have. An entry is settled (accepted with its image, refused, or a duplicate) in the same
 * transaction that writes its image, so a worker killed at any point resumes with the
 * entries still pending and never makes an image twice.
 */
export async function runImport(deps: ImportJobDeps, importId: string): Promise<void> {
  const row = await imports.find(deps.db, importId);
  const logger = deps.logger.child({ importId });
  if (!row) return logger.info('import: no such import (deleted with its account?); nothing to do');
  if (row.status === 'done' || row.status === 'failed') return logger.info({ status: row.status }, 'import: already finished; nothing to do');
  await imports.setStatus(deps.db, importId, 'running');

  const zips: ZipFile[] = [];
  try {
    const readers = await openSources(deps, row, zips);
    let settled = readers.filter((reader) => reader.item.status !== 'pending').length;
    const letGoAt = Date.now() + (deps.sliceMs ?? IMPORT_SLICE_MS);
    let settledHere = 0;
    for (const reader of readers) {
      if (reader.item.status !== 'pending') continue;
      // Every job settles at least one entry, so a slice always moves the import on.
      if (deps.stopping?.aborted || (settledHere > 0 && Date.now() > letGoAt)) {
        // Let go between entries: the rest is done by the job queued here (after a restart, or next in line).
        await deps.db.transaction((tx) => enqueueJob(tx, QUEUES.library, { kind: 'import', importId }));
        deps.wakeRelay?.();
        logger.info({ settled, total: readers.length }, deps.stopping?.aborted ? 'import: worker stopping; the rest continues in a new job' : 'import: time slice over; the rest continues in a new job');
        return;
      }
      await settleEntry(deps, row, reader, logger);
      settledHere++;
      deps.onEntrySettled?.(importId, ++settled, readers.length);
    }
    await imports.setStatus(deps.db, importId, 'done');
    for (const source of row.sources) await deps.storage.deleteObject(deps.buckets.unprocessed, source.key);
    logger.info({ entries: readers.length }, 'import: done');
  } catch (error) {
    if (isGlimpseError(error) && error.code === 'INVALID_FORM') {
      // The source itself is unreadable (not a zip, too many entries): nothing more can be done with it.
      await imports.setStatus(deps.db, importId, 'failed', error.message);
      for (const source of row.sources) await deps.storage.deleteObject(deps.buckets.unprocessed, source.key);
      return logger.warn({ reason: error.message }, 'import: failed');
    }
    throw error;
  } finally {
    for (const zip of zips) zip.close();
  }
}

/** Lists the entries of each source (recorded once), read where they are stored, and returns a reader per entry. */
async function openSources(deps: ImportJobDeps, row: ImportRow, zips: ZipFile[]): Promise<Reader[]> {
  const found: Array<Omit<ImportItemRow, 'position'> & { read: () => Promise<Buffer> }> = [];
  for (const [index, source] of row.sources.entries()) {
    if (source.kind === 'file') {
      const tooLarge = source.bytes > deps.limits.maxBytes ? `refused: the file is ${megabytes(source.bytes)}, over the ${megabytes(deps.limits.maxBytes)} limit` : null;
      found.push({ entry: `${index}:${source.name}`, name: source.name, image_id: randomUUID(), status: tooLarge ? 'refused' : 'pending', reason: tooLarge, read: () => deps.storage.getObject(deps.buckets.unprocessed, source.key) });
      continue;
    }
    const zip = await openStoredZip(deps.storage, deps.buckets.unprocessed, source.key, source.bytes);
    zips.push(zip);
    const entries: ZipEntryInfo[] = await listZipEntries(zip, { ...DEFAULT_ZIP_CAPS, maxEntryBytes: deps.limits.maxBytes });
    const prefix = row.sources.length > 1 ? `${source.name}/` : '';
    for (const entry of entries) {
      found.push({
        entry: `${index}:${entry.path}`,
        name: `${prefix}${entry.path}`,
        image_id: randomUUID(),
        status: entry.refusal ? 'refused' : 'pending',
        reason: entry.refusal ?? null,
        read: () => readZipEntry(zip, entry.entry, deps.limits.maxBytes),
      });
    }
  }
  // First run: the entries and their image ids are recorded; later runs keep what is recorded.
  await deps.db.transaction((tx) => imports.addItems(tx, row.id, found.map(({ read: _read, ...item }, position) => ({ ...item, position }))));
  const recorded = new Map((await imports.items(deps.db, row.id)).map((item) => [item.entry, item]));
  return found.flatMap((candidate) => {
    const item = recorded.get(candidate.entry);
    return item ? [{ item, read: candidate.read }] : [];
  });
}

async function settleEntry(deps: ImportJobDeps, row: ImportRow, { item, read }: Reader, logger: Logger) {
  const refuse = (reason: string) => deps.db.transaction((tx) => imports.settleItem(tx, row.id, item.entry, 'refused', reason));
  let bytes: Buffer;
  try {
    bytes = await read();
  } catch (error) {
    if (isGlimpseError(error)) return void (await refuse(error.message));
    throw error;
  }
  try {
    const outcome = await acceptImage(
      deps,
      { ownerId: row.owner_id, bytes, title: titleFromFileName(item.name), description: '', visibility: row.visibility, tags: [], imageId: item.image_id },
      {
        keepDuplicates: row.keep_duplicates,
        source: `import ${row.id}`,
        claim: (tx, outcome) =>
          'imageId' in outcome
            ? imports.settleItem(tx, row.id, item.entry, 'accepted')
            : imports.settleItem(tx, row.id, item.entry, 'duplicate', `duplicate of ${outcome.duplicateOf}`),
      },
    );
    if (outcome.kind === 'accepted') deps.wakeRelay?.();
  } catch (error) {
    // What an upload would be refused for (type, pixels, quota) refuses this entry alone.
    if (isGlimpseError(error) && error.code !== 'STORAGE_UNAVAILABLE' && error.code !== 'DATABASE_UNAVAILABLE') {
      await refuse(error.message);
      return logger.info({ entry: item.entry, reason: error.message }, 'import: entry refused');
    }
    throw error;
  }
}

/** A file on the server's disk to import (the operators' `glimpse import DIR`). */
export interface LocalFile {
  /** The path under the folder, with forward slashes: the entry's name. */
  name: string;
  path: string;
  bytes: number;
}

/**
 * Creates an import from files on this machine: each is streamed into object storage as a
 * source (a .zip stays a zip and is read entry by entry), and the import's row and its job
 * commit together, so a worker finishes it should this process stop. Returns the import id.
 */
export async function createLocalImport(
  deps: Pick<ImportJobDeps, 'db' | 'storage' | 'buckets'>,
  request: { ownerId: string; files: readonly LocalFile[]; keepDuplicates: boolean; visibility: Visibility },
  onCopied: (copied: number, total: number) => void = () => {},
): Promise<string> {
  const importId = randomUUID();
  const sources: ImportSource[] = [];
  try {
    for (const [index, file] of request.files.entries()) {
      const key = `imports/${importId}/source-${index}`;
      const head = Buffer.alloc(4);
      const handle = await open(file.path, 'r');
      try {
        await handle.read(head, 0, 4, 0);
      } finally {
        await handle.close();
      }
      const info = await deps.storage.putObjectStream(deps.buckets.unprocessed, key, createReadStream(file.path), 'application/octet-stream');
      sources.push({ key, name: file.name, kind: head.equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])) ? 'zip' : 'file', bytes: info.size });
      onCopied(index + 1, request.files.length);
    }
    await deps.db.transaction(async (tx) => {
      await imports.create(tx, { id: importId, ownerId: request.ownerId, keepDuplicates: request.keepDuplicates, visibility: request.visibility, sources });
      await enqueueJob(tx, QUEUES.library, { kind: 'import', importId });
    });
  } catch (error) {
    for (const source of sources) await deps.storage.deleteObject(deps.buckets.unprocessed, source.key).catch(() => undefined);
    throw error;
  }
  return importId;
}
