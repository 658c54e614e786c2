import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { apiClients } from '@glimpse/api-client';
import { QUEUES } from '@glimpse/job-queue';
import { scheduleLikesDigests } from '@glimpse/notifications';
import { linkIn, noiseJpeg, startSmtpCapture, until, type SmtpCapture } from '@glimpse/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, startTestGateway, type TestGateway } from './harness';

/**
 * Email through the real path: a procedure or a worker writes the job in its transaction, the
 * relay hands it to the queue, the notifier sends it over SMTP to a real SMTP server on
 * 127.0.0.1 (smtp-server), and the test reads what arrived, as a mail client would.
 */
const PUBLIC_URL = 'http://photos.example.test:8443/glimpse';
let smtp: SmtpCapture;
let glimpse: TestGateway;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  // Generous attempts: the SMTP-down test keeps the server away for a few seconds of 50 ms retries.
  glimpse = await startTestGateway({ SMTP_URL: smtp.url, PUBLIC_URL, MAIL_FROM: 'Glimpse <photos@example.test>', MAIL_MAX_ATTEMPTS: '400' });
});
afterAll(async () => {
  await glimpse?.stop();
  await smtp?.stop();
});

const sample = (text: string, name: string, labels: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && labels.split(',').every((label) => l.includes(label)));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
};
const notificationJobs = async (outcome: string) => sample(await (await glimpse.get('/metrics')).text(), 'glimpse_jobs_total', `queue="notifications",outcome="${outcome}"`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const tokenOf = (link: URL) => link.searchParams.get('token')!;

describe('email verification', () => {
  it('sends one confirmation email at sign-up whose link confirms the address, once', async () => {
    const started = Date.now();
    const ada = await glimpse.signUp('ada');
    expect(ada.user.emailVerified).toBe(false);
    const [mail] = await smtp.waitFor('ada@example.com', /confirm your email/i);
    const elapsed = mail!.receivedAt - started;
    console.log(`sign-up → verification email delivered: ${elapsed} ms`);

    expect(mail!.from).toBe('photos@example.test');
    const link = linkIn(mail!);
    expect(`${link.origin}${link.pathname}`).toBe(`${PUBLIC_URL}/verify-email`);
    expect(mail!.html).toContain(link.toString().replace(/&/g, '&amp;'));
    expect(mail!.messageId).toMatch(/@photos\.example\.test>$/);

    const verified = await apiClients(glimpse.url).auth.verifyEmail.mutate({ token: tokenOf(link) });
    expect(verified.user).toMatchObject({ username: 'ada', emailVerified: true });
    expect((await ada.auth.me.query()).emailVerified).toBe(true);
    const again = await failure(apiClients(glimpse.url).auth.verifyEmail.mutate({ token: tokenOf(link) }));
    expect(again).toMatchObject({ code: 'BAD_REQUEST', field: 'token' });
    expect(again.message).toMatch(/not valid any more/);

    await sleep(500);
    expect(smtp.to('ada@example.com')).toHaveLength(1);
  });
});

describe('password reset', () => {
  it('mails a single-use link; the new password works, the old one and every old session stop', async () => {
    const bob = await glimpse.signUp('bob');
    await smtp.waitFor('bob@example.com', /confirm/i);
    const anonymous = apiClients(glimpse.url);

    const started = Date.now();
    const answer = await anonymous.auth.requestPasswordReset.mutate({ email: 'BOB@example.com ' });
    const unknown = await anonymous.auth.requestPasswordReset.mutate({ email: 'nobody@example.com' });
    expect(unknown).toEqual(answer);
    const [mail] = await smtp.waitFor('bob@example.com', /reset your glimpse password/i);
    console.log(`reset requested → reset email delivered: ${mail!.receivedAt - started} ms`);
    const link = linkIn(mail!);
    expect(`${link.origin}${link.pathname}`).toBe(`${PUBLIC_URL}/reset-password`);

    await anonymous.auth.resetPassword.mutate({ token: tokenOf(link), password: 'a brand new password' });
    expect(await failure(anonymous.auth.refresh.mutate({ refreshToken: bob.refreshToken }))).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await failure(anonymous.auth.login.mutate({ login: 'bob', password: bob.password }))).toMatchObject({ code: 'UNAUTHORIZED' });
    const signedIn = await anonymous.auth.login.mutate({ login: 'bob', password: 'a brand new password' });
    expect(signedIn.user.username).toBe('bob');

    const reused = await failure(anonymous.auth.resetPassword.mutate({ token: tokenOf(link), password: 'yet another password' }));
    expect(reused).toMatchObject({ code: 'BAD_REQUEST', field: 'token' });
    await sleep(300);
    expect(smtp.to('nobody@example.com')).toHaveLength(0);
    expect(smtp.to('bob@example.com', /reset/i)).toHaveLength(1);
  });
});

