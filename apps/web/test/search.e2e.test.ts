import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@glimpse/config';
import { chromium, type Browser } from 'playwright-core';
import sharp from 'sharp';
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

  it('shows a photo’s camera and the words read in it on its page, and finds photos by camera with a facet', async () => {
    // A real photo of a street sign (OpenCV's scenetext01), with the EXIF an iPhone writes.
    const sign = readFileSync(fileURLToPath(new URL('../../../packages/image-tagging/test/fixtures/photos/opencv-scenetext01.jpg', import.meta.url)));
    const iphone = await sharp(sign)
      .withExif({ IFD0: { Make: 'Apple', Model: 'iPhone 12' }, IFD2: { DateTimeOriginal: '2024:05:06 07:08:09', OffsetTimeOriginal: '+02:00', LensModel: 'iPhone 12 back camera 4.2mm f/1.6' } })
      .jpeg()
      .toBuffer();
    const kai = apiClient(gateway.url);
    await kai.signUp('kai', PASSWORD);
    const { imageId } = await kai.upload(iphone, 'IMG_0042.jpg', 'Parking sign', 'street');
    const detail = async () => {
      const input = encodeURIComponent(JSON.stringify({ imageId }));
      const body = (await (await fetch(`${gateway.url}/api/feed/image?input=${input}`)).json()) as { result?: { data: { text: string | null } } };
      return body.result?.data;
    };
    // Tagged (the words are read) and indexed (the camera is searchable).
    await eventually(async () => Boolean((await detail())?.text) && (await kai.search({ camera: ['Apple iPhone 12'] })).found === 1, 'the sign to be read and indexed', 60_000);

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${gateway.url}/i/${imageId}`);
    await page.getByRole('heading', { name: 'Parking sign' }).waitFor();
    const camera = page.getByRole('region', { name: 'Camera' });
    await camera.getByRole('link', { name: 'Apple iPhone 12' }).waitFor();
    expect(await camera.textContent()).toContain('iPhone 12 back camera 4.2mm f/1.6');
    // At the camera's own time of day (07:08), whatever the browser's zone.
    expect(await camera.locator('time').getAttribute('datetime')).toBe('2024-05-06T07:08:09+02:00');
    expect(await camera.locator('time').textContent()).toMatch(/2024.*7:08|7:08.*2024/);
    // The words the tagger read on the sign (from the medium rendering: "PROHIBITED" reads reliably).
    const words = page.getByRole('region', { name: 'Text in this photo' }).locator('p');
    expect(await words.textContent()).toBe((await detail())?.text);
    expect(await words.textContent()).toMatch(/PROHIBITED/);
    // The camera is no tag: the maker's name is not among them.
    // the owner's tags and the machine's (two lists)
    const tags = (await page.locator('ul.tags').allTextContents()).join(' ');
    expect(tags).not.toMatch(/apple|iphone/i);
    await page.screenshot({ path: '/tmp/glimpse-camera.png', fullPage: true });

    // The camera links to its photos; on the search page its facet chip filters and unfilters.
    await camera.getByRole('link', { name: 'Apple iPhone 12' }).click();
    await page.waitForURL(/\/search\?camera=Apple\+iPhone\+12$/);
    const found = page.locator('.search-found');
    await expect.poll(() => found.textContent()).toBe('1 result');
    const cameras = page.getByRole('group', { name: 'Camera' });
    await cameras.getByRole('button', { name: /^Apple iPhone 12/ }).click();
    await page.waitForURL(/\/search$/);
    await expect.poll(() => found.textContent()).toBe(`${PHOTOS.length + 1} results`);
    await cameras.getByRole('button', { name: 'Apple iPhone 12 1' }).click();
    await page.waitForURL(/\/search\?camera=Apple\+iPhone\+12$/);
    await expect.poll(() => found.textContent()).toBe('1 result');
    expect(await page.locator('ul.grid > li.tile img').getAttribute('alt')).toBe('Parking sign');
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
