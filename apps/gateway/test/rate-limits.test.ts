import { fetchWaitingOnRateLimit, uploadFile } from '@glimpse/api-client';
import { GREEN, solid } from '@glimpse/test-fixtures';
import { afterEach, describe, expect, it } from 'vitest';
import { sendPartialUpload, startTestGateway, type TestGateway } from './harness';

// What a client sees when it is told to slow down: tRPC's error shape (so a tRPC client
// parses it), TOO_MANY_REQUESTS, a sentence a person understands, and Retry-After; the
// typed client waits for it and sends the file again.

let glimpse: TestGateway | undefined;
afterEach(async () => {
  await glimpse?.stop();
  glimpse = undefined;
});

interface TrpcErrorBody {
  error: { message: string; code: number; data: { code: string; httpStatus: number; retryAfter?: number } };
}

const photo = () => solid(40, 30, GREEN).jpeg().toBuffer();

describe('a 429 every client can read', () => {
  it('answers uploads past the per-user burst with JSON in tRPC’s shape and a Retry-After, and lets another user upload', async () => {
    glimpse = await startTestGateway({ UPLOAD_BURST: '3', UPLOADS_PER_MINUTE: '1' });
    const poster = await glimpse.signUp('burst_poster');
    for (let i = 0; i < 3; i++) expect((await uploadFile(glimpse.url, poster.accessToken, await photo())).status).toBe(200);

    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(await photo())]), 'one-too-many.jpg');
    const response = await fetch(`${glimpse.url}/api/upload/create`, { method: 'POST', headers: { authorization: `Bearer ${poster.accessToken}` }, body: form });
    expect(response.status).toBe(429);
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(50);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = (await response.json()) as TrpcErrorBody;
    expect(body.error).toMatchObject({ code: -32029, data: { code: 'TOO_MANY_REQUESTS', httpStatus: 429, retryAfter } });
    expect(body.error.message).toMatch(/^Too many uploads from your account at once \(3 at a time, then 1 a minute\); waiting \d+ s before the next one\.$/);

    // The typed client does not wait longer than it was told it may: it hands back the 429.
    const impatient = await uploadFile(glimpse.url, poster.accessToken, await photo(), {}, { maxWaitMs: 5_000 });
    expect(impatient.status).toBe(429);
    expect(impatient.error?.data.code).toBe('TOO_MANY_REQUESTS');

    // The count is per user, not per address: someone else on the same address uploads.
    const other = await glimpse.signUp('burst_other');
    expect((await uploadFile(glimpse.url, other.accessToken, await photo())).status).toBe(200);
  });

  it('refuses an upload past the allowance from its headers, before the body is sent', async () => {
    glimpse = await startTestGateway({ UPLOAD_BURST: '1', UPLOADS_PER_MINUTE: '1' });
    const poster = await glimpse.signUp('early_refusal');
    expect((await uploadFile(glimpse.url, poster.accessToken, await photo())).status).toBe(200);
    // A 20 MB form of which only the first 64 KB are ever sent: the answer comes without the rest.
    const answer = await sendPartialUpload(glimpse.url, poster.accessToken, 20 * 1024 * 1024);
    expect(answer.status).toBe(429);
    expect((JSON.parse(answer.body) as TrpcErrorBody).error.message).toMatch(/^Too many uploads from your account/);
  });

  it('makes the typed client wait for Retry-After and send the file again', async () => {
    glimpse = await startTestGateway({ UPLOAD_BURST: '1', UPLOADS_PER_MINUTE: '60' });
    const poster = await glimpse.signUp('patient_poster');
    const waits: Array<{ waitMs: number; message: string }> = [];
    const started = Date.now();
    const results = await Promise.all(
      [0, 1, 2].map(async () => uploadFile(glimpse!.url, poster.accessToken, await photo(), {}, { onWait: (waitMs, message) => waits.push({ waitMs, message }) })),
    );
    expect(results.map((result) => result.status)).toEqual([200, 200, 200]);
    expect(waits.length).toBeGreaterThanOrEqual(2);
    for (const wait of waits) {
      expect(wait.waitMs).toBeGreaterThanOrEqual(1000);
      expect(wait.message).toMatch(/Too many uploads from your account/);
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(1800);
    const ids = results.map((result) => result.result!.data.imageId);
    for (const id of ids) expect((await glimpse.settle(poster, id)).status).toBe('ready');
  }, 30_000);

  it('serves the ingress’s 429 page in the same shape as the services’ own 429s', async () => {
    glimpse = await startTestGateway();
    // What Traefik's errors middleware fetches for its own rate limits (scripts/stack/traefik, the chart).
    const page = await fetch(`${glimpse.url}/_glimpse/too-many-requests?limit=upload&retryAfter=2`);
    expect(page.status).toBe(429);
    expect(page.headers.get('retry-after')).toBe('2');
    expect(page.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await page.json()) as TrpcErrorBody;
    expect(body).toEqual({
      error: {
        message: 'You are sending photos faster than Glimpse takes them in; the next one goes in 2 s (uploads are counted per account).',
        code: -32029,
        data: { code: 'TOO_MANY_REQUESTS', httpStatus: 429, retryAfter: 2 },
      },
    });
    const auth = (await (await fetch(`${glimpse.url}/_glimpse/too-many-requests?limit=auth&retryAfter=1`)).json()) as TrpcErrorBody;
    expect(auth.error.message).toBe('Too many sign-in requests from your address; try again in 1 s.');

    // A service's own 429 (tRPC's TOO_MANY_REQUESTS) has the same keys, so one parser reads both.
    let own: Response | undefined;
    for (let i = 0; i < 40 && own?.status !== 429; i++) {
      own = await fetch(`${glimpse.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'nobody', password: 'wrong-password' }) });
    }
    expect(own!.status).toBe(429);
    expect(Number(own!.headers.get('retry-after'))).toBeGreaterThan(0);
    const ownBody = (await own!.json()) as TrpcErrorBody;
    expect(ownBody.error).toMatchObject({ code: -32029, data: { code: 'TOO_MANY_REQUESTS', httpStatus: 429 } });
    expect(Object.keys(ownBody.error).sort()).toEqual(Object.keys(body.error).sort());

    // fetchWaitingOnRateLimit reads Retry-After from either.
    const waited: number[] = [];
    const gaveUp = await fetchWaitingOnRateLimit(`${glimpse.url}/_glimpse/too-many-requests?retryAfter=1`, {}, { maxWaitMs: 2_500, onWait: (ms) => waited.push(ms) });
    expect(gaveUp.status).toBe(429);
    expect(waited.length).toBe(2);
    for (const ms of waited) expect(ms).toBeGreaterThanOrEqual(1000);
  }, 30_000);
});
