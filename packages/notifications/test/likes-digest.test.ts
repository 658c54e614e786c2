import { randomUUID } from 'node:crypto';
import { migrate, openPglite, type Database } from '@glimpse/database';
import { imagePipeline, imageWrites } from '@glimpse/images';
import { QUEUES, type Job, type NotificationPayload } from '@glimpse/job-queue';
import { silentLogger } from '@glimpse/logging';
import { createSmtpTransport } from '@glimpse/mail';
import { createNotificationHandler, digestDayFor, digestNotificationId, scheduleLikesDigests } from '@glimpse/notifications';
import { queuedJobs } from '@glimpse/outbox';
import { startSmtpCapture, type SmtpCapture } from '@glimpse/test-fixtures';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

/**
 * The daily likes digest on in-memory PGlite, sent over SMTP to a real server on 127.0.0.1.
 * Likes are given now, so the digest "sent tomorrow" (which covers today) is the one tested.
 */
let db: Database;
let smtp: SmtpCapture;
const tomorrow = () => new Date(Date.now() + 86_400_000);
const today = () => new Date().toISOString().slice(0, 10);

async function addUser(name: string, extra: { language?: string; digest?: boolean } = {}) {
  const id = randomUUID();
  await db.query('INSERT INTO users (id, email, username, password_hash, language, notify_likes_digest) VALUES ($1, $2, $3, $4, $5, $6)', [
    id, `${name}@example.com`, name, 'x', extra.language ?? null, extra.digest ?? true,
  ]);
  return id;
}

async function addPhoto(ownerId: string, title: string) {
  const id = randomUUID();
  await db.transaction(async (tx) => {
    await imageWrites.insertPending(tx, { id, ownerId, title, description: '', visibility: 'public', originalKey: `originals/${id}`, originalMime: 'image/jpeg', originalBytes: 100, width: 40, height: 30, tags: [] });
    await imagePipeline.markReady(tx, id, { width: 40, height: 30, animated: false, placeholder: null, dominantColor: null, perceptualHash: null, camera: null, variants: [] });
  });
  return id;
}

const like = (userId: string, imageId: string, liked = true) => db.transaction((tx) => imageWrites.setLike(tx, userId, imageId, liked));
const job = (payload: NotificationPayload, attempt = 1): Job<NotificationPayload> => ({ id: randomUUID(), queue: QUEUES.notifications, payload, attempt, maxAttempts: 5, isLastAttempt: false });
const send = () => createNotificationHandler({ db, transport: createSmtpTransport({ url: smtp.url }), from: 'Glimpse <g@example.com>', publicUrl: 'http://glimpse.test', logger: silentLogger });
const digestJobs = async () => (await queuedJobs(db, QUEUES.notifications)).filter((payload) => payload.kind === 'likes-digest');

beforeAll(async () => {
  smtp = await startSmtpCapture();
});
beforeEach(async () => {
  await db?.close();
  db = await openPglite();
  await migrate(db);
});
afterAll(async () => {
  await db?.close();
  await smtp?.stop();
});

describe('the likes digest', () => {
  it('covers the UTC day before it is sent', () => {
    expect(digestDayFor(new Date('2026-03-02T00:00:01Z'))).toBe('2026-03-01');
    expect(digestDayFor(new Date('2026-03-01T23:59:59Z'))).toBe('2026-02-28');
    expect(digestNotificationId('a', '2026-03-01')).toBe(digestNotificationId('a', '2026-03-01'));
    expect(digestNotificationId('a', '2026-03-01')).not.toBe(digestNotificationId('a', '2026-03-02'));
    expect(digestNotificationId('a', '2026-03-01')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('sends one email per user per day however often it runs, and none to who turned it off', async () => {
    const ann = await addUser('ann');
    const ben = await addUser('ben', { digest: false });
    const cat = await addUser('cat');
    const dunes = await addPhoto(ann, 'Dunes');
    const pier = await addPhoto(ann, 'Pier');
    const bens = await addPhoto(ben, 'Fog');
    await like(cat, dunes);
    await like(cat, pier);
    await like(ben, dunes);
    await like(ann, dunes); // her own like does not count
    await like(cat, bens);

    const first = await scheduleLikesDigests(db, tomorrow());
    const second = await scheduleLikesDigests(db, tomorrow());
    expect(first).toEqual({ day: today(), claimed: true, jobs: 1 });
    expect(second).toEqual({ day: today(), claimed: false, jobs: 0 });
    const jobs = await digestJobs();
    expect(jobs.map((payload) => payload.userId)).toEqual([ann]);

    const handler = send();
    const before = smtp.messages.length;
    // Delivered twice (a lost ack), and queued twice (a scheduler that lost its claim): one email.
    await handler(job(jobs[0]!));
    await handler(job(jobs[0]!, 2));
    await handler(job({ kind: 'likes-digest', notificationId: digestNotificationId(ann, today()), userId: ann, day: today() }));
    const mails = smtp.to('ann@example.com', /likes/);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe(`Your photos got 3 likes on ${today()}`);
    expect(mails[0]!.text).toContain('2 people liked your photos 3 times');
    expect(mails[0]!.text).toMatch(/"Dunes": 2 likes\n\n"Pier": 1 like\n/);
    expect(smtp.to('ben@example.com')).toHaveLength(0);
    expect(smtp.messages.length).toBe(before + 1);
  });

  it('reads the preference and the likes again when it sends, and writes German to a German user', async () => {
    const dora = await addUser('dora', { language: 'de' });
    const eli = await addUser('eli');
    const fin = await addUser('fin');
    await like(fin, await addPhoto(dora, 'Watt'));
    const eliPhoto = await addPhoto(eli, 'Moor');
    await like(fin, eliPhoto);
    await scheduleLikesDigests(db, tomorrow());
    const jobs = await digestJobs();
    expect(new Set(jobs.map((payload) => payload.userId))).toEqual(new Set([dora, eli]));

    // After scheduling: eli turns the digest off. (Had fin unliked instead, there would be nothing to tell.)
    await db.query('UPDATE users SET notify_likes_digest = false WHERE id = $1', [eli]);
    const handler = send();
    for (const payload of jobs) await handler(job(payload));
    expect(smtp.to('eli@example.com')).toHaveLength(0);
    const [german] = smtp.to('dora@example.com');
    expect(german!.subject).toBe(`Ihre Fotos bekamen am ${today()} 1 Like`);
    expect(german!.text).toMatch(/^Hallo dora,/);
    expect(german!.html).toContain('<html lang="de">');
  });

  it('sends nothing when the day\'s likes were taken back before it went out', async () => {
    const gus = await addUser('gus');
    const hal = await addUser('hal');
    const photo = await addPhoto(gus, 'Hill');
    await like(hal, photo);
    await scheduleLikesDigests(db, tomorrow());
    await like(hal, photo, false);
    const [payload] = await digestJobs();
    await send()(job(payload!));
    expect(smtp.to('gus@example.com')).toHaveLength(0);
  });
});
