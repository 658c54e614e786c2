import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GREEN, RED, noiseJpeg, solid } from '@glimpse/test-fixtures';
import { afterEach, describe, expect, it } from 'vitest';
import { sendPartialUpload, startTestGateway, type TestGateway } from './harness';

let glimpse: TestGateway | undefined;
afterEach(async () => {
  await glimpse?.stop();
  glimpse = undefined;
});

interface Answer {
  status: number;
  code?: string;
  message: string;
}

async function post(path: string, input: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${glimpse!.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(input) });
  const body = (await response.json()) as { error?: { message: string; data: { code: string } } };
  return { status: response.status, code: body.error?.data.code, message: body.error?.message ?? '' };
}

let fake = 0;
const spoofed = () => ({ 'x-forwarded-for': `198.51.100.${++fake % 250}, 203.0.113.${fake % 250}` });

describe('sign-in and sign-up limits', () => {
  it('cannot be dodged with a new X-Forwarded-For per request: password guessing from one address is throttled', async () => {
    glimpse = await startTestGateway();
    const answers: Answer[] = [];
    for (let i = 0; i < 25; i++) answers.push(await post('/api/auth/login', { login: `nobody_${i}`, password: 'guess-guess' }, spoofed()));
    const refused = answers.findIndex((answer) => answer.code === 'TOO_MANY_REQUESTS');
    expect(refused, 'a guess is throttled').toBeGreaterThan(0);
    expect(refused).toBeLessThanOrEqual(21);
    expect(answers[refused]!.message).toMatch(/your address; try again in \d+ s/);
  });

  it('throttles one account after a few wrong passwords, with a wait that grows, without locking out others', async () => {
    glimpse = await startTestGateway();
    const victim = await glimpse.signUp('victim_1');
    const other = await glimpse.signUp('other_1');
    for (let i = 0; i < 5; i++) expect((await post('/api/auth/login', { login: 'victim_1', password: 'wrong password' })).code).toBe('UNAUTHORIZED');
    expect((await post('/api/auth/login', { login: 'victim_1@example.com', password: 'wrong password' })).code).toBe('UNAUTHORIZED');
    // The sixth failure started a wait: even the right password must wait, by email or username.
    const waiting = await post('/api/auth/login', { login: 'victim_1@example.com', password: victim.password });
    expect(waiting).toMatchObject({ status: 429, code: 'TOO_MANY_REQUESTS' });
    expect(waiting.message).toMatch(/for this account; try again in 1 s/);
    expect((await post('/api/auth/login', { login: 'other_1', password: other.password })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await post('/api/auth/login', { login: 'victim_1', password: 'wrong again' })).code).toBe('UNAUTHORIZED');
    const longer = await post('/api/auth/login', { login: 'victim_1', password: victim.password });
    expect(longer.message).toMatch(/try again in 2 s/);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect((await post('/api/auth/login', { login: 'victim_1', password: victim.password })).status).toBe(200);
  });

  it('limits sign-ups per address, whatever X-Forwarded-For says', async () => {
    glimpse = await startTestGateway();
    const answers: Answer[] = [];
    for (let i = 0; i < 32; i++) {
      answers.push(await post('/api/auth/signup', { username: `bulk_${i}`, email: `bulk_${i}@example.com`, password: 'correct horse battery' }, spoofed()));
    }
    expect(answers.slice(0, 30).every((answer) => answer.status === 200)).toBe(true);
    expect(answers[30]).toMatchObject({ status: 429, code: 'TOO_MANY_REQUESTS' });
    expect(answers[30]!.message).toMatch(/sign-up attempts from your address/);
  });

  it('believes X-Forwarded-For from a configured trusted proxy: each client behind it has its own budget', async () => {
    glimpse = await startTestGateway({ TRUSTED_PROXIES: '127.0.0.1,::1' });
    const attacker = { 'x-forwarded-for': '198.51.100.66' };
    let status = 0;
    for (let i = 0; i < 22 && status !== 429; i++) status = (await post('/api/auth/login', { login: `nobody_${i}`, password: 'guess-guess' }, attacker)).status;
    expect(status).toBe(429);
    // Another client behind the same proxy is not punished for it.
    expect((await post('/api/auth/login', { login: 'nobody_x', password: 'guess-guess' }, { 'x-forwarded-for': '198.51.100.67' })).code).toBe('UNAUTHORIZED');
  });

  it('refuses a TRUSTED_PROXIES entry that is not an address or CIDR at start, naming the variable', async () => {
    await expect(startTestGateway({ TRUSTED_PROXIES: '10.0.0.0/8,proxy.local' })).rejects.toThrow(/TRUSTED_PROXIES: expected comma-separated IP addresses or CIDR ranges/);
  });
});

