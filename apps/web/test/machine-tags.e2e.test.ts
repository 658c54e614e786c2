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

// Machine tags on the image page: apart from the owner's, each with its confidence as text,
// and the owner removes a wrong one for good.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const distIndex = fileURLToPath(new URL('../dist/index.html', import.meta.url));
if (!existsSync(distIndex)) throw new Error('apps/web/dist is missing: run `npm run build:web` before the web e2e test.');

let dataDir: string;
let gateway: Gateway;
let browser: Browser;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'glimpse-machine-tags-e2e-'));
  gateway = await startGateway(loadConfig({}, { GLIMPSE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', TAGGER_ENABLED: 'false' }));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-quic'] });
});
afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function signIn(page: Page, username: string, password: string) {
  await page.goto(`${gateway.url}/signin`);
  await page.getByLabel('Email or username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: `@${username}` }).waitFor();
}

const machineTags = (page: Page) => page.getByRole('list', { name: 'Machine tags' }).getByRole('link').allInnerTexts();

describe('machine tags on the image page', () => {
  it('shows them apart with their confidence, and the owner removes a wrong one that stays gone after a reload', async () => {
    const owner = apiClient(gateway.url);
    await owner.signUp('tagowner', 'correct horse battery');
    const { imageId } = await owner.upload(await drawPhoto(2, 'jpeg'), 'cat.jpg', 'Cat on a rug', 'home');
    await eventually(async () => (await owner.latest(10)).items.some((item) => item.id === imageId), 'the upload to be processed');
    // The model is off in this test (it costs seconds to load); its output is written as the tagger writes it.
    await gateway.infra.db.query(`INSERT INTO image_tags (image_id, source, tag, confidence) VALUES ($1, 'machine', 'cat', 0.87), ($1, 'machine', 'sofa', 0.42)`, [imageId]);

    const visitor = await (await browser.newContext()).newPage();
    await visitor.goto(`${gateway.url}/i/${imageId}`);
    await expect.poll(() => machineTags(visitor)).toEqual(['cat 87%', 'sofa 42%']);
    expect(await visitor.getByRole('list', { name: 'Tags', exact: true }).getByRole('link').allInnerTexts()).toEqual(['#home']);
    expect(await visitor.getByRole('button', { name: /Remove machine tag/ }).count(), 'no remove buttons for a visitor').toBe(0);

    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await signIn(page, 'tagowner', 'correct horse battery');
    await page.goto(`${gateway.url}/i/${imageId}`);
    await expect.poll(() => machineTags(page)).toEqual(['cat 87%', 'sofa 42%']);
    await page.getByRole('button', { name: 'Remove machine tag sofa' }).click();
    await expect.poll(() => machineTags(page)).toEqual(['cat 87%']);

    await page.reload();
    await page.getByRole('heading', { name: 'Cat on a rug' }).waitFor();
    await expect.poll(() => machineTags(page)).toEqual(['cat 87%']);
    expect(await page.getByRole('list', { name: 'Tags', exact: true }).getByRole('link').allInnerTexts()).toEqual(['#home']);

    // A machine tag searches machine labels; the select beside the tag filter switches to the owner's tags.
    // (The removal re-indexed the image, with the machine tag it kept.)
    const found = page.locator('.search-found');
    await expect
      .poll(async () => {
        await page.goto(`${gateway.url}/i/${imageId}`);
        await page.getByRole('link', { name: 'cat 87%' }).click();
        await page.waitForURL(/\/search\?tags=cat&tagSource=machine$/);
        return found.textContent();
      }, { timeout: 20_000 })
      .toBe('1 result');
    const source = page.getByLabel('Tags from');
    expect(await source.inputValue()).toBe('machine');
    await source.selectOption('owner');
    await page.waitForURL(/\/search\?tags=cat&tagSource=owner$/);
    await expect.poll(() => found.textContent()).toBe('0 results');
    await source.selectOption('any');
    await page.waitForURL(/\/search\?tags=cat$/);
    await expect.poll(() => found.textContent()).toBe('1 result');
    expect(errors).toEqual([]);
  });
});
