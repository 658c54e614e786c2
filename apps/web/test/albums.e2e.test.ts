import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@glimpse/config';
import { chromium, type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../gateway/src/gateway';
import { apiClient, eventually } from './fixtures';

// An album made in the browser and opened by its link by someone signed out: the real
// gateway (embedded adapters) serving the built SPA, driven through Debian's Chromium.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PASSWORD = 'correct horse battery';
const PHOTOS = fileURLToPath(new URL('../../../packages/image-tagging/test/fixtures/photos', import.meta.url));
const distIndex = fileURLToPath(new URL('../dist/index.html', import.meta.url));
if (!existsSync(distIndex)) throw new Error('apps/web/dist is missing: run `npm run build:web` before the web e2e test.');

let dataDir: string;
let gateway: Gateway;
let browser: Browser;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'glimpse-albums-e2e-'));
  gateway = await startGateway(loadConfig({}, { GLIMPSE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', TAGGER_ENABLED: 'false' }));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-quic'] });
  const ada = apiClient(gateway.url);
  await ada.signUp('ada', PASSWORD);
  // Real photos: the drawn ones of the other web tests all share one layout.
  const photos = ['opencv-fruits.jpg', 'opencv-baboon.jpg', 'opencv-home.jpg'].map((name) => readFileSync(join(PHOTOS, name)));
  for (const [index, title] of ['Harbour at dawn', 'Lighthouse', 'Left out'].entries()) await ada.upload(photos[index]!, `${index}.jpg`, title);
  // A smaller, recompressed copy of the first: a possible duplicate.
  await ada.upload(await sharp(photos[0]).resize({ width: 256 }).jpeg({ quality: 40 }).toBuffer(), 'copy.jpg', 'Harbour copy');
  await eventually(async () => (await ada.latest(10)).items.length === 4, 'the four photos to be processed');
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function imageLoaded(page: Page, name: string) {
  const image = page.getByRole('img', { name, exact: true });
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0)), { timeout: 15_000 }).toBeGreaterThan(0);
}

describe('albums in the browser', () => {
  it('creates an album, adds two photos, and opens the shared page signed out', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    await page.goto(`${gateway.url}/signin`);
    await page.getByLabel('Email or username').fill('ada');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'My albums' }).click();
    await page.getByRole('button', { name: 'New album' }).click();
    await page.getByLabel('Album title').fill('Coast walk');
    await page.getByLabel('Description').fill('Two stops along the shore');
    await page.getByRole('button', { name: 'Create album' }).click();
    await page.getByRole('heading', { name: 'Coast walk' }).waitFor();
    await expect.poll(() => page.getByLabel('Photo count').textContent()).toBe('0 photos');

    await page.getByRole('button', { name: 'Add photos' }).click();
    const picker = page.getByRole('region', { name: 'Add photos' });
    await picker.getByLabel('Harbour at dawn').check();
    await picker.getByLabel('Lighthouse').check();
    await picker.getByRole('button', { name: 'Add 2 photos' }).click();
    await expect.poll(() => page.getByLabel('Photo count').textContent()).toBe('2 photos');
    const shared = page.url();
    expect(shared).toMatch(/\/albums\/[0-9a-f-]{36}$/);

    // The link, opened by someone who is not signed in.
    const visitor = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    visitor.on('pageerror', (error) => errors.push(error.message));
    await visitor.goto(shared);
    await visitor.getByRole('heading', { name: 'Coast walk' }).waitFor();
    await expect(visitor.getByText('Two stops along the shore').isVisible()).resolves.toBe(true);
    await expect.poll(() => visitor.getByLabel('Photo count').textContent()).toBe('2 photos');
    await imageLoaded(visitor, 'Harbour at dawn');
    await imageLoaded(visitor, 'Lighthouse');
    expect(await visitor.getByRole('img', { name: 'Left out', exact: true }).count()).toBe(0);
    expect(await visitor.getByRole('button', { name: 'Add photos' }).count()).toBe(0);
    // It is listed on ada's page too (public), with its cover.
    await visitor.goto(`${gateway.url}/u/ada`);
    await visitor.getByRole('link', { name: /Coast walk/ }).waitFor();
    expect(errors).toEqual([]);
  });

  it('lists the recompressed copy as a possible duplicate; keeping the original deletes the copy', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(`${gateway.url}/signin`);
    await page.getByLabel('Email or username').fill('ada');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'My uploads' }).click();
    await page.getByRole('link', { name: 'Possible duplicates' }).click();
    const group = page.getByRole('listitem', { name: 'Group of 2 photos' });
    await group.waitFor();
    await imageLoaded(page, 'Harbour copy');
    expect(await page.getByRole('img', { name: 'Lighthouse', exact: true }).count()).toBe(0);
    await group.getByRole('button', { name: 'Keep Harbour at dawn, delete the others' }).click();
    await page.getByText('No possible duplicates among your photos.').waitFor();
    await page.goto(`${gateway.url}/me`);
    await page.getByRole('link', { name: 'Harbour at dawn' }).waitFor();
    expect(await page.getByRole('link', { name: 'Harbour copy' }).count()).toBe(0);
  });
});
