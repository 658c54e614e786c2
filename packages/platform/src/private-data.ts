import { chmodSync, mkdirSync } from 'node:fs';

/**
 * The data directory holds the database, the originals (with their GPS tags), the queue, the
 * search index (titles of private images too) and the signing keys: 0700, and everything this
 * process creates from now on (whichever library creates it) is readable by its owner only.
 * Every program that opens the infrastructure calls it first: the services and workers
 * (startService) and the CLI.
 */
export function keepDataPrivate(dataDir: string): void {
  process.umask(0o077);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
}
