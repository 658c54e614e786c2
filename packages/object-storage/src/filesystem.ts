import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ByteRange, ListedObject, ObjectInfo, ObjectStorage } from './object-storage';
import { ObjectNotFoundError, assertValidBucket, assertValidKey, assertValidRange } from './object-storage';

interface Sidecar {
  etag: string;
  contentType: string;
}

/** What a missing object looks like on disk: no file, or a directory (a prefix of other keys) in its place. */
/** Originals keep their GPS tags: only the owner of the process may read what is stored. */
const PRIVATE_DIRECTORY = 0o700;
const PRIVATE_FILE = 0o600;

const isMissing = (error: unknown) => ['ENOENT', 'ENOTDIR', 'EISDIR'].includes((error as NodeJS.ErrnoException).code ?? '');

/**
 * Objects as files under `root/<bucket>/<key>`, with their content type and ETag in a
 * sidecar under `root/.meta/`. Both are written to temporary files and fsynced before either
 * is renamed into place, so a crash never leaves a half-written object under its real name,
 * and the window in which sidecar and object disagree is two renames long.
 */
export function createFilesystemStorage(root: string): ObjectStorage {
  const objectPath = (bucket: string, key: string) => {
    assertValidBucket(bucket);
    assertValidKey(key);
    return join(root, bucket, key);
  };
  const sidecarPath = (bucket: string, key: string) => {
    assertValidBucket(bucket);
    assertValidKey(key);
    return join(root, '.meta', bucket, `${key}.json`);
  };

  /** Writes and fsyncs `data` next to `path`; returns the temporary file's name. */
  async function writeTemporary(path: string, data: Buffer | string): Promise<string> {
    await mkdir(dirname(path), { recursive: true, mode: PRIVATE_DIRECTORY });
    const temporary = `${path}.${randomUUID()}.partial`;
    const handle = await open(temporary, 'w', PRIVATE_FILE);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } catch (error) {
      // A full disk, say: leave nothing behind. (A crash leaves the .partial, which nothing reads.)
      await handle.close();
      await rm(temporary, { force: true });
      throw error;
    }
    await handle.close();
    return temporary;
  }

  /** A rename is durable only once its directory is: without this a power cut could undo it. */
  async function syncDirectories(directories: string[]) {
    for (const directory of directories) {
      const handle = await open(directory, 'r');
      await handle.sync().finally(() => handle.close());
    }
  }

  async function statObject(bucket: string, key: string): Promise<ObjectInfo | undefined> {
    try {
      const [info, sidecar] = await Promise.all([
        stat(objectPath(bucket, key)),
        readFile(sidecarPath(bucket, key), 'utf8').then((text) => JSON.parse(text) as Sidecar),
      ]);
      return { size: info.size, lastModified: info.mtime, ...sidecar };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async function* walk(bucket: string, directory: string): AsyncIterable<ListedObject> {
    let entries;
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) yield* walk(bucket, path);
      else if (!entry.name.endsWith('.partial')) {
        const info = await stat(path);
        yield { key: relative(join(root, bucket), path).split(sep).join('/'), size: info.size, lastModified: info.mtime };
      }
    }
  }

  return {
    kind: 'filesystem',
    async ensureBucket(bucket) {
      assertValidBucket(bucket);
      await mkdir(join(root, bucket), { recursive: true, mode: PRIVATE_DIRECTORY });
      await chmod(root, PRIVATE_DIRECTORY);
    },
    async putObject(bucket, key, body, contentType) {
      const [dataPath, metaPath] = [objectPath(bucket, key), sidecarPath(bucket, key)];
      const etag = `"${await md5InSlices(body)}"`;
      const data = await writeTemporary(dataPath, body);
      try {
        // Sidecar first: an object file without its sidecar would read as missing.
        await rename(await writeTemporary(metaPath, JSON.stringify({ etag, contentType } satisfies Sidecar)), metaPath);
      } catch (error) {
        await rm(data, { force: true });
        throw error;
      }
      await rename(data, dataPath);
      await syncDirectories([dirname(metaPath), dirname(dataPath)]);
      return { size: body.length, etag, contentType, lastModified: new Date() };
    },
    async putObjectStream(bucket, key, body, contentType) {
      const [dataPath, metaPath] = [objectPath(bucket, key), sidecarPath(bucket, key)];
      await mkdir(dirname(dataPath), { recursive: true, mode: PRIVATE_DIRECTORY });
      const temporary = `${dataPath}.${randomUUID()}.partial`;
      const hash = createHash('md5');
      let size = 0;
      try {
        const measure = new Transform({
          transform(chunk: Buffer, _encoding, done) {
            hash.update(chunk);
            size += chunk.length;
            done(null, chunk);
          },
        });
        await pipeline(body, measure, createWriteStream(temporary, { mode: PRIVATE_FILE }));
        const handle = await open(temporary, 'r+');
        await handle.sync().finally(() => handle.close());
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
      const etag = `"${hash.digest('hex')}"`;
      try {
        await rename(await writeTemporary(metaPath, JSON.stringify({ etag, contentType } satisfies Sidecar)), metaPath);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
      await rename(temporary, dataPath);
      await syncDirectories([dirname(metaPath), dirname(dataPath)]);
      return { size, etag, contentType, lastModified: new Date() };
    },
    async getObject(bucket, key) {
      try {
        return await readFile(objectPath(bucket, key));
      } catch (error) {
        if (isMissing(error)) throw new ObjectNotFoundError(bucket, key);
        throw error;
      }
    },
    async openObject(bucket, key, range?: ByteRange): Promise<Readable> {
      const path = objectPath(bucket, key);
      if (range) assertValidRange(range);
      // One open and an fstat of the open file, then reads to the end or the range's last byte,
      // then close: no path lookups beyond the open, no sidecar (an object is renamed into place
      // only after its sidecar, so a file under its real name is whole).
      let handle;
      try {
        handle = await open(path, 'r');
      } catch (error) {
        if (isMissing(error)) throw new ObjectNotFoundError(bucket, key);
        throw error;
      }
      // A directory opens too (a prefix of other keys): it is no object.
      if ((await handle.stat()).isDirectory()) {
        await handle.close();
        throw new ObjectNotFoundError(bucket, key);
      }
      return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
    },
    statObject,
    async deleteObject(bucket, key) {
      await rm(objectPath(bucket, key), { force: true });
      await rm(sidecarPath(bucket, key), { force: true });
    },
    listObjects(bucket, prefix = '') {
      assertValidBucket(bucket);
      // Walk only the deepest directory the prefix names, not the whole bucket.
      const directory = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
      if (directory) assertValidKey(directory);
      const start = join(root, bucket, directory);
      return {
        async *[Symbol.asyncIterator]() {
          for await (const object of walk(bucket, start)) if (object.key.startsWith(prefix)) yield object;
        },
      };
    },
    async ping() {
      await mkdir(root, { recursive: true, mode: PRIVATE_DIRECTORY });
      await writeFile(join(root, '.ping'), String(Date.now()), { mode: PRIVATE_FILE });
    },
  };
}

/** MD5 of a large body one megabyte at a time, yielding between slices so other requests keep being served. */
async function md5InSlices(body: Buffer): Promise<string> {
  const hash = createHash('md5');
  const slice = 1024 * 1024;
  for (let offset = 0; offset < body.length; offset += slice) {
    hash.update(body.subarray(offset, offset + slice));
    if (offset + slice < body.length) await new Promise((resolve) => setImmediate(resolve));
  }
  return hash.digest('hex');
}