describe('a failed upload', () => {
  it('tells its owner once, by email and under the bell, even when the job is delivered again', async () => {
    const cyd = await glimpse.signUp('cyd');
    const whole = await noiseJpeg(600, 400);
    const started = Date.now();
    const imageId = await glimpse.uploadOk(cyd, whole.subarray(0, Math.floor(whole.length / 2)), { title: 'Half a beach' });
    const state = await glimpse.settle(cyd, imageId);
    expect(state.status).toBe('failed');

    const [mail] = await smtp.waitFor('cyd@example.com', /failed/i);
    console.log(`image failed → "upload failed" email delivered: ${mail!.receivedAt - started} ms after the upload`);
    expect(mail!.subject).toBe('Your upload "Half a beach" failed');
    expect(mail!.text).toContain(state.failureReason!);
    expect(mail!.text).toContain(`${PUBLIC_URL}/me`);

    const bell = await cyd.notifications.list.query();
    expect(bell.unread).toBe(1);
    expect(bell.items).toHaveLength(1);
    expect(bell.items[0]).toMatchObject({ kind: 'upload-failed', read: false, path: '/me' });
    expect(bell.items[0]!.message).toContain('Half a beach');

    // The same job again, as a broker redelivers it after a lost ack: nothing new is sent or shown.
    const processed = await notificationJobs('processed');
    const item = bell.items[0]!;
    const payload = { kind: 'upload-failed', notificationId: item.id, userId: cyd.user.id, imageId, title: 'Half a beach', reason: state.failureReason };
    await glimpse.gateway.infra.queue.publish(QUEUES.notifications, payload);
    await glimpse.gateway.infra.queue.publish(QUEUES.notifications, payload);
    await until(() => notificationJobs('processed'), (count) => count >= processed + 2, 'the redelivered jobs to be handled');
    await sleep(200);
    expect(smtp.to('cyd@example.com', /failed/i)).toHaveLength(1);
    expect((await cyd.notifications.list.query()).items).toHaveLength(1);

    expect(await cyd.notifications.markRead.mutate({ ids: [item.id] })).toEqual({ unread: 0 });
    expect((await cyd.notifications.list.query()).items[0]!.read).toBe(true);
    // Someone else's ids are ignored, not an error that confirms they exist.
    const dee = await glimpse.signUp('deena');
    expect(await dee.notifications.markRead.mutate({ ids: [item.id] })).toEqual({ unread: 0 });
    expect(await failure(apiClients(glimpse.url).notifications.list.query())).toMatchObject({ code: 'UNAUTHORIZED' });
  });
});