describe('quotas and private data on disk', () => {
  it('enforces a per-user storage quota before storing bytes, and an hourly upload limit, and says how much is used', async () => {
    glimpse = await startTestGateway({ UPLOAD_QUOTA_BYTES: '200000', UPLOADS_PER_HOUR: '3' });
    const poster = await glimpse.signUp('quota_user');
    const small = await solid(64, 64, RED).jpeg().toBuffer();
    const first = await glimpse.uploadOk(poster, small);
    expect(await poster.upload.quota.query()).toMatchObject({ usedBytes: small.length, quotaBytes: 200000, uploadsThisHour: 1, uploadsPerHour: 3 });

    const big = await noiseJpeg(700, 700);
    expect(big.length).toBeGreaterThan(200000);
    const refused = await glimpse.upload(poster, big);
    expect(refused.status).toBe(413);
    expect(refused.error?.data).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', field: 'file' });
    expect(refused.error?.message).toMatch(/this 3\d\d(\.\d)? KB file does not fit in your storage: \d+ bytes of 195.3 KB used/);
    // Nothing of the refused file was stored.
    const originals = readdirSync(join(glimpse.dataDir, 'objects', 'unprocessed', 'originals'));
    expect(originals).toEqual([first]);

    expect((await glimpse.upload(poster, await solid(32, 32, GREEN).jpeg().toBuffer())).status).toBe(200);
    const tooMany = await glimpse.upload(poster, small);
    expect(tooMany.status).toBe(429);
    expect(tooMany.error?.message).toMatch(/Too many upload attempts from your account \(at most 3 per hour\)/);
    expect((await poster.upload.quota.query()).summary).toMatch(/^\d+ bytes of 195.3 KB used$/);
  });

  it('refuses an upload that cannot fit from its declared size, before the body is sent and without spending the allowance', async () => {
    glimpse = await startTestGateway({ UPLOAD_QUOTA_BYTES: '2000000', UPLOADS_PER_HOUR: '1' });
    const poster = await glimpse.signUp('early_quota');
    const answer = await sendPartialUpload(glimpse.url, poster.accessToken, 20 * 1024 * 1024);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error.message).toMatch(/^file: this file of at least 19 MB does not fit in your storage: 0 bytes of 1\.9 MB used/);
    // The hour's one upload is still there to use.
    expect((await glimpse.upload(poster, await solid(32, 32, GREEN).jpeg().toBuffer())).status).toBe(200);
  });

  it('keeps the data directory 0700 and every file in it 0600: database, originals, variants, queue, keys', async () => {
    glimpse = await startTestGateway();
    const poster = await glimpse.signUp('private_user');
    const imageId = await glimpse.uploadOk(poster, await solid(64, 48, RED).jpeg().toBuffer());
    expect((await glimpse.settle(poster, imageId)).status).toBe('ready');
    expect(statSync(glimpse.dataDir).mode & 0o777).toBe(0o700);
    const exposed: string[] = [];
    const kinds = new Set<string>();
    const walk = (directory: string) => {
      for (const entry of readdirSync(directory, { withFileTypes: true })) {
        const path = join(directory, entry.name);
        const mode = statSync(path).mode & 0o777;
        if (mode & 0o077) exposed.push(`${path.slice(glimpse!.dataDir.length)} ${mode.toString(8)}`);
        if (entry.isDirectory()) walk(path);
        else kinds.add(path.slice(glimpse!.dataDir.length + 1).split('/')[0]!);
      }
    };
    walk(glimpse.dataDir);
    expect(exposed).toEqual([]);
    expect([...kinds]).toEqual(expect.arrayContaining(['database', 'objects', 'keys']));
  });
});
