import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@glimpse/config';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../gateway/src/gateway';
import { apiClient, drawPhoto, eventually, writePhoto } from './fixtures';

// The browser end-to-end test of the web app: the real gateway (embedded adapters) serving
// the built SPA (`npm run build:web` first), driven through Debian's Chromium.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SEEDED = 30;
const PAGE_SIZE = 24;
const PASSWORD = 'correct horse battery';

const distIndex = fileURLToPath(new URL('../dist/index.html', import.meta.url));
if (!existsSync(distIndex)) throw new Error('apps/web/dist is missing: run `npm run build:web` before the web e2e test.');

let dataDir: string;
let filesDir: string;
let gateway: Gateway;
let browser: Browser;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'glimpse-web-e2e-'));
  filesDir = join(dataDir, 'files');
  await mkdir(filesDir);
  gateway = await startGateway(loadConfig({}, { GLIMPSE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn' }));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });

  // Enough public images, from another user, for the feed to need a second page.
  const seeder = apiClient(gateway.url);
  await seeder.signUp('seeder', PASSWORD);
  const photos = await Promise.all(Array.from({ length: SEEDED }, (_, index) => drawPhoto(index, 'jpeg')));
  const uploadOneThird = async (lane: number) => {
    for (let index = lane; index < SEEDED; index += 3) await seeder.upload(photos[index]!, `seed-${index}.jpg`, `Seed ${index}`);
  };
  await Promise.all([0, 1, 2].map(uploadOneThird));
  await eventually(async () => (await seeder.latest(100)).items.length === SEEDED, 'the seeded images to be processed');
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function openPage(): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return { context, page, errors };
}

const storedSession = (page: Page) =>
  page.evaluate(() => JSON.parse(localStorage.getItem('glimpse.session') ?? 'null') as { accessToken: string; refreshToken?: string } | null);

/** The refresh token's cookie: HttpOnly, so only the browser (and this test) can see it. */
const refreshCookie = async (context: BrowserContext) => (await context.cookies()).find((cookie) => cookie.name === 'glimpse_refresh');

const tiles = (page: Page) => page.locator('ul.grid > li.tile');

async function imageLoaded(page: Page, name: string) {
  const image = page.getByRole('img', { name, exact: true });
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0)), { timeout: 15_000 }).toBeGreaterThan(0);
}

