import { randomUUID } from 'node:crypto';
import { createTokenSigner, loadSigningKey } from '@glimpse/access-tokens';
import { authRouter, createContextInner, defaultThrottles } from '@glimpse/auth';
import { migrate, openPglite, type Database } from '@glimpse/database';
import { createRateLimiter } from '@glimpse/http-service';
import { imagePipeline, imageWrites } from '@glimpse/images';
import { QUEUES } from '@glimpse/job-queue';
import { silentLogger } from '@glimpse/logging';
import { queuedJobs } from '@glimpse/outbox';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The account procedures called directly on in-memory PGlite; the gateway tests send the emails for real. */
let db: Database;
const signer = createTokenSigner(loadSigningKey({}), 900);
let wakes = 0;
let shared: ReturnType<typeof deps>;

beforeAll(async () => {
  db = await openPglite();
  await migrate(db);
  shared = deps();
});
afterAll(() => db?.close());

const deps = () => ({ db, signer, refreshTokenTtlDays: 30, attemptLimiter: createRateLimiter({ limit: 1000, windowMs: 60_000 }), wakeRelay: () => void wakes++, ...defaultThrottles() });
const caller = (viewer: { id: string; username: string } | null = null, clientIp = '127.0.0.1') =>
  authRouter.createCaller(createContextInner(shared, { viewer, requestId: 'test', clientIp, logger: silentLogger }));

async function signUp(name: string) {
  const session = await caller(null, `10.0.0.${name.length}`).signup({ email: `${name}@example.com`, username: name, password: 'correct horse battery' });
  return { ...session, as: caller({ id: session.user.id, username: name }) };
}

async function problem(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCError) {
      // Input errors carry zod's issues (the HTTP edge prefixes the field, as here); domain errors their field.
      const issue = (error.cause as { issues?: Array<{ path: PropertyKey[]; message: string }> } | undefined)?.issues?.[0];
      if (issue) return { code: error.code, message: `${issue.path.join('.')}: ${issue.message}`, field: issue.path.join('.') };
      return { code: error.code, message: error.message, field: (error.cause as { field?: string } | undefined)?.field };
    }
    throw error;
  }
  throw new Error('expected the call to fail');
}

const resetJobsFor = async (userId: string) => (await queuedJobs(db, QUEUES.notifications)).filter((job) => job.kind === 'password-reset' && job.userId === userId);

describe('sign-up', () => {
  it('queues one verification email in the same transaction and wakes the relay', async () => {
    const before = wakes;
    const ann = await signUp('ann');
    const jobs = (await queuedJobs(db, QUEUES.notifications)).filter((job) => job.userId === ann.user.id);
    expect(jobs.map((job) => job.kind)).toEqual(['verify-email']);
    expect(wakes).toBe(before + 1);
    expect(await problem(caller().verifyEmail({ token: 'x'.repeat(43) }))).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/confirmation link is not valid/) });
    expect(await problem(caller().verifyEmail({ token: 'short' }))).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/^token:/) });
  });
});

describe('requestPasswordReset', () => {
  it('answers the same whether or not the address has an account, and mails one inbox at most 3 times an hour', async () => {
    const ben = await signUp('ben');
    const known = await caller(null, '10.1.0.1').requestPasswordReset({ email: 'ben@example.com' });
    const unknown = await caller(null, '10.1.0.1').requestPasswordReset({ email: 'no-one@example.com' });
    expect(unknown).toEqual(known);
    // From many addresses (a botnet at one victim): the same answer every time, 3 emails in all.
    for (let i = 2; i <= 6; i++) expect(await caller(null, `10.1.0.${i}`).requestPasswordReset({ email: 'ben@example.com' })).toEqual(known);
    expect(await resetJobsFor(ben.user.id)).toHaveLength(3);
  });

  it('refuses an address asking more than 10 times an hour, with when to try again', async () => {
    const ip = '10.2.0.1';
    for (let i = 0; i < 10; i++) await caller(null, ip).requestPasswordReset({ email: `someone${i}@example.com` });
    const refused = await problem(caller(null, ip).requestPasswordReset({ email: 'someone@example.com' }));
    expect(refused).toMatchObject({ code: 'TOO_MANY_REQUESTS', message: expect.stringMatching(/password reset .* try again in \d+ s/) });
  });

  it('refuses a link that expired, even unused', async () => {
    const cat = await signUp('cat');
    await caller(null, '10.3.0.1').requestPasswordReset({ email: 'cat@example.com' });
    const [job] = await resetJobsFor(cat.user.id);
    await db.query(`UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1 AND purpose = 'reset-password'`, [cat.user.id]);
    const refused = await problem(caller().resetPassword({ token: (job as { token: string }).token, password: 'new password here' }));
    expect(refused).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/work once, for one hour/) });
  });
});

describe('changePassword', () => {
  it('needs the current password, ends every other session and keeps this one going', async () => {
    const dan = await signUp('dan');
    const other = await caller(null, '10.4.0.1').login({ login: 'dan', password: 'correct horse battery' });
    expect(await problem(dan.as.changePassword({ currentPassword: 'wrong guess', newPassword: 'another good one' }))).toMatchObject({
      code: 'BAD_REQUEST',
      message: 'currentPassword: this is not your current password.',
    });
    expect(await problem(dan.as.changePassword({ currentPassword: 'correct horse battery', newPassword: 'short' }))).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/^newPassword: expected at least 8/) });

    const fresh = await dan.as.changePassword({ currentPassword: 'correct horse battery', newPassword: 'another good one' });
    expect(await problem(caller().refresh({ refreshToken: other.refreshToken! }))).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await problem(caller().refresh({ refreshToken: dan.refreshToken! }))).toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await caller().refresh({ refreshToken: fresh.refreshToken! })).user.username).toBe('dan');
    expect((await caller(null, '10.4.0.2').login({ login: 'dan', password: 'another good one' })).user.id).toBe(dan.user.id);
  });
});

