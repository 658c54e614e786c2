import { apiClients, settle, signUp, uploadFile } from '@glimpse/api-client';
import { solid } from '@glimpse/test-fixtures';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoOrphans, expectReadyExactlyOnce, inspect } from './checks';
import { startStack, type Stack } from './harness';

let stack: Stack;
let checks: ReturnType<typeof inspect>;
beforeAll(async () => {
  stack = await startStack();
  checks = inspect(stack);
});
afterAll(async () => {
  await checks?.db.close();
  await stack?.stop();
});

const hue = (i: number) => `#${((i * 2654435761) >>> 8).toString(16).padStart(6, '0').slice(0, 6)}`;

describe('the production shape: separate processes behind Traefik', () => {
  it('signs up, uploads 50 images, and every one becomes ready and is served through /static/image', async () => {
    const alice = await signUp(stack.url, 'stack_alice');
    const ids: string[] = [];
    const files = await Promise.all(Array.from({ length: 50 }, (_, i) => solid(200 + (i % 7) * 40, 150 + (i % 5) * 30, hue(i)).jpeg().toBuffer()));
    for (let start = 0; start < files.length; start += 5) {
      const batch = await Promise.all(files.slice(start, start + 5).map((file, j) => uploadFile(stack.url, alice.accessToken, file, { title: `stack ${start + j}` })));
      for (const result of batch) {
        expect(result.status, result.error?.message).toBe(200);
        ids.push(result.result!.data.imageId);
      }
    }
    for (const id of ids) expect((await settle(alice, id, 120_000)).status).toBe('ready');
    await expectReadyExactlyOnce(checks.db, ids);

    const feed = await apiClients(stack.url).feed.latest.query({ limit: 50 });
    expect(feed.items.map((item) => item.id).sort()).toEqual([...ids].sort());
    for (const card of feed.items) {
      const response = await fetch(`${stack.url}${card.urls.thumb.webp}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('etag')).toMatch(/^"/);
      const meta = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
      expect([meta.width, meta.height]).toEqual([card.width, card.height]);
    }
    await expectNoOrphans(checks);
  });

  it('tags every upload with the model and makes it searchable through /api/search', async () => {
    const deadline = Date.now() + 120_000;
    let pending = Infinity;
    while (pending > 0 && Date.now() < deadline) {
      pending = ((await checks.db.query<{ count: number }>(`SELECT count(*) AS count FROM images WHERE tagging_status = 'pending'`))[0]!).count;
      if (pending > 0) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(pending, 'images still waiting for the tagger').toBe(0);
    const [{ tagged }] = (await checks.db.query<{ tagged: number }>(`SELECT count(*) AS tagged FROM images WHERE tagging_status = 'tagged'`)) as [{ tagged: number }];
    expect(tagged).toBeGreaterThanOrEqual(50);
    const { search } = apiClients(stack.url);
    let found = 0;
    while (found < 50 && Date.now() < deadline) {
      found = (await search.images.query({ q: 'stack' })).found;
      if (found < 50) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(found).toBe(50);
    expect((await search.images.query({ q: 'stacck 7' })).hits.map((hit) => hit.title)).toContain('stack 7');
  });

  it('puts the security headers on every route and serves the web app at /', async () => {
    for (const path of ['/', '/api/feed/latest', '/.well-known/jwks.json']) {
      const response = await fetch(`${stack.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('x-frame-options'), path).toBe('DENY');
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('referrer-policy'), path).toBe('strict-origin-when-cross-origin');
    }
    expect(await (await fetch(`${stack.url}/`)).text()).toContain('<div id="root">');
  });

  it('lets every service check tokens the auth service signed, through its JWKS', async () => {
    const bob = await signUp(stack.url, 'stack_bob');
    expect((await bob.auth.me.query()).username).toBe('stack_bob');
    expect((await bob.upload.mine.query({})).items).toEqual([]);
    expect((await fetch(`${stack.serviceUrl('feed')}/readyz`)).status).toBe(200);
  });
  it('takes a folder of 100 photos from one user, 8 in flight, through the ingress, and every one becomes ready', async () => {
    const carol = await signUp(stack.url, 'stack_folder');
    const files = await Promise.all(Array.from({ length: 100 }, (_, i) => solid(120 + (i % 9) * 10, 90 + (i % 4) * 10, hue(i + 1000)).jpeg().toBuffer()));
    const ids: string[] = [];
    const refusals: string[] = [];
    let next = 0;
    const lane = async () => {
      while (next < files.length) {
        const index = next++;
        const result = await uploadFile(stack.url, carol.accessToken, files[index]!, { title: `folder ${index}` });
        if (result.status === 200) ids.push(result.result!.data.imageId);
        else refusals.push(`${result.status} ${result.error?.message}`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, lane));
    expect(refusals).toEqual([]);
    expect(ids).toHaveLength(100);
    // Status polls have their own budget: following 100 uploads does not eat the uploads'.
    for (const id of ids) expect((await settle(carol, id, 180_000)).status).toBe('ready');
    await expectReadyExactlyOnce(checks.db, ids);
  }, 300_000);

  it('answers uploads past the ingress limit with JSON and Retry-After, and the typed client waits and retries', async () => {
    const dave = await signUp(stack.url, 'stack_flood');
    const file = await solid(32, 24, hue(7)).jpeg().toBuffer();
    // 110 at once: the burst is 100 (the other user's uploads above do not count for this one).
    const send = () => {
      const form = new FormData();
      form.set('file', new Blob([new Uint8Array(file)]), 'flood.jpg');
      return fetch(`${stack.url}/api/upload/create`, { method: 'POST', headers: { authorization: `Bearer ${dave.accessToken}` }, body: form });
    };
    const answers = await Promise.all(Array.from({ length: 110 }, send));
    const refused = answers.filter((answer) => answer.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(answers.filter((answer) => answer.status !== 429 && answer.status !== 200).map((answer) => answer.status)).toEqual([]);
    for (const answer of refused) {
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      const body = (await answer.json()) as { error: { message: string; code: number; data: { code: string; httpStatus: number } } };
      expect(body.error).toMatchObject({ code: -32029, data: { code: 'TOO_MANY_REQUESTS', httpStatus: 429 } });
      expect(body.error.message).toMatch(/faster than Glimpse takes them in|Too many uploads from your account/);
    }
    await Promise.all(answers.filter((answer) => answer.status === 200).map((answer) => answer.text()));
    // Waiting for Retry-After, the next eight go through.
    const waits: number[] = [];
    const patient = await Promise.all(Array.from({ length: 8 }, () => uploadFile(stack.url, dave.accessToken, file, {}, { onWait: (ms) => waits.push(ms) })));
    expect(patient.map((answer) => answer.status)).toEqual(Array(8).fill(200));
    expect(waits.length).toBeGreaterThan(0);
  }, 120_000);

  // Last: it uses up this address's sign-in budget.
  it('rate-limits sign-in attempts at the ingress with 429', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 150 }, () =>
        fetch(`${stack.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'nobody', password: 'wrong-password' }) }),
      ),
    );
    const statuses = attempts.map((response) => response.status);
    expect(statuses).toContain(429);
    expect(statuses.filter((status) => status === 401).length).toBeGreaterThan(0);
    // Traefik's 429 reaches the client as JSON in tRPC's error shape, with a Retry-After.
    const refused = attempts.find((response) => response.status === 429)!;
    expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await refused.json()) as { error: { message: string; code: number; data: { code: string; httpStatus: number } } };
    expect(body.error).toMatchObject({ code: -32029, data: { code: 'TOO_MANY_REQUESTS', httpStatus: 429 } });
    expect(body.error.message).toMatch(/^Too many sign-in requests from your address; try again in \d+ s\.$/);
  });
});
