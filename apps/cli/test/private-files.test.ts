// The CLI writes into the data directory what the services do (the embedded database, the
// queue, the search index with the titles of private images): readable by its owner only,
// whatever umask it was started with.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../../..');
const parent = mkdtempSync(join(tmpdir(), 'glimpse-cli-'));
const dataDir = join(parent, 'data');
afterAll(() => rmSync(parent, { recursive: true, force: true }));

/** Runs `glimpse <command>` on the embedded defaults under a permissive umask, as a shell would. */
function cli(command: string) {
  const tsx = join(ROOT, 'node_modules/.bin/tsx');
  return run('sh', ['-c', `umask 022 && exec "${tsx}" apps/cli/src/main.ts ${command}`], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, GLIMPSE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    timeout: 120_000,
  });
}

/** Every entry below `dir` (itself included) that its group or others may read, write or enter. */
function openToOthers(dir: string): string[] {
  const open: string[] = [];
  const walk = (path: string) => {
    const stat = statSync(path);
    if (stat.mode & 0o077) open.push(`${(stat.mode & 0o777).toString(8)} ${path.slice(dataDir.length) || '/'}`);
    if (stat.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(dir);
  return open;
}

describe('the CLI in embedded mode', () => {
  it('creates the data directory and everything in it private (migrate, reindex, sweep)', async () => {
    expect((await cli('migrate')).stdout).toMatch(/applied 0001_core/);
    expect((await cli('reindex')).stdout).toMatch(/reindexed 0 image\(s\)/);
    expect((await cli('sweep')).stdout).toMatch(/removed 0 orphaned object/);
    const entries: string[] = [];
    const walk = (path: string) => {
      entries.push(path);
      if (statSync(path).isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
    };
    walk(dataDir);
    // the database, the queue, the keys and the search index are all there...
    for (const part of ['queue', 'keys', 'search']) expect(entries.some((e) => e.startsWith(join(dataDir, part))), part).toBe(true);
    expect(entries.length).toBeGreaterThan(100);
    // ...and none of them is open to anyone else
    expect(openToOthers(dataDir)).toEqual([]);
  }, 180_000);
});
