import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectNotFoundError, createFilesystemStorage, openObjectStorage } from '@glimpse/object-storage';
import { describeObjectStorageContract } from './contract';

const temporaryDirectories: string[] = [];
async function temporaryDirectory() {
  const directory = await mkdtemp(join(tmpdir(), 'glimpse-objects-'));
  temporaryDirectories.push(directory);
  return directory;
}
afterAll(() => Promise.all(temporaryDirectories.map((directory) => rm(directory, { recursive: true, force: true }))));

describeObjectStorageContract('filesystem', async () => ({ storage: createFilesystemStorage(await temporaryDirectory()), bucket: 'contract' }));

/** Every file under `directory`, relative to it. */
async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name).slice(directory.length + 1));
}

/** Runs test/interrupted-put.ts in a child process, optionally under a file-size limit in KiB. */
async function interruptedPut(root: string, key: string, size: number, mode: string, fileSizeLimitKiB?: number) {
  const command = [process.execPath, '--import', 'tsx', join(import.meta.dirname, 'interrupted-put.ts'), root, 'objects', key, String(size), mode];
  const script = `${fileSizeLimitKiB ? `ulimit -f ${fileSizeLimitKiB}; ` : ''}exec "$@"`;
  try {
    const { stdout } = await promisify(execFile)('/bin/sh', ['-c', script, 'sh', ...command]);
    return JSON.parse(stdout) as { stored: boolean; code?: string };
  } catch (error) {
    return { killedBy: (error as { signal?: string }).signal };
  }
}

describe('filesystem storage on disk', () => {
  let root: string;
  beforeAll(async () => {
    root = join(await temporaryDirectory(), 'objects');
  });

  it('keeps objects across a restart: a new adapter on the same directory reads them', async () => {
    const first = createFilesystemStorage(root);
    await first.ensureBucket('objects');
    const put = await first.putObject('objects', 'restart/kept.txt', Buffer.from('still here'), 'text/plain');
    const second = openObjectStorage({ dataDir: join(root, '..') });
    expect(second.kind).toBe('filesystem');
    expect((await second.getObject('objects', 'restart/kept.txt')).toString()).toBe('still here');
    expect(await second.statObject('objects', 'restart/kept.txt')).toMatchObject({ etag: put.etag, contentType: 'text/plain' });
  });

  it('leaves no object under the real name when the process dies mid-write, and a later put works', async () => {
    for (const crashAt of [1, 2]) {
      const key = `crash/new-${crashAt}.bin`;
      expect(await interruptedPut(root, key, 2 * 1024 * 1024, `crash-at-sync=${crashAt}`)).toEqual({ killedBy: 'SIGKILL' });
      const storage = createFilesystemStorage(root);
      expect(await storage.statObject('objects', key)).toBeUndefined();
      await expect(storage.getObject('objects', key)).rejects.toBeInstanceOf(ObjectNotFoundError);
      const listed = [];
      for await (const object of storage.listObjects('objects', 'crash/')) listed.push(object.key);
      expect(listed).not.toContain(key);
      await storage.putObject('objects', key, Buffer.from('second try'), 'text/plain');
      expect((await storage.getObject('objects', key)).toString()).toBe('second try');
    }
  });

  it('keeps the previous version whole, bytes and metadata, when an overwrite is interrupted', async () => {
    const storage = createFilesystemStorage(root);
    const key = 'crash/overwritten.txt';
    const before = await storage.putObject('objects', key, Buffer.from('version one'), 'text/plain');
    for (const crashAt of [1, 2]) {
      expect(await interruptedPut(root, key, 1024 * 1024, `crash-at-sync=${crashAt}`)).toEqual({ killedBy: 'SIGKILL' });
      expect((await storage.getObject('objects', key)).toString()).toBe('version one');
      expect(await storage.statObject('objects', key)).toMatchObject({ size: 11, etag: before.etag, contentType: 'text/plain' });
    }
  });

  it('fails a put on a full disk without leaving an object or a temporary file behind', async () => {
    const fresh = join(await temporaryDirectory(), 'objects');
    const outcome = await interruptedPut(fresh, 'full/big.bin', 5 * 1024 * 1024, 'fail', 1024);
    expect(outcome).toEqual({ stored: false, code: 'EFBIG' });
    await expect(createFilesystemStorage(fresh).getObject('objects', 'full/big.bin')).rejects.toBeInstanceOf(ObjectNotFoundError);
    expect(await filesUnder(fresh)).toEqual([]);
  });

  it('writes nothing outside its directory for keys or buckets that try to escape it', async () => {
    const parent = await temporaryDirectory();
    const storage = createFilesystemStorage(join(parent, 'root'));
    await storage.ensureBucket('objects');
    for (const [bucket, key] of [['objects', '../../../escaped'], ['objects', '/tmp/escaped'], ['objects', 'a/../../escaped'], ['..', 'escaped'], ['.meta', 'escaped']]) {
      await expect(storage.putObject(bucket!, key!, Buffer.from('x'), 'text/plain')).rejects.toThrow(/Invalid/);
    }
    expect(await readdir(parent)).toEqual(['root']);
    expect(await filesUnder(join(parent, 'root'))).toEqual([]);
  });
});
