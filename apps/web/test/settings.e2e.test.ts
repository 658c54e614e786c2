import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@glimpse/config';
import { imagePipeline } from '@glimpse/images';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../gateway/src/gateway';
import { apiClient, drawPhoto } from './fixtures';

// Settings (email preferences, language, avatar) and the admin's moderation queue, in Debian's Chromium.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const distIndex = fileURLToPath(new URL('../dist/index.html', import.meta.url));
if (!existsSync(distIndex)) throw new Error('apps/web/dist is missing: run `npm run build:web` before the web e2e test.');

let dataDir: string;
let gateway: Gateway;
let browser: Browser;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'glimpse-settings-e2e-'));
  gateway = await startGateway(loadConfig({}, { GLIMPSE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', TAGGER_ENABLED: 'false' }));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-quic'] });
});
afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const api = (path: string, token: string) => fetch(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${token}` } }).then(async (r) => ((await r.json()) as { result: { data: unknown } }).result.data);

describe('settings and moderation in the browser', () => {
  it('saves email preferences and the language, sets an avatar shown in the header and on the user page, and moderates a sensitive photo', async () => {
    const page = await (await browser.newContext()).newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    // The first account administers the site.
    await page.goto(`${gateway.url}/signup`);
    await page.getByLabel('Email').fill('sam@example.com');
    await page.getByLabel('Username').fill('sam');
    await page.getByLabel('Password').fill('a good long password');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('link', { name: '@sam' }).waitFor();
    const token = await page.evaluate(() => JSON.parse(localStorage.getItem(Object.keys(localStorage).find((key) => localStorage.getItem(key)?.includes('accessToken'))!)!).accessToken as string);

    await page.getByRole('link', { name: 'Settings' }).click();
    const digest = page.getByRole('checkbox', { name: /Daily digest of likes/ });
    await digest.waitFor();
    expect(await digest.isChecked()).toBe(true);
    await digest.uncheck();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).first().waitFor();
    await page.getByLabel('Language of your email').selectOption('de');
    await page.getByLabel('Language of your email').and(page.locator(':not([disabled])')).waitFor();
    expect(await api('/api/auth/notificationPreferences', token)).toEqual({ likesDigest: false, uploadFailed: true, language: 'de' });
    await page.reload();
    await page.getByRole('checkbox', { name: /Daily digest of likes/ }).waitFor();
    expect(await page.getByRole('checkbox', { name: /Daily digest of likes/ }).isChecked()).toBe(false);
    expect(await page.getByLabel('Language of your email').inputValue()).toBe('de');

    // An avatar, uploaded like any photo.
    const avatarFile = join(dataDir, 'me.png');
    await writeFile(avatarFile, await drawPhoto(3, 'png', { width: 400, height: 400 }));
    await page.getByLabel('Avatar picture').setInputFiles(avatarFile);
    const header = page.getByRole('banner');
    await header.locator('img.avatar').waitFor();
    const avatarUrl = await header.locator('img.avatar').getAttribute('src');
    expect(avatarUrl).toMatch(/^\/static\/image\/[0-9a-f-]{36}\/thumb\.webp$/);
    await page.getByLabel('Display name').fill('Sam the Admin');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).last().waitFor();
    await page.getByRole('link', { name: '@sam' }).click();
    await page.getByText('Sam the Admin').waitFor();
    // The thumbnail is served once the avatar is processed.
    await expect.poll(() => page.getByRole('img', { name: "@sam's avatar" }).evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 20_000 }).toBeGreaterThan(0);

    // Someone else's photo the tagger called sensitive waits in the admin's queue; approving lets it into the feed.
    const other = apiClient(gateway.url);
    await other.signUp('tom', 'another long password');
    const { imageId } = await other.upload(await drawPhoto(1, 'jpeg'), 'tide.jpg', 'Low tide');
    await expect.poll(async () => (await gateway.infra.db.query<{ status: string }>('SELECT status FROM images WHERE id = $1', [imageId]))[0]?.status, { timeout: 20_000 }).toBe('ready');
    await gateway.infra.db.transaction((tx) => imagePipeline.saveTagging(tx, imageId, { tags: new Map(), moderation: 'sensitive', analysis: {} }));
    await page.getByRole('link', { name: 'Admin' }).click();
    const queue = page.getByRole('list', { name: 'Images to review' });
    await queue.getByText('Low tide').waitFor();
    await queue.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('Nothing waits for review.').waitFor();
    await page.getByRole('link', { name: 'Feed' }).click();
    await page.getByRole('img', { name: 'Low tide' }).first().waitFor();
    expect(errors).toEqual([]);
  });

  it('takes the email language from a German browser at sign-up', async () => {
    const page = await (await browser.newContext({ locale: 'de-DE' })).newPage();
    await page.goto(`${gateway.url}/signup`);
    await page.getByLabel('Email').fill('uwe@example.com');
    await page.getByLabel('Username').fill('uwe');
    await page.getByLabel('Password').fill('ein gutes langes Passwort');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('link', { name: '@uwe' }).waitFor();
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Language of your email').waitFor();
    expect(await page.getByLabel('Language of your email').inputValue()).toBe('de');
  });
});
