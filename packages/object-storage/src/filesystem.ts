import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import type { ByteRange, ListedObject, ObjectInfo, ObjectStorage } from './object-storage';
import { ObjectNotFoundError, assertValidKey } from './object-storage';

interface Sidecar {
  etag: string;
  contentType: string;
}

/**
 * Objects as files under `root/<bucket>/<key>`, with their content type and ETag in a
 * sidecar under `root/.meta/`. Writes go to a temporary file, are fsynced, then renamed,
 * so a crash never leaves a half-written object under its real name.
 */
export function createFilesystemStorage(root: string): ObjectStorage {
  const objectPath = (bucket: string, key: string) => {
    assertValidKey(key);
    return join(root, bucket, key);
  };
  const sidecarPath = (bucket: string, key: string) => join(root, '.meta', bucket, `${key}.json`);

  async function writeDurably(path: string, data: Buffer | string) {
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${randomUUID()}.partial`;
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  }

  async function statObject(bucket: string, key: string): Promise<ObjectInfo | undefined> {
    try {
      const [info, sidecar] = await Promise.all([
        stat(objectPath(bucket, key)),
        readFile(sidecarPath(bucket, key), 'utf8').then((text) => JSON.parse(text) as Sidecar),
      ]);
      return { size: info.size, lastModified: info.mtime, ...sidecar };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async function* walk(bucket: string, directory: string): AsyncIterable<ListedObject> {
    let entries;
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
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
      await mkdir(join(root, bucket), { recursive: true });
    },
    async putObject(bucket, key, body, contentType) {
      const etag = `"${createHash('md5').update(body).digest('hex')}"`;
      // Sidecar first: an object file without its sidecar would read as missing.
      await writeDurably(sidecarPath(bucket, key), JSON.stringify({ etag, contentType } satisfies Sidecar));
      await writeDurably(objectPath(bucket, key), body);
      return { size: body.length, etag, contentType, lastModified: new Date() };
    },
    async getObject(bucket, key) {
      try {
        return await readFile(objectPath(bucket, key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ObjectNotFoundError(bucket, key);
        throw error;
      }
    },
    async openObject(bucket, key, range?: ByteRange): Promise<Readable> {
      const path = objectPath(bucket, key);
      if (!(await statObject(bucket, key))) throw new ObjectNotFoundError(bucket, key);
      return createReadStream(path, range ? { start: range.start, end: range.end } : {});
    },
    statObject,
    async deleteObject(bucket, key) {
      await rm(objectPath(bucket, key), { force: true });
      await rm(sidecarPath(bucket, key), { force: true });
    },
    listObjects(bucket, prefix = '') {
      const base = join(root, bucket);
      return {
        async *[Symbol.asyncIterator]() {
          for await (const object of walk(bucket, base)) if (object.key.startsWith(prefix)) yield object;
        },
      };
    },
    async ping() {
      await mkdir(root, { recursive: true });
      await writeFile(join(root, '.ping'), String(Date.now()));
    },
  };
}
