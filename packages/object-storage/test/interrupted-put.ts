/**
 * Run as a child process by filesystem.test.ts: puts one object and is interrupted while
 * doing so, as a real process would be by a crash or a full disk.
 *
 *   node --import tsx interrupted-put.ts ROOT BUCKET KEY SIZE crash-at-sync=N|fail
 *
 * crash-at-sync=N: SIGKILLs itself at the Nth fsync (1: the data, 2: the sidecar), before any rename.
 * fail: lets the write fail (run it under `ulimit -f`) and prints the error's code.
 */
import { open } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { createFilesystemStorage } from '@glimpse/object-storage';

const [root, bucket, key, size, mode] = process.argv.slice(2) as [string, string, string, string, string];
const crashAt = mode.startsWith('crash-at-sync=') ? Number(mode.split('=')[1]) : 0;
if (crashAt) {
  const probe = await open(process.execPath, 'r');
  const fileHandle = Object.getPrototypeOf(probe) as { sync(): Promise<void> };
  await probe.close();
  const sync = fileHandle.sync;
  let syncs = 0;
  fileHandle.sync = function (this: unknown) {
    if (++syncs === crashAt) process.kill(process.pid, 'SIGKILL');
    return sync.call(this);
  };
}
try {
  await createFilesystemStorage(root).putObject(bucket, key, randomBytes(Number(size)), 'application/x-interrupted');
  console.log(JSON.stringify({ stored: true }));
} catch (error) {
  console.log(JSON.stringify({ stored: false, code: (error as NodeJS.ErrnoException).code }));
}