describe('the web app', () => {
  it('ships no server code in its bundle (router types are imported as types only)', async () => {
    const assets = fileURLToPath(new URL('../dist/assets/', import.meta.url));
    const scripts = (await readdir(assets)).filter((name) => name.endsWith('.js'));
    const code = (await Promise.all(scripts.map((name) => readFile(join(assets, name), 'utf8')))).join('\n');
    for (const serverOnly of ['argon2', 'pglite', 'sharp', 'amqplib', 'createHTTPHandler', 'initTRPC']) expect(code, serverOnly).not.toContain(serverOnly);
  });

  it('signs up, uploads with progress, browses the feed with infinite scroll, likes, survives token expiry, signs out', async () => {
    const { context, page, errors } = await openPage();
    const files = [await writePhoto(filesDir, 'aurora.jpg', 101, 'jpeg'), await writePhoto(filesDir, 'meadow.png', 0, 'png'), await writePhoto(filesDir, 'harbour.webp', 103, 'webp')];

    // Sign up.
    await page.goto(`${gateway.url}/signup`);
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Username').fill('ada');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await storedSession(page)).not.toBeNull();
    // No refresh token where script can read it: only in an HttpOnly, SameSite=Strict cookie for /api/auth.
    expect((await storedSession(page))!.refreshToken).toBeUndefined();
    expect(await page.evaluate(() => document.cookie)).not.toContain('glimpse_refresh');
    expect(await refreshCookie(context)).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/auth' });

    // Upload three files at once: each gets its own progress bar, then its processing status.
    await page.getByRole('link', { name: 'Upload', exact: true }).click();
    // The storage line: nothing used yet; it moves as the uploads finish.
    const storage = page.getByLabel('Storage used');
    await expect.poll(() => storage.textContent()).toMatch(/^0 bytes of 10 GB used · 0 of \d+ uploads this hour$/);
    await page.locator('input[type=file]').setInputFiles(files);
    await page.getByLabel('Tags').fill('e2e, Sunset');
    await page.getByRole('button', { name: 'Upload 3 photos' }).click();
    for (const title of ['aurora', 'meadow', 'harbour']) {
      const row = page.getByRole('listitem', { name: title });
      await row.getByText('Ready', { exact: true }).waitFor({ timeout: 30_000 });
      expect(await row.locator('progress').evaluate((bar: HTMLProgressElement) => bar.value)).toBe(100);
      await expect.poll(() => row.getByText('100%').isVisible()).toBe(true);
    }
    await page.getByText('3 of 3 ready').waitFor();
    const sent = files.reduce((sum, file) => sum + statSync(file).size, 0);
    const usedText = `${(sent / 1024).toFixed(1).replace(/\.0$/, '')} KB`;
    await expect.poll(() => storage.textContent()).toMatch(new RegExp(`^${usedText.replace('.', '\\.')} of 10 GB used · 3 of \\d+ uploads this hour$`));
    expect(await storage.locator('meter').evaluate((meter: HTMLMeterElement) => meter.value)).toBeGreaterThan(0);

    // The feed: newest first, placeholders reserved at the right size, real images loaded.
    await page.getByRole('link', { name: 'Feed', exact: true }).click();
    await tiles(page).first().waitFor();
    await expect.poll(() => tiles(page).count()).toBe(PAGE_SIZE);
    for (const title of ['aurora', 'meadow', 'harbour']) await imageLoaded(page, title);
    const firstTile = page.locator('ul.grid .progressive').first();
    expect(await firstTile.evaluate((el) => getComputedStyle(el).backgroundImage)).toContain('data:image/png');
    const box = (await page.getByRole('img', { name: 'meadow', exact: true }).boundingBox())!;
    expect(box.width / box.height).toBeCloseTo(640 / 480, 1);

    // Infinite scroll brings the rest.
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await expect.poll(() => tiles(page).count(), { timeout: 15_000 }).toBe(SEEDED + 3);
    await tiles(page).last().scrollIntoViewIfNeeded();
    const lastTitle = (await tiles(page).last().getByRole('img').getAttribute('alt'))!;
    expect(lastTitle).toMatch(/^Seed \d+$/);
    await imageLoaded(page, lastTitle);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(400);
    await page.screenshot({ path: '/tmp/glimpse-feed.png' });

    // Open an image, like it: the count moves at once and is still there after a reload.
    await page.getByRole('link', { name: 'meadow' }).click();
    await page.getByRole('heading', { name: 'meadow' }).waitFor();
    await imageLoaded(page, 'meadow');
    await page.getByText('#e2e').waitFor();
    await page.getByText('#sunset').waitFor();
    const like = page.locator('button.like-button');
    expect(await like.getAttribute('aria-pressed')).toBe('false');
    expect(await like.locator('.like-count').textContent()).toBe('0');
    await like.click();
    await expect.poll(() => like.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => like.locator('.like-count').textContent()).toBe('1');
    await page.screenshot({ path: '/tmp/glimpse-image.png' });
    await page.reload();
    await page.getByRole('heading', { name: 'meadow' }).waitFor();
    await expect.poll(() => like.locator('.like-count').textContent()).toBe('1');
    expect(await like.getAttribute('aria-pressed')).toBe('true');

    // The liked image now leads the Popular feed.
    await page.getByRole('link', { name: 'Feed', exact: true }).click();
    await page.getByRole('link', { name: 'Popular' }).click();
    await page.waitForURL(/\?sort=popular$/);
    await expect.poll(() => tiles(page).first().getByRole('img').getAttribute('alt')).toBe('meadow');

    // An access token the server refuses is renewed transparently (refresh token rotates).
    const before = (await refreshCookie(context))!;
    await page.evaluate(() => {
      const stored = JSON.parse(localStorage.getItem('glimpse.session')!);
      localStorage.setItem('glimpse.session', JSON.stringify({ ...stored, accessToken: 'expired.access.token' }));
    });
    await page.goto(`${gateway.url}/me`);
    await page.getByRole('listitem', { name: 'harbour' }).waitFor();
    await expect.poll(() => page.locator('.mine-row').count()).toBe(3);
    expect((await refreshCookie(context))!.value).not.toBe(before.value);
    expect((await storedSession(page))!.accessToken).not.toBe('expired.access.token');
    await page.screenshot({ path: '/tmp/glimpse-mine.png' });

    // Edit an upload's title and visibility; delete another after confirming.
    await page.getByRole('button', { name: 'Edit aurora' }).click();
    await page.getByLabel('Title').fill('Aurora borealis');
    await page.getByLabel('Visibility').selectOption('private');
    await page.getByRole('button', { name: 'Save' }).click();
    const edited = page.getByRole('listitem', { name: 'Aurora borealis' });
    await edited.getByText('Private', { exact: true }).waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete harbour' }).click();
    await expect.poll(() => page.locator('.mine-row').count()).toBe(2);
    await page.reload();
    await edited.waitFor();
    expect(await page.locator('.mine-row').count()).toBe(2);

    // When the refresh token is refused too, the app asks to sign in again and comes back.
    await page.evaluate(() => {
      const stored = JSON.parse(localStorage.getItem('glimpse.session')!);
      localStorage.setItem('glimpse.session', JSON.stringify({ ...stored, accessToken: 'expired.access.token' }));
    });
    await context.addCookies([{ ...(await refreshCookie(context))!, value: 'revoked' }]);
    await page.goto(`${gateway.url}/me`);
    await page.waitForURL(/\/signin\?next=%2Fme&expired=1$/);
    await page.getByText('Your session has ended').waitFor();
    await page.getByLabel('Email or username').fill('ADA');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${gateway.url}/me`);
    await page.getByRole('listitem', { name: 'Aurora borealis' }).waitFor();

    // Sign out.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
    expect(await storedSession(page)).toBeNull();
    expect(await refreshCookie(context)).toBeUndefined();
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it('a like on the image page shows in the feed on the way back (no reload, scroll kept); unliking puts it back', async () => {
    const { context, page, errors } = await openPage();
    await apiClient(gateway.url).signUp('katherine', PASSWORD);
    await page.goto(`${gateway.url}/signin`);
    await page.getByLabel('Email or username').fill('katherine');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.waitForURL(`${gateway.url}/`);
    await expect.poll(() => tiles(page).count()).toBe(PAGE_SIZE);
    // A reload would forget this.
    await page.evaluate(() => Object.assign(window, { glimpseNotReloaded: true }));

    const tile = tiles(page).nth(14);
    await tile.scrollIntoViewIfNeeded();
    const title = (await tile.getByRole('img').getAttribute('alt'))!;
    const tileOf = () => page.locator('ul.grid > li.tile', { has: page.getByRole('img', { name: title, exact: true }) });
    const countInFeed = async () => Number((await tileOf().locator('.tile-meta').textContent())?.match(/♥ (\d+)$/)?.[1]);
    const before = await countInFeed();
    const scrolledTo = await page.evaluate(() => window.scrollY);
    expect(scrolledTo).toBeGreaterThan(100);

    const like = page.locator('button.like-button');
    const openAndToggle = async (pressedBefore: string, countAfter: number) => {
      await tileOf().getByRole('link').click();
      await page.getByRole('heading', { name: title }).waitFor();
      await expect.poll(() => like.getAttribute('aria-pressed')).toBe(pressedBefore);
      await like.click();
      await expect.poll(() => like.locator('.like-count').textContent()).toBe(String(countAfter));
      await page.goBack();
      await page.waitForURL(`${gateway.url}/`);
    };

    await openAndToggle('false', before + 1);
    await expect.poll(countInFeed).toBe(before + 1);
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(scrolledTo);
    expect(await tileOf().isVisible()).toBe(true);

    await openAndToggle('true', before);
    await expect.poll(countInFeed).toBe(before);
    expect(await page.evaluate(() => (window as unknown as { glimpseNotReloaded?: boolean }).glimpseNotReloaded)).toBe(true);

    // The server agrees: a fresh load shows the count as it ended.
    await page.reload();
    await expect.poll(() => tiles(page).count()).toBe(PAGE_SIZE);
    expect(await countInFeed()).toBe(before);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('opens deep links to every kind of page, and says "Not found" for addresses that lead nowhere', async () => {
    const { context, page, errors } = await openPage();
    await page.goto(`${gateway.url}/u/Seeder/`);
    await page.getByRole('heading', { name: '@seeder' }).waitFor();
    await tiles(page).first().waitFor();
    const firstTitle = (await tiles(page).first().getByRole('img').getAttribute('alt'))!;
    const imageId = (await tiles(page).first().getByRole('link').getAttribute('href'))!.replace('/i/', '');
    await page.goto(`${gateway.url}/i/${imageId}`);
    await page.getByRole('heading', { name: firstTitle }).waitFor();
    await page.goto(`${gateway.url}/search?tags=seed&sort=newest`);
    await page.getByRole('heading', { name: '#seed' }).waitFor();
    expect(page.url()).toBe(`${gateway.url}/search?tags=seed&sort=newest`);
    expect(await page.getByLabel('Sort').inputValue()).toBe('newest');
    await page.goto(`${gateway.url}/?sort=popular`);
    expect(await page.getByRole('link', { name: 'Popular' }).getAttribute('aria-current')).toBe('page');
    for (const nowhere of ['/nowhere', '/i/not-an-image', '/i/00000000-0000-4000-8000-000000000000', '/me/too']) {
      await page.goto(`${gateway.url}${nowhere}`);
      await page.getByRole('heading', { name: 'Not found' }).waitFor();
    }
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('shows the server’s reason for a refused file and still uploads the others', async () => {
    const { context, page, errors } = await openPage();
    const notAnImage = join(filesDir, 'notes.jpg');
    await writeFile(notAnImage, 'These are my notes, not a photo.\n'.repeat(20));
    const photo = await writePhoto(filesDir, 'lighthouse.png', 7, 'png');
    await apiClient(gateway.url).signUp('grace', PASSWORD);

    await page.goto(`${gateway.url}/upload`);
    await page.waitForURL(/\/signin\?next=%2Fupload$/);
    await page.getByLabel('Email or username').fill('grace@example.com');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${gateway.url}/upload`);

    // One file chosen with the file picker, one dropped on the drop zone.
    await page.locator('input[type=file]').setInputFiles([notAnImage]);
    const dropped = await page.evaluateHandle(async (base64) => {
      const transfer = new DataTransfer();
      const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
      transfer.items.add(new File([bytes], 'lighthouse.png', { type: 'image/png' }));
      return transfer;
    }, (await readFile(photo)).toString('base64'));
    await page.locator('.dropzone').dispatchEvent('drop', { dataTransfer: dropped });
    await page.getByRole('button', { name: 'Upload 2 photos' }).click();
    const refused = page.getByRole('listitem', { name: 'notes' });
    await refused.getByText('Refused', { exact: true }).waitFor();
    expect(await refused.getByRole('alert').textContent()).toMatch(/Glimpse accepts JPEG, PNG, WebP, AVIF, GIF and TIFF photos/);
    await page.getByRole('listitem', { name: 'lighthouse' }).getByText('Ready', { exact: true }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: '/tmp/glimpse-upload.png' });
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('waits when told to slow down (429 with Retry-After) and sends the file again, showing "waiting" rather than failing it', async () => {
    const { context, page, errors } = await openPage();
    const photo = await writePhoto(filesDir, 'harbour.png', 11, 'png');
    await apiClient(gateway.url).signUp('hedy', PASSWORD);

    // The first upload is answered as the ingress answers past its limit; the next ones go through.
    let refusedOnce = 0;
    let sent = 0;
    await page.route('**/api/upload/create', async (route) => {
      sent++;
      if (refusedOnce++ > 0) return route.continue();
      await route.fulfill({
        status: 429,
        headers: { 'content-type': 'application/json; charset=utf-8', 'retry-after': '2' },
        body: JSON.stringify({
          error: { message: 'You are sending photos faster than Glimpse takes them in; the next one goes in 2 s (uploads are counted per account).', code: -32029, data: { code: 'TOO_MANY_REQUESTS', httpStatus: 429, retryAfter: 2 } },
        }),
      });
    });

    await page.goto(`${gateway.url}/signin?next=%2Fupload`);
    await page.getByLabel('Email or username').fill('hedy@example.com');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${gateway.url}/upload`);
    await page.locator('input[type=file]').setInputFiles([photo]);
    await page.getByRole('button', { name: 'Upload 1 photo' }).click();

    const row = page.getByRole('listitem', { name: 'harbour' });
    await row.getByText('Waiting to retry', { exact: true }).waitFor({ timeout: 10_000 });
    expect(await row.getByRole('status').textContent()).toMatch(/faster than Glimpse takes them in/);
    expect(await row.getByRole('alert').count()).toBe(0);
    await row.getByText('Ready', { exact: true }).waitFor({ timeout: 30_000 });
    expect(sent).toBe(2);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
