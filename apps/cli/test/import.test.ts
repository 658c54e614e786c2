// `glimpse import DIR --user NAME`: an operator imports a folder on the server into an account.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { settle } from '@glimpse/api-client';
import { zipOf } from '@glimpse/test-fixtures';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestGateway } from '../../gateway/test/harness';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../../..');
const parent = mkdtempSync(join(tmpdir(), 'glimpse-cli-import-'));
const dataDir = join(parent, 'data');
afterAll(() => rmSync(parent, { recursive: true, force: true }));

const photo = (seed: number) =>
  sharp({ create: { width: 80, height: 60, channels: 3, background: { r: seed * 20, g: 100, b: 200 - seed * 10 }, noise: { type: 'gaussian', mean: 80, sigma: 30 } } }).jpeg().toBuffer();

describe('glimpse import', () => {
  it('imports a folder (nested folders and zips too) into an account, with progress, refusing what is not a photo', async () => {
    const first = await startTestGateway({ GLIMPSE_DATA_DIR: dataDir });
    const { accessToken } = await first.signUp('operator_target');
    await first.stop({ keepData: true });

    const folder = join(parent, 'photos');
    mkdirSync(join(folder, '2022', 'winter'), { recursive: true });
    writeFileSync(join(folder, 'first.jpg'), await photo(1));
    writeFileSync(join(folder, '2022', 'winter', 'snow.jpg'), await photo(2));
    writeFileSync(join(folder, '2022', 'winter', 'ice.jpg'), await photo(3));
    writeFileSync(join(folder, 'old-phone.zip'), await zipOf([{ name: 'DCIM/a.jpg', data: await photo(4) }, { name: 'DCIM/b.jpg', data: await photo(5) }]));
    writeFileSync(join(folder, 'notes.txt'), 'not a photo');
    symlinkSync('/etc/passwd', join(folder, 'sneaky.jpg'));

    const tsx = join(ROOT, 'node_modules/.bin/tsx');
    const { stdout, stderr } = await run(tsx, ['apps/cli/src/main.ts', 'import', folder, '--user', 'operator_target'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, GLIMPSE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      timeout: 120_000,
    });
    // Not a terminal: plain progress lines, ending at the whole.
    expect(stderr).toMatch(/^copy: 5\/5 \(100%\)$/m);
    expect(stderr).toMatch(/^import: 6\/6 \(100%\)$/m);
    expect(stdout).toMatch(/notes\.txt\t.*(text|not)/i);
    expect(stdout).toMatch(/sneaky\.jpg: a symbolic link/);
    expect(stdout).toMatch(/5 image\(s\) accepted, 0 duplicate\(s\) skipped, 2 refused, of 7/);

    // The workers process them once the service runs again.
    const second = await startTestGateway({ GLIMPSE_DATA_DIR: dataDir });
    try {
      const owner = second.signedIn(accessToken);
      const mine = await owner.upload.mine.query({});
      expect(mine.items.map((item) => item.title).sort()).toEqual(['a', 'b', 'first', 'ice', 'snow']);
      for (const item of mine.items) expect((await settle(owner, item.id)).status).toBe('ready');
    } finally {
      await second.stop({ keepData: true });
    }

    const missing = await run(tsx, ['apps/cli/src/main.ts', 'import', folder, '--user', 'nobody_here'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, GLIMPSE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('no account is named "nobody_here"') });
  }, 240_000);
});
