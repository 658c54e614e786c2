import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@glimpse/config';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../gateway/src/gateway';
import { apiClient, drawPhoto, eventually } from './fixtures';

// Simple edits in the browser: the owner rotates, crops and undoes on the image page, and the
// page shows each new rendering once the processor has made it.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const distIndex = fileURLToPath(new URL('../dist/index.html', import.meta.url));
if (!existsSync(distIndex)) throw new Error('apps/web/dist is missing: run `npm run build:web` before the web e2e test.');

let dataDir: string;
let gateway: Gateway;
let browser: Browser;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'glimpse-edits-e2e-'));
  gateway = await startGateway(loadConfig({}, { GLIMPSE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', TAGGER_ENABLED: 'false' }));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-quic'] });
});
afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/**
 * The photo on the page as the browser drew it: which URL, and the shape of its pixels
 * (width per height, in hundredths; the browser picks whichever variant fits the layout).
 */
const shown = (page: Page, title: string) =>
  page
    .getByRole('img', { name: title, exact: true })
    .evaluate((img: HTMLImageElement) => ({ src: img.currentSrc, shape: img.complete && img.naturalHeight > 0 ? Math.round((100 * img.naturalWidth) / img.naturalHeight) : 0 }));
const LANDSCAPE = { shape: 178 }; // 800×450 as uploaded
const PORTRAIT = { shape: 56 }; // 450×800 turned right
const CROPPED = { shape: 113 }; // 450×400, the top of the portrait

describe('editing a photo on its page', () => {
  it('rotates it, shows the new rendering once ready, crops it, and undoes back to the upload', async () => {
    const owner = apiClient(gateway.url);
    await owner.signUp('framer', 'correct horse battery');
    const { imageId } = await owner.upload(await drawPhoto(3, 'jpeg', { width: 800, height: 450 }), 'dunes.jpg', 'Dunes');
    await eventually(async () => (await owner.latest(10)).items.some((item) => item.id === imageId), 'the upload to be processed');

    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${gateway.url}/signin`);
    await page.getByLabel('Email or username').fill('framer');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: '@framer' }).waitFor();
    await page.goto(`${gateway.url}/i/${imageId}`);

    await expect.poll(() => shown(page, 'Dunes'), { timeout: 15_000 }).toMatchObject(LANDSCAPE);
    const first = await shown(page, 'Dunes');
    expect(first.src).not.toContain('/v');
    const undo = page.getByRole('button', { name: 'Undo' });
    expect(await undo.isDisabled()).toBe(true);

    // Rotate right: the page switches to the new, portrait rendering under a new URL.
    await page.getByRole('button', { name: 'Rotate right' }).click();
    await expect.poll(() => shown(page, 'Dunes'), { timeout: 20_000 }).toMatchObject(PORTRAIT);
    expect((await shown(page, 'Dunes')).src).toContain(`/static/image/${imageId}/v1/`);
    await expect.poll(() => undo.isEnabled()).toBe(true);

    // Crop to the top half of the rotated photo, typed in its pixels.
    await page.getByRole('button', { name: 'Crop' }).click();
    await page.getByLabel('Height').fill('400');
    await page.getByRole('button', { name: 'Apply crop' }).click();
    await expect.poll(() => shown(page, 'Dunes'), { timeout: 20_000 }).toMatchObject(CROPPED);
    expect((await shown(page, 'Dunes')).src).toContain('/v2/');

    // A crop that does not fit is refused with the reason.
    await page.getByRole('button', { name: 'Crop' }).click();
    await page.getByLabel('Width').fill('900');
    await page.getByRole('button', { name: 'Apply crop' }).click();
    await page.getByRole('alert').getByText(/past the right edge of the 450×400 image/).waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();

    // Undo twice: back to the photo as uploaded, under yet another URL.
    await undo.click();
    await expect.poll(() => shown(page, 'Dunes'), { timeout: 20_000 }).toMatchObject(PORTRAIT);
    await expect.poll(() => undo.isEnabled(), { timeout: 20_000 }).toBe(true);
    await undo.click();
    await expect.poll(() => shown(page, 'Dunes'), { timeout: 20_000 }).toMatchObject(LANDSCAPE);
    expect((await shown(page, 'Dunes')).src).toContain('/v4/');
    await expect.poll(() => undo.isDisabled(), { timeout: 20_000 }).toBe(true);

    // Someone else sees the photo without the edit tools.
    const visitor = await (await browser.newContext()).newPage();
    await visitor.goto(`${gateway.url}/i/${imageId}`);
    await expect.poll(() => shown(visitor, 'Dunes'), { timeout: 15_000 }).toMatchObject(LANDSCAPE);
    expect(await visitor.getByRole('button', { name: 'Rotate right' }).count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
