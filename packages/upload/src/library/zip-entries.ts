import { PassThrough, Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { GlimpseError } from '@glimpse/errors';
import type { ObjectStorage } from '@glimpse/object-storage';

/** What a zip may hold before it is refused as a whole, and what one entry may be. */
export interface ZipCaps {
  /** Entries in one zip (a central directory of millions is a bomb of its own). */
  maxEntries: number;
  /** Uncompressed bytes of one entry (the upload cap). */
  maxEntryBytes: number;
  /** Uncompressed over compressed size of one entry: photos barely compress; 100:1 is a bomb. */
  maxRatio: number;
}

export const DEFAULT_ZIP_CAPS: Omit<ZipCaps, 'maxEntryBytes'> = { maxEntries: 10_000, maxRatio: 100 };

export interface ZipEntryInfo {
  /** The path inside the zip, as its central directory says (folders kept). */
  path: string;
  /** Why this entry is refused without being read; undefined when it may be read. */
  refusal?: string;
  entry: Entry;
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/**
 * The zip stored at `key`, opened for entry-by-entry reading straight from object storage:
 * a zip is read from its end (the central directory), then each entry by a ranged read, so
 * nothing is copied to local disk or held whole in memory, whatever its size.
 */
export async function openStoredZip(storage: ObjectStorage, bucket: string, key: string, size: number): Promise<ZipFile> {
  const reader = new (yauzl.RandomAccessReader as unknown as new () => yauzl.RandomAccessReader)();
  reader._readStreamForRange = (start: number, end: number) => {
    if (end <= start) return Readable.from([]);
    const out = new PassThrough();
    storage.openObject(bucket, key, { start, end: end - 1 }).then(
      (stream) => {
        stream.once('error', (error) => out.destroy(error));
        stream.pipe(out);
      },
      (error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))),
    );
    return out;
  };
  try {
    // decodeStrings off: yauzl would stop at the first "../" for the whole zip; each entry is judged here instead.
    return await yauzl.fromRandomAccessReaderPromise(reader, size, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true });
  } catch (error) {
    throw new GlimpseError('INVALID_FORM', `The file is not a zip archive that can be read (${error instanceof Error ? error.message : String(error)}).`, 'file', { cause: error });
  }
}

/**
 * Every file entry of the zip with, for those that must not be read, the reason: a path
 * that leaves the folder (`../`, an absolute path, a drive letter), a symbolic link, an
 * encrypted entry, one over the size cap or compressed more than a photo can be (a bomb).
 * Folders are skipped (their files are listed with their paths). Refuses the whole zip
 * when it has more entries than the cap.
 */
export async function listZipEntries(zip: ZipFile, caps: ZipCaps): Promise<ZipEntryInfo[]> {
  if (zip.entryCount > caps.maxEntries) {
    throw new GlimpseError('INVALID_FORM', `The zip holds ${zip.entryCount} entries; at most ${caps.maxEntries} are imported at once. Split it into smaller zips.`, 'file');
  }
  const entries: ZipEntryInfo[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: Entry) => {
      const raw = entry.fileName as unknown as Buffer;
      const path = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, false);
      if (!path.endsWith('/')) entries.push({ path, refusal: refusalOf(entry, path, caps), entry });
      zip.readEntry();
    });
    zip.once('end', () => resolve());
    zip.once('error', reject);
    zip.readEntry();
  });
  return entries;
}

function refusalOf(entry: Entry, path: string, caps: ZipCaps): string | undefined {
  const parts = path.split('/');
  if (path.startsWith('/') || /^[a-zA-Z]:/.test(path)) return `refused: "${path}" is an absolute path; only paths inside the zip are imported`;
  if (parts.includes('..')) return `refused: "${path}" points outside the zip's folder (..); only paths inside it are imported`;
  if (path.includes('\u0000')) return 'refused: the entry name contains a NUL character';
  const unixMode = (entry.externalFileAttributes >>> 16) & S_IFMT;
  if (unixMode === S_IFLNK) return `refused: "${path}" is a symbolic link; only files are imported`;
  if (entry.isEncrypted()) return 'refused: the entry is encrypted; zips with passwords are not imported';
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) return `refused: compression method ${entry.compressionMethod} is not supported (only stored and deflated entries are)`;
  if (entry.uncompressedSize > caps.maxEntryBytes) {
    return `refused: the file is ${megabytes(entry.uncompressedSize)} uncompressed, over the ${megabytes(caps.maxEntryBytes)} limit`;
  }
  const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
  if (ratio > caps.maxRatio) {
    return `refused as a zip bomb: ${megabytes(entry.uncompressedSize)} compressed ${Math.round(ratio)}:1 (photos compress less than ${caps.maxRatio}:1)`;
  }
  return undefined;
}

/**
 * The entry's bytes, never more than it declared (yauzl checks the count as it inflates, so
 * an entry that lies about its size is cut off there) nor than the cap. A GlimpseError names
 * what was wrong with the entry.
 */
export async function readZipEntry(zip: ZipFile, entry: Entry, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    const stream = await zip.openReadStreamPromise(entry);
    for await (const chunk of stream) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        stream.destroy();
        throw new GlimpseError('UPLOAD_TOO_LARGE', `refused: the file is over the ${megabytes(maxBytes)} limit`);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof GlimpseError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    const lied = /too many bytes|expected \d+|not enough bytes/i.test(message);
    throw new GlimpseError(
      'IMAGE_UNDECODABLE',
      lied ? `refused as a zip bomb: its contents are not the size its header declares (${message})` : `refused: the entry cannot be read from the zip (${message})`,
      undefined,
      { cause: error },
    );
  }
  return Buffer.concat(chunks);
}
