import { apiClients } from '@glimpse/api-client';
import { QUEUES } from '@glimpse/job-queue';
import { freePort, noiseJpeg, SmtpCapture, solid, until } from '@glimpse/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, startTestGateway, type Session, type TestGateway } from './harness';

/** The operators' API over HTTP: who may use it, what it shows, and what its controls do. */
let glimpse: TestGateway;
let smtpPort: number;
let admin: Session;
let member: Session;

beforeAll(async () => {
  // The SMTP server is not there at first: the first emails dead-letter after 2 attempts, for the redrive test.
  smtpPort = await freePort();
  glimpse = await startTestGateway({ SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, MAIL_MAX_ATTEMPTS: '2', ADMIN_EMAILS: 'boss@example.com' });
  admin = await glimpse.signUp('first');
  member = await glimpse.signUp('member');
});
afterAll(() => glimpse?.stop());

describe('who is an admin', () => {
  it('is the first account and those in ADMIN_EMAILS; everyone else gets FORBIDDEN on every admin procedure', async () => {
    expect(admin.user.role).toBe('admin');
    expect(member.user.role).toBe('user');
    const boss = await apiClients(glimpse.url).auth.signup.mutate({ email: 'boss@example.com', username: 'boss', password: 'correct horse battery' });
    expect(boss.user.role).toBe('admin');

    const calls = (client: Session['admin']) => [
      client.users.query({}),
      client.setDisabled.mutate({ userId: admin.user.id, disabled: true }),
      client.setRole.mutate({ userId: member.user.id, role: 'admin' }),
      client.imagesByStatus.query(),
      client.topTags.query({}),
      client.activity.query({}),
      client.queues.query(),
      client.deadLetters.query({ queue: QUEUES.notifications }),
      client.redrive.mutate({ queue: QUEUES.notifications }),
      client.moderationQueue.query({}),
      client.moderate.mutate({ imageId: '00000000-0000-4000-8000-000000000000', decision: 'approve' }),
    ];
    for (const refused of await Promise.all(calls(member.admin).map(failure))) {
      expect(refused).toMatchObject({ code: 'FORBIDDEN', message: 'Only administrators may use the admin API.' });
    }
    for (const refused of await Promise.all(calls(apiClients(glimpse.url).admin).map(failure))) expect(refused.code).toBe('UNAUTHORIZED');
    expect((await member.auth.me.query()).role).toBe('user');
  });
});