describe('updateProfile', () => {
  it('sets and clears the display name and bio, and names a field that is too long', async () => {
    const eva = await signUp('eva');
    expect(await eva.as.updateProfile({ displayName: '  Eva Lind ', bio: 'Birds, mostly.' })).toMatchObject({ displayName: 'Eva Lind', bio: 'Birds, mostly.' });
    expect(await eva.as.updateProfile({ bio: '' })).toMatchObject({ displayName: 'Eva Lind', bio: null });
    expect((await eva.as.me()).displayName).toBe('Eva Lind');
    expect(await problem(eva.as.updateProfile({ bio: 'x'.repeat(501) }))).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/^bio: expected at most 500/) });
    expect(await problem(eva.as.updateProfile({}))).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/expected displayName, bio or avatar/) });
  });
});

describe('deleteAccount', () => {
  it('needs the password, removes the account and its images, and takes its likes off others\' counts', async () => {
    const fin = await signUp('fin');
    const gus = await signUp('gus');
    const image = (ownerId: string) => ({
      id: randomUUID(), ownerId, title: 'photo', description: '', visibility: 'public' as const, originalKey: 'k', originalMime: 'image/jpeg', originalBytes: 10, width: 4, height: 3, tags: [],
    });
    const finsImage = image(fin.user.id);
    const gusImage = image(gus.user.id);
    await db.transaction(async (tx) => {
      for (const row of [finsImage, gusImage]) {
        await imageWrites.insertPending(tx, row);
        await imagePipeline.markReady(tx, row.id, { width: 4, height: 3, animated: false, placeholder: null, dominantColor: null, perceptualHash: null, camera: null, variants: [] });
      }
      await imageWrites.setLike(tx, fin.user.id, gusImage.id, true);
    });

    expect(await problem(fin.as.deleteAccount({ password: 'not it at all' }))).toMatchObject({ code: 'BAD_REQUEST', message: 'password: this is not your current password.' });
    const done = await fin.as.deleteAccount({ password: 'correct horse battery' });
    expect(done).toMatchObject({ deleted: true, images: 1 });

    const rows = await db.query<{ id: string; like_count: number }>('SELECT id, like_count FROM images WHERE id = ANY($1::uuid[])', [[finsImage.id, gusImage.id]]);
    expect(rows).toEqual([{ id: gusImage.id, like_count: 0 }]);
    const indexJobs = (await queuedJobs(db, QUEUES.indexImages)).map((job) => ('imageId' in job ? job.imageId : null));
    expect(indexJobs).toEqual(expect.arrayContaining([finsImage.id, gusImage.id]));
    expect(await problem(caller(null, '10.5.0.1').login({ login: 'fin', password: 'correct horse battery' }))).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await problem(caller().refresh({ refreshToken: fin.refreshToken! }))).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await problem(fin.as.me())).toMatchObject({ code: 'UNAUTHORIZED' });
  });
});

describe('notification preferences and language', () => {
  it('start with every email on and English, change one at a time, and refuse what is not a preference', async () => {
    const hal = await signUp('hal');
    expect(hal.user.language).toBe('en');
    expect(await hal.as.notificationPreferences()).toEqual({ likesDigest: true, uploadFailed: true, language: 'en' });
    expect(await hal.as.updateNotificationPreferences({ likesDigest: false })).toEqual({ likesDigest: false, uploadFailed: true, language: 'en' });
    expect(await hal.as.updateNotificationPreferences({ language: 'de' })).toEqual({ likesDigest: false, uploadFailed: true, language: 'de' });
    expect((await hal.as.me()).language).toBe('de');
    expect(await problem(hal.as.updateNotificationPreferences({}))).toMatchObject({ code: 'BAD_REQUEST', field: 'likesDigest' });
    expect(await problem(hal.as.updateNotificationPreferences({ language: 'tlh' as 'en' }))).toMatchObject({ code: 'BAD_REQUEST', message: 'language: expected one of en, de' });
    expect(await problem(caller().notificationPreferences())).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('takes a new account\'s language from the browser\'s Accept-Language when Glimpse writes it', async () => {
    const signUpWith = (name: string, acceptLanguage: string | undefined) =>
      authRouter
        .createCaller(createContextInner(shared, { viewer: null, requestId: 'test', clientIp: '10.9.0.1', logger: silentLogger }, undefined, acceptLanguage))
        .signup({ email: `${name}@example.com`, username: name, password: 'correct horse battery' });
    expect((await signUpWith('ida', 'de-CH,de;q=0.9,en;q=0.8')).user.language).toBe('de');
    expect((await signUpWith('jon', 'fr-FR,fr;q=0.9,de;q=0.5,en;q=0.7')).user.language).toBe('en');
    expect((await signUpWith('kim', 'fr-FR, ja')).user.language).toBe('en');
    expect((await signUpWith('lou', undefined)).user.language).toBe('en');
    const [row] = await db.query<{ language: string | null }>("SELECT language FROM users WHERE username = 'kim'");
    expect(row!.language).toBeNull();
  });
});
