import { createHash } from 'node:crypto';
import type { Database } from '@glimpse/database';
import { likesReceived } from '@glimpse/images';
import { QUEUES } from '@glimpse/job-queue';
import type { Logger } from '@glimpse/logging';
import { enqueueJob } from '@glimpse/outbox';
import { digestRuns, recipients } from './store';

/**
 * The daily digest of likes. A periodic pass (every notifier runs one) schedules, once per
 * UTC day, one `likes-digest` job per user whose photos were liked the day before and who
 * wants the digest. Scheduling goes through the outbox like every job; at most one email per
 * user per day holds three times over: the day is claimed in `digest_runs` in the same
 * transaction as the jobs (a second pass or a second notifier queues nothing), each job's
 * notification id is derived from the user and the day (the sent-message ledger sends it
 * once, however often it is queued or delivered), and the preference is read again at send.
 */
export const LIKES_DIGEST = 'likes';
const DAY_MS = 86_400_000;

/** The UTC day (YYYY-MM-DD) the digest sent at `now` covers: the day before. */
export const digestDayFor = (now: Date) => new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS - DAY_MS).toISOString().slice(0, 10);

/** [start, end) of a UTC day. */
export function dayWindow(day: string): { from: Date; to: Date } {
  const from = new Date(`${day}T00:00:00.000Z`);
  return { from, to: new Date(from.getTime() + DAY_MS) };
}

/** A stable UUID (RFC 4122 layout, version 5 style) of one user's digest of one day. */
export function digestNotificationId(userId: string, day: string): string {
  const hex = createHash('sha256').update(`likes-digest:${userId}:${day}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface DigestSchedule {
  day: string;
  /** False when the day had been scheduled already (by this or another notifier). */
  claimed: boolean;
  /** Jobs queued by this pass. */
  jobs: number;
}

/** One scheduling pass: claims the day before `now` and queues its digests, all in one transaction. */
export async function scheduleLikesDigests(db: Database, now: Date = new Date()): Promise<DigestSchedule> {
  const day = digestDayFor(now);
  const { from, to } = dayWindow(day);
  return db.transaction(async (tx) => {
    if (!(await digestRuns.claim(tx, LIKES_DIGEST, day))) return { day, claimed: false, jobs: 0 };
    const owners = await likesReceived.owners(tx, from, to);
    const wanting = await recipients.wantingLikesDigest(tx, owners.map((owner) => owner.ownerId));
    for (const userId of wanting) await enqueueJob(tx, QUEUES.notifications, { kind: 'likes-digest', notificationId: digestNotificationId(userId, day), userId, day });
    await digestRuns.recordJobs(tx, LIKES_DIGEST, day, wanting.length);
    return { day, claimed: true, jobs: wanting.length };
  });
}

/** Runs a scheduling pass now and then every `intervalMs`: the first pass of each UTC day schedules the day before. */
export function startLikesDigestScheduler(options: { db: Database; logger: Logger; intervalMs?: number; wakeRelay?: () => void }): () => void {
  const { db, logger, intervalMs = 15 * 60_000 } = options;
  const pass = () =>
    scheduleLikesDigests(db).then(
      (schedule) => {
        if (!schedule.claimed) return;
        logger.info(schedule, `likes digest: ${schedule.jobs} digests of ${schedule.day} queued`);
        if (schedule.jobs > 0) options.wakeRelay?.();
      },
      (error: unknown) => logger.warn({ err: error }, 'likes digest: scheduling pass failed; the next pass tries again'),
    );
  void pass();
  const timer = setInterval(pass, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
