import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@glimpse/config';
import { linkIn, noiseJpeg, startSmtpCapture, type SmtpCapture } from '@glimpse/test-fixtures';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../gateway/src/gateway';

// Account recovery in the browser: the emails go through a real SMTP server on 127.0.0.1 and
// their links are opened in Debian's Chromium, as a user clicks them.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const distIndex = fileURLToPath(new URL('../dist/index.html', import.meta.url));
if (!existsSync(distIndex)) throw new Error('apps/web/dist is missing: run `npm run build:web` before the web e2e test.');

let dataDir: string;
let gateway: Gateway;
let browser: Browser;
let smtp: SmtpCapture;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'glimpse-account-e2e-'));
  smtp = await startSmtpCapture();
  gateway = await startGateway(loadConfig({}, { GLIMPSE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', TAGGER_ENABLED: 'false', SMTP_URL: smtp.url }));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-quic'] });
});
afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  await smtp?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('account recovery in the browser', () => {
  it('confirms the address from the email, resets a forgotten password, rings the bell when an upload fails, and shows the admin dashboard', async () => {
    const page = await (await browser.newContext()).newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    await page.goto(`${gateway.url}/signup`);
    await page.getByLabel('Email').fill('hana@example.com');
    await page.getByLabel('Username').fill('hana');
    await page.getByLabel('Password').fill('first password here');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('link', { name: '@hana' }).waitFor();

    const [confirm] = await smtp.waitFor('hana@example.com', /confirm/i);
    await page.goto(linkIn(confirm!).toString());
    await expect(page.getByText('Thank you: hana@example.com is confirmed.').waitFor()).resolves.toBeUndefined();

    // Forgotten password, from the sign-in page's link.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.goto(`${gateway.url}/signin`);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByLabel('Email').fill('hana@example.com');
    await page.getByRole('button', { name: 'Send me a link' }).click();
    await page.getByText(/If an account uses this address/).waitFor();
    const [reset] = await smtp.waitFor('hana@example.com', /reset/i);
    await page.goto(linkIn(reset!).toString());
    await page.getByLabel('New password').fill('second password here');
    await page.getByRole('button', { name: 'Save the new password' }).click();
    await page.getByText(/Your password is changed/).waitFor();
    await page.getByRole('link', { name: 'Sign in', exact: true }).last().click();
    await page.getByLabel('Email or username').fill('hana');
    await page.getByLabel('Password').fill('second password here');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: '@hana' }).waitFor();

    // The same link again is refused with a way forward.
    await page.goto(linkIn(reset!).toString());
    await page.getByLabel('New password').fill('third password here');
    await page.getByRole('button', { name: 'Save the new password' }).click();
    await page.getByText(/not valid any more/).waitFor();

    // A failed upload rings the bell.
    const token = await page.evaluate(() => JSON.parse(localStorage.getItem(Object.keys(localStorage).find((key) => localStorage.getItem(key)?.includes('accessToken'))!)!).accessToken as string);
    const whole = await noiseJpeg(400, 300);
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(whole.subarray(0, whole.length / 2))]), 'cut.jpg');
    form.set('title', 'Broken one');
    expect((await fetch(`${gateway.url}/api/upload/create`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form })).status).toBe(200);
    await smtp.waitFor('hana@example.com', /failed/i);
    await page.goto(`${gateway.url}/`);
    await page.getByTestId('bell-count').filter({ hasText: '1' }).waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: /Notifications, 1 unread/ }).click();
    await page.getByRole('region', { name: 'Notifications' }).getByText(/"Broken one" could not be processed/).waitFor();
    await page.getByTestId('bell-count').waitFor({ state: 'detached' });

    // The first account administers the site: its dashboard charts the images by status.
    await page.getByRole('link', { name: 'Admin' }).click();
    const byStatus = page.getByRole('figure', { name: 'Images by status' });
    await byStatus.locator('.bar-row', { hasText: 'failed' }).filter({ hasText: '1' }).waitFor();
    expect(await byStatus.locator('.bar-row').count()).toBe(5);
    await page.getByRole('row', { name: /@hana/ }).waitFor();
    await page.getByRole('row', { name: /notifications/ }).waitFor();
    expect(errors).toEqual([]);
  });
});
