import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@glimpse/config';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../gateway/src/gateway';
import { apiClient, drawPhoto, eventually } from './fixtures';

// Search, the "For you" feed and similar images in the browser, against the real gateway
// serving the built SPA (`npm run build:web` first).

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PASSWORD = 'correct horse battery';
const PHOTOS = [
  { title: 'Lighthouse at dusk', tags: 'sunset, coast' },
  { title: 'Mountain lake', tags: 'sunset, mountains' },
  { title: 'City lights', tags: 'night, city' },
  { title: 'Harbour boats', tags: 'coast, boats' },
];

const distIndex = fileURLToPath(new URL('../dist/index.html', import.meta.url));
if (!existsSync(distIndex)) throw new Error('apps/web/dist is missing: run `npm run build:web` before the web e2e test.');

let dataDir: string;
let gateway: Gateway;
let browser: Browser;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'glimpse-search-e2e-'));
  gateway = await startGateway(loadConfig({}, { GLIMPSE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn' }));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  const mira = apiClient(gateway.url);
  await mira.signUp('mira', PASSWORD);
  for (const [index, photo] of PHOTOS.entries()) await mira.upload(await drawPhoto(index, 'jpeg'), `photo-${index}.jpg`, photo.title, photo.tags);
  await eventually(async () => (await mira.search({ tags: ['sunset'] })).found === 2 && (await mira.search({})).found === PHOTOS.length, 'the photos to be indexed');
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('search in the web app', () => {
  it('suggests tags, finds misspelt words, filters with facets, links tags; shows For you and similar photos', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const found = page.locator('.search-found');
    const titles = () => page.locator('ul.grid > li.tile img').evaluateAll((images) => images.map((image) => image.getAttribute('alt')));

    // Completions: a tag with its count, picked with the keyboard.
    await page.goto(gateway.url);
    const box = page.getByRole('combobox', { name: 'Search photos' });
    await box.fill('suns');
    const suggestion = page.getByRole('option', { name: '#sunset, 2 photos' });
    await suggestion.waitFor();
    expect(await box.getAttribute('aria-expanded')).toBe('true');
    await box.press('ArrowDown');
    expect(await suggestion.getAttribute('aria-selected')).toBe('true');
    await box.press('Enter');
    await page.waitForURL(/\/search\?tags=sunset$/);
    expect(await box.inputValue()).toBe('');
    await expect.poll(() => found.textContent()).toBe('2 results');
    expect((await titles()).sort()).toEqual(['Lighthouse at dusk', 'Mountain lake']);

    // A facet chip adds a tag (all of them must match): the count drops, the URL keeps the filter.
    await page.getByRole('group', { name: 'Tags' }).getByRole('button', { name: /^#mountains/ }).click();
    await page.waitForURL(/\/search\?tags=sunset,mountains$/);
    await expect.poll(() => found.textContent()).toBe('1 result');
    expect(await titles()).toEqual(['Mountain lake']);
    await page.screenshot({ path: '/tmp/glimpse-search.png' });

    // Words, typo tolerant.
    await box.fill('lighthouze');
    await box.press('Enter');
    await page.waitForURL(/\/search\?q=lighthouze$/);
    await expect.poll(() => titles()).toEqual(['Lighthouse at dusk']);
    expect(await found.textContent()).toBe('1 result');

    // A tag on the image page searches for it.
    await page.getByRole('link', { name: 'Lighthouse at dusk' }).click();
    await page.getByRole('heading', { name: 'Lighthouse at dusk' }).waitFor();
    await page.getByRole('link', { name: '#coast' }).click();
    await page.waitForURL(/\/search\?tags=coast$/);
    await expect.poll(() => found.textContent()).toBe('2 results');

    // Signed in, the feed has a third tab; an image page offers similar photos.
    await apiClient(gateway.url).signUp('noor', PASSWORD);
    await page.goto(`${gateway.url}/signin`);
    await page.getByLabel('Email or username').fill('noor');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.getByRole('link', { name: 'Feed', exact: true }).click();
    await page.getByRole('link', { name: 'For you' }).click();
    await page.waitForURL(/\?sort=for-you$/);
    await expect.poll(async () => (await titles()).length).toBeGreaterThan(0);
    await page.getByRole('link', { name: 'Mountain lake' }).click();
    await page.getByRole('heading', { name: 'Mountain lake' }).waitFor();
    await expect.poll(() => page.getByRole('list', { name: 'Similar photos' }).locator('li.tile').count()).toBeGreaterThan(0);
    await page.screenshot({ path: '/tmp/glimpse-similar.png' });

    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);
});