describe('what an admin sees', () => {
  it('users with their storage, images by status, and the top tags', async () => {
    const ready = await glimpse.uploadOk(member, await solid(40, 30, '#336699').png().toBuffer(), { tags: 'harbour, boats' });
    await glimpse.uploadOk(member, await solid(40, 30, '#996633').png().toBuffer(), { tags: 'harbour' });
    const whole = await noiseJpeg(300, 200);
    const broken = await glimpse.uploadOk(member, whole.subarray(0, whole.length / 2));
    for (const id of [ready, broken]) await glimpse.settle(member, id);

    const found = await admin.admin.users.query({ q: 'memb' });
    expect(found.items).toHaveLength(1);
    expect(found.items[0]).toMatchObject({ username: 'member', role: 'user', disabled: false, images: 3 });
    expect(found.items[0]!.storageBytes).toBeGreaterThan(100);
    expect((await admin.admin.users.query({})).items.map((user) => user.username)).toEqual(['boss', 'member', 'first']);

    await until(() => admin.admin.imagesByStatus.query(), (counts) => counts.ready === 2, 'two ready images');
    expect(await admin.admin.imagesByStatus.query()).toEqual({ pending: 0, processing: 0, ready: 2, failed: 1, deleted: 0 });
    expect((await admin.admin.topTags.query({ limit: 2 }))).toEqual([
      { tag: 'harbour', images: 2 },
      { tag: 'boats', images: 1 },
    ]);
    const activity = await admin.admin.activity.query({ days: 7 });
    expect(activity.days).toHaveLength(7);
    expect(activity.days.at(-1)!.day).toBe(new Date().toISOString().slice(0, 10));
    // Summed, so that a run across midnight (UTC) still adds up.
    expect(activity.days.reduce((sum, day) => sum + day.signups, 0)).toBe(3);
    expect(activity.days.reduce((sum, day) => sum + day.uploads, 0)).toBe(3);
    expect(activity.processingLast24h.images).toBe(2);
    expect(activity.processingLast24h.p50Ms).toBeGreaterThan(0);
    expect(activity.processingLast24h.p95Ms).toBeGreaterThanOrEqual(activity.processingLast24h.p50Ms!);
    const queues = await admin.admin.queues.query();
    expect(queues.map((queue) => queue.queue).sort()).toEqual(Object.values(QUEUES).sort());
    expect(await failure(admin.admin.deadLetters.query({ queue: 'no-such-queue' }))).toMatchObject({ code: 'BAD_REQUEST', field: 'queue' });
  });

  it('shows emails that failed into dead letters, and redrives them once SMTP is back', async () => {
    // The emails of this file so far went nowhere (SMTP was down and MAIL_MAX_ATTEMPTS is 2): three sign-ups and a failed upload.
    const letters = await until(() => admin.admin.deadLetters.query({ queue: QUEUES.notifications }), (list) => list.length === 4, 'the emails to be dead-lettered');
    expect(letters.map((letter) => (letter.payload as { kind: string }).kind).sort()).toEqual(['upload-failed', 'verify-email', 'verify-email', 'verify-email']);
    expect(letters[0]!.reason).toMatch(/ECONNREFUSED|connect/i);
    expect((await admin.admin.queues.query()).find((queue) => queue.queue === QUEUES.notifications)!.dead).toBe(letters.length);

    const smtp = await new SmtpCapture().start(smtpPort);
    try {
      expect(await admin.admin.redrive.mutate({ queue: QUEUES.notifications })).toEqual({ queue: QUEUES.notifications, moved: letters.length });
      await smtp.waitFor('member@example.com', /confirm/i);
      await smtp.waitFor('first@example.com', /confirm/i);
      await smtp.waitFor('member@example.com', /failed/i);
      expect(smtp.messages).toHaveLength(4);
      expect(await admin.admin.deadLetters.query({ queue: QUEUES.notifications })).toEqual([]);
    } finally {
      await smtp.stop();
    }
  });
});

describe('an admin\'s controls', () => {
  it('disabling an account ends its sessions at once and refuses its sign-in; enabling lets it back', async () => {
    const target = await glimpse.signUp('target');
    await admin.admin.setDisabled.mutate({ userId: target.user.id, disabled: true });
    expect(await failure(apiClients(glimpse.url).auth.refresh.mutate({ refreshToken: target.refreshToken }))).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await failure(target.auth.me.query())).toMatchObject({ message: expect.stringMatching(/disabled/) });
    // Its still-valid access token stops working in every other service too, within seconds.
    const disabledAt = Date.now();
    const refused = await until(() => failure(target.upload.mine.query({})).catch(() => ({ code: 'OK', message: '' })), (result) => result.code === 'UNAUTHORIZED', 'the upload service to refuse the token', 10_000);
    expect(refused.message).toMatch(/account is disabled/);
    expect(Date.now() - disabledAt).toBeLessThan(6_000);
    expect(await failure(target.feed.forYou.query({}))).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await failure(apiClients(glimpse.url).auth.login.mutate({ login: 'target', password: target.password }))).toMatchObject({ code: 'FORBIDDEN' });
    expect((await admin.admin.users.query({ q: 'target' })).items[0]!.disabled).toBe(true);

    await admin.admin.setDisabled.mutate({ userId: target.user.id, disabled: false });
    expect((await apiClients(glimpse.url).auth.login.mutate({ login: 'target', password: target.password })).user.username).toBe('target');
    expect(await failure(admin.admin.setDisabled.mutate({ userId: admin.user.id, disabled: true }))).toMatchObject({ code: 'BAD_REQUEST', field: 'userId' });
  });

  it('making someone an admin opens the admin API to them at their next call', async () => {
    const helper = await glimpse.signUp('helper');
    expect((await failure(helper.admin.queues.query())).code).toBe('FORBIDDEN');
    await admin.admin.setRole.mutate({ userId: helper.user.id, role: 'admin' });
    expect((await helper.admin.queues.query()).length).toBe(Object.values(QUEUES).length);
    await admin.admin.setRole.mutate({ userId: helper.user.id, role: 'user' });
    expect((await failure(helper.admin.queues.query())).code).toBe('FORBIDDEN');
  });
});
