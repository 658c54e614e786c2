import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@glimpse/config';
import { zipOf } from '@glimpse/test-fixtures';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../gateway/src/gateway';
import { drawPhoto } from './fixtures';

// Moving a library in and out in the browser: an import's progress survives a reload, and
// My uploads exports everything behind a download link.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const distIndex = fileURLToPath(new URL('../dist/index.html', import.meta.url));
if (!existsSync(distIndex)) throw new Error('apps/web/dist is missing: run `npm run build:web` before the web e2e test.');

let dataDir: string;
let gateway: Gateway;
let browser: Browser;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'glimpse-library-e2e-'));
  gateway = await startGateway(loadConfig({}, { GLIMPSE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', TAGGER_ENABLED: 'false' }));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-quic'] });
});
afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('import and export in the browser', () => {
  it('imports a zip with a progress bar and per-file outcome kept across a reload, then exports and downloads it', async () => {
    const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${gateway.url}/signup`);
    await page.getByLabel('Email').fill('mia@example.com');
    await page.getByLabel('Username').fill('mia');
    await page.getByLabel('Password').fill('a long enough password');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('link', { name: '@mia' }).waitFor();

    const zipPath = join(dataDir, 'holiday.zip');
    await writeFile(zipPath, await zipOf([
      { name: 'holiday/day1/sea.jpg', data: await drawPhoto(1, 'jpeg') },
      { name: 'holiday/day2/hill.png', data: await drawPhoto(2, 'png') },
      { name: 'holiday/day2/town.webp', data: await drawPhoto(3, 'webp') },
      { name: 'holiday/list.jpg', data: Buffer.from('bread, milk, sun cream') },
    ]));
    await page.goto(`${gateway.url}/me`);
    await page.getByRole('link', { name: 'Import a library' }).click();
    await page.getByLabel('Zip or photos').setInputFiles(zipPath);
    await page.getByRole('button', { name: 'Import 1 file' }).click();
    await page.waitForURL(/\/import\?id=[0-9a-f-]{36}/);
    const summary = page.getByLabel('Import progress').getByRole('status');
    await expect(summary.filter({ hasText: '3 ready, 1 not imported, of 4' }).waitFor({ timeout: 60_000 })).resolves.toBeUndefined();
    await page.getByText('Import finished').waitFor();

    await page.reload();
    await page.getByText('3 ready, 1 not imported, of 4').first().waitFor();
    const refused = page.getByLabel('Files in this import').locator('li', { hasText: 'holiday/list.jpg' });
    await expect(refused.textContent()).resolves.toMatch(/Refused.*(text|not)/i);
    await page.getByRole('link', { name: 'holiday/day1/sea.jpg' }).waitFor();

    await page.goto(`${gateway.url}/me`);
    await page.getByRole('button', { name: 'Export all my photos' }).click();
    const download = page.getByRole('link', { name: /Download export/ });
    await download.waitFor({ timeout: 60_000 });
    await page.getByText(/Your export of 3 photos is ready/).waitFor();
    const href = await download.getAttribute('href');
    const response = await fetch(`${gateway.url}${href}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(errors).toEqual([]);
  }, 180_000);
});