describe('in the user\'s language', () => {
  it('writes German to someone who signed up from a German browser: the confirmation and the reset email', async () => {
    const response = await fetch(`${glimpse.url}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-language': 'de-DE,de;q=0.9,en;q=0.5' },
      body: JSON.stringify({ email: 'greta@example.com', username: 'greta', password: 'correct horse battery' }),
    });
    const signedUp = (await response.json()) as { result: { data: { user: { language: string } } } };
    expect(signedUp.result.data.user.language).toBe('de');
    const [confirm] = await smtp.waitFor('greta@example.com', /bestätigen/i);
    expect(confirm!.subject).toBe('Bestätigen Sie Ihre E-Mail-Adresse für Glimpse');

    await apiClients(glimpse.url).auth.requestPasswordReset.mutate({ email: 'greta@example.com' });
    const [reset] = await smtp.waitFor('greta@example.com', /passwort/i);
    expect(reset!.subject).toBe('Setzen Sie Ihr Glimpse-Passwort zurück');
    expect(reset!.text).toMatch(/^Hallo greta,/);
    expect(reset!.text).toContain('Der Link funktioniert einmal und eine Stunde lang.');
    expect(`${linkIn(reset!).origin}${linkIn(reset!).pathname}`).toBe(`${PUBLIC_URL}/reset-password`);
  });

  it('follows the language chosen in the preferences', async () => {
    const hugo = await glimpse.signUp('hugo');
    await smtp.waitFor('hugo@example.com', /confirm your email/i);
    expect(await hugo.auth.updateNotificationPreferences.mutate({ language: 'de' })).toMatchObject({ language: 'de' });
    await apiClients(glimpse.url).auth.requestPasswordReset.mutate({ email: 'hugo@example.com' });
    const [reset] = await smtp.waitFor('hugo@example.com', /passwort/i);
    expect(reset!.subject).toBe('Setzen Sie Ihr Glimpse-Passwort zurück');
  });
});

describe('the daily likes digest', () => {
  it('goes out through the outbox, the queue and SMTP once a day, to who wants it', async () => {
    const ivy = await glimpse.signUp('ivy');
    const jay = await glimpse.signUp('jay');
    const kit = await glimpse.signUp('kit');
    expect(await jay.auth.updateNotificationPreferences.mutate({ likesDigest: false })).toMatchObject({ likesDigest: false });
    const ivysPhoto = await glimpse.uploadOk(ivy, await noiseJpeg(300, 200), { title: 'Lagoon' });
    const jaysPhoto = await glimpse.uploadOk(jay, await noiseJpeg(300, 200), { title: 'Ridge' });
    await glimpse.settle(ivy, ivysPhoto);
    await glimpse.settle(jay, jaysPhoto);
    await kit.feed.like.mutate({ imageId: ivysPhoto });
    await kit.feed.like.mutate({ imageId: jaysPhoto });

    // The pass the notifier runs every 15 minutes, as it runs tomorrow (it covers today); twice, as two notifiers would.
    const tomorrow = new Date(Date.now() + 86_400_000);
    const started = Date.now();
    const passes = await Promise.all([scheduleLikesDigests(glimpse.gateway.infra.db, tomorrow), scheduleLikesDigests(glimpse.gateway.infra.db, tomorrow)]);
    expect(passes.map((pass) => pass.claimed).sort()).toEqual([false, true]);
    const [digest] = await smtp.waitFor('ivy@example.com', /likes? on/);
    console.log(`likes digest scheduled → delivered: ${digest!.receivedAt - started} ms`);
    expect(digest!.subject).toBe(`Your photos got 1 like on ${new Date().toISOString().slice(0, 10)}`);
    expect(digest!.text).toContain('"Lagoon": 1 like');
    await scheduleLikesDigests(glimpse.gateway.infra.db, tomorrow);
    await sleep(500);
    expect(smtp.to('ivy@example.com', /likes? on/)).toHaveLength(1);
    expect(smtp.to('jay@example.com', /likes? on/)).toHaveLength(0);
  });
});

describe('while the SMTP server is down', () => {
  it('retries the email and delivers it once the server is back, once', async () => {
    await glimpse.signUp('eve');
    await smtp.waitFor('eve@example.com', /confirm/i);
    const retriedBefore = await notificationJobs('retried');
    await smtp.stop();

    const requestedAt = Date.now();
    await apiClients(glimpse.url).auth.requestPasswordReset.mutate({ email: 'eve@example.com' });
    await until(() => notificationJobs('retried'), (count) => count >= retriedBefore + 3, 'the notifier to retry against the stopped server', 20_000);

    const backAt = Date.now();
    await smtp.start();
    const [mail] = await smtp.waitFor('eve@example.com', /reset/i);
    console.log(`SMTP down for ${backAt - requestedAt} ms; email delivered ${mail!.receivedAt - backAt} ms after it came back`);
    await sleep(500);
    expect(smtp.to('eve@example.com', /reset/i)).toHaveLength(1);
    expect(await glimpse.gateway.infra.queue.deadLetters(QUEUES.notifications)).toEqual([]);
  });
});

describe('without SMTP_URL', () => {
  it('writes each email as an .eml file under the data directory', async () => {
    const local = await startTestGateway();
    try {
      await local.signUp('fay');
      const directory = join(local.dataDir, 'mail');
      const files = await until(async () => { try { return readdirSync(directory).filter((name) => name.endsWith('.eml')); } catch { return []; } }, (names) => names.length === 1, 'the .eml file', 20_000);
      const eml = readFileSync(join(directory, files[0]!), 'utf8');
      expect(eml).toMatch(/^To: fay@example\.com$/m);
      expect(eml).toMatch(/^Subject: Confirm your email address for Glimpse$/m);
      expect(eml).toContain('Content-Type: text/html');
      // Links point at the all-in-one itself when PUBLIC_URL is unset.
      expect(eml.replace(/=\r?\n/g, '')).toContain(`${local.url}/verify-email?token=3D`);
    } finally {
      await local.stop();
    }
  });
});
