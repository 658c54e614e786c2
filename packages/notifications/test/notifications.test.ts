import { randomUUID } from 'node:crypto';
import { migrate, openPglite, type Database } from '@glimpse/database';
import type { Job, NotificationPayload } from '@glimpse/job-queue';
import { silentLogger } from '@glimpse/logging';
import { createSmtpTransport } from '@glimpse/mail';
import { createContextInner, createNotificationHandler, notificationsRouter, renderMessage } from '@glimpse/notifications';
import { startSmtpCapture, type SmtpCapture } from '@glimpse/test-fixtures';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let db: Database;
let smtp: SmtpCapture;
const userId = randomUUID();

beforeAll(async () => {
  db = await openPglite();
  await migrate(db);
  await db.query(`INSERT INTO users (id, email, username, password_hash, display_name) VALUES ($1, 'gil@example.com', 'gil', 'x', 'Gil <Gray>')`, [userId]);
  smtp = await startSmtpCapture();
});
afterAll(async () => {
  await db?.close();
  await smtp?.stop();
});

const job = (payload: NotificationPayload, attempt = 1): Job<NotificationPayload> => ({ id: randomUUID(), queue: 'notifications', payload, attempt, maxAttempts: 5, isLastAttempt: false });

describe('messages', () => {
  it('say the same in text and HTML, escape what users typed, and link under PUBLIC_URL with the token', () => {
    const reset = renderMessage({ kind: 'password-reset', notificationId: randomUUID(), userId, token: 'tok-123_abc', expiresAt: '' }, { email: 'a@example.com', username: 'al', displayName: null }, { publicUrl: 'https://example.org/photos/' });
    expect(reset.text).toContain('https://example.org/photos/reset-password?token=tok-123_abc');
    expect(reset.html).toContain('href="https://example.org/photos/reset-password?token=tok-123_abc"');
    expect(reset.text).toMatch(/^Hello al,/);

    const failed = renderMessage(
      { kind: 'upload-failed', notificationId: randomUUID(), userId, imageId: randomUUID(), title: '<b>Tom & Jerry</b>', reason: 'The file is truncated.' },
      { email: 'a@example.com', username: 'al', displayName: 'Al "the" <Owl>' },
      { publicUrl: 'http://localhost:8080' },
    );
    expect(failed.subject).toBe('Your upload "<b>Tom & Jerry</b>" failed');
    expect(failed.html).toContain('&quot;&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;&quot; could not be processed');
    expect(failed.html).toContain('Hello Al &quot;the&quot; &lt;Owl&gt;,');
    expect(failed.html).not.toContain('<b>Tom');
    expect(failed.text).toContain('The reason: The file is truncated.');
  });
});

describe('the notifications job', () => {
  const handler = () => createNotificationHandler({ db, transport: createSmtpTransport({ url: smtp.url }), from: 'Glimpse <g@example.com>', publicUrl: 'http://glimpse.test', logger: silentLogger });

  it('sends once per notification id, however often the job comes', async () => {
    const payload: NotificationPayload = { kind: 'upload-failed', notificationId: randomUUID(), userId, imageId: randomUUID(), title: 'Dunes', reason: 'The file is truncated.' };
    const send = handler();
    await send(job(payload));
    await send(job(payload, 2));
    await send(job(payload, 3));
    const mails = smtp.to('gil@example.com', /Dunes/);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.messageId).toBe(`<${payload.notificationId}@glimpse.test>`);
    expect(mails[0]!.text).toMatch(/^Hello Gil <Gray>,/);
  });

  it('does not send a link that expired while it waited, nor to an account that is gone', async () => {
    const before = smtp.messages.length;
    const send = handler();
    await send(job({ kind: 'password-reset', notificationId: randomUUID(), userId, token: 'a'.repeat(43), expiresAt: new Date(Date.now() - 1000).toISOString() }));
    await send(job({ kind: 'password-reset', notificationId: randomUUID(), userId: randomUUID(), token: 'a'.repeat(43), expiresAt: new Date(Date.now() + 60_000).toISOString() }));
    expect(smtp.messages.length).toBe(before);
  });

  it('leaves a failed upload under the bell only, without an email, for who turned that email off', async () => {
    const quiet = randomUUID();
    await db.query(`INSERT INTO users (id, email, username, password_hash, notify_upload_failed) VALUES ($1, 'quiet@example.com', 'quiet', 'x', false)`, [quiet]);
    const notificationId = randomUUID();
    await handler()(job({ kind: 'upload-failed', notificationId, userId: quiet, imageId: randomUUID(), title: 'Fog', reason: 'The file is truncated.' }));
    expect(smtp.to('quiet@example.com')).toHaveLength(0);
    const [row] = await db.query<{ kind: string }>('SELECT kind FROM notifications WHERE id = $1 AND user_id = $2', [notificationId, quiet]);
    expect(row?.kind).toBe('upload-failed');
  });

  it('throws while the SMTP server is unreachable, so the queue retries it', async () => {
    const send = createNotificationHandler({ db, transport: createSmtpTransport({ url: 'smtp://127.0.0.1:1' }), from: 'g@example.com', publicUrl: 'http://glimpse.test', logger: silentLogger });
    await expect(send(job({ kind: 'upload-failed', notificationId: randomUUID(), userId, imageId: randomUUID(), title: '', reason: 'r' }))).rejects.toThrow(/ECONNREFUSED|connect/);
  });
});

describe('notifications.list', () => {
  const list = (input: { cursor?: string } = {}) =>
    notificationsRouter.createCaller(createContextInner({ db }, { viewer: { id: userId, username: 'gil' }, requestId: 't', clientIp: '127.0.0.1', logger: silentLogger })).list(input);

  it('pages newest first with a cursor and refuses a forged one', async () => {
    // The jobs above left theirs (the in-app notice comes first, even when the email then fails).
    const earlier = (await list()).unread;
    expect(earlier).toBe(2);
    for (let i = 0; i < 24; i++) {
      await db.query(`INSERT INTO notifications (id, user_id, kind, data, created_at) VALUES ($1, $2, 'upload-failed', $3, now() - ($4 * interval '1 minute'))`, [randomUUID(), userId, JSON.stringify({ title: `n${i}`, reason: 'r' }), i + 10]);
    }
    const first = await list();
    expect(first.items).toHaveLength(20);
    expect(first.unread).toBe(26);
    const second = await list({ cursor: first.nextCursor! });
    expect(second.items).toHaveLength(6);
    expect(second.nextCursor).toBeNull();
    expect(new Set([...first.items, ...second.items].map((item) => item.id)).size).toBe(26);
    expect(first.items[2]!.message).toContain('"n0"');
    await expect(list({ cursor: 'not-a-cursor' })).rejects.toSatisfy((error: unknown) => error instanceof TRPCError && error.code === 'BAD_REQUEST' && /cursor/.test(error.message));
  });
});
