import type { Queryable } from '@glimpse/database';
import { GlimpseError } from '@glimpse/errors';
import { isMessageLanguage } from '@glimpse/http-service';
import type { Recipient } from './templates';

/**
 * The notifications' tables: `sent_messages` (the ledger of every email sent, keyed by the
 * notification's id) and `notifications` (what a user sees under the bell).
 */

export const sentMessages = {
  async wasSent(db: Queryable, notificationId: string): Promise<boolean> {
    return (await db.query('SELECT 1 FROM sent_messages WHERE notification_id = $1', [notificationId])).length > 0;
  },

  async record(db: Queryable, sent: { notificationId: string; kind: string; recipient: string; transport: string; messageId: string }) {
    await db.query(
      `INSERT INTO sent_messages (notification_id, kind, recipient, transport, message_id) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (notification_id) DO NOTHING`,
      [sent.notificationId, sent.kind, sent.recipient, sent.transport, sent.messageId],
    );
  },
};

export type RecipientWithPreferences = Recipient & { verified: boolean; likesDigest: boolean; uploadFailedEmail: boolean };

export const recipients = {
  async find(db: Queryable, userId: string): Promise<RecipientWithPreferences | undefined> {
    const [row] = await db.query<{ email: string; username: string; display_name: string | null; verified: boolean; language: string | null; notify_likes_digest: boolean; notify_upload_failed: boolean }>(
      `SELECT email, username, display_name, email_verified_at IS NOT NULL AS verified, language, notify_likes_digest, notify_upload_failed
       FROM users WHERE id = $1`,
      [userId],
    );
    return (
      row && {
        email: row.email,
        username: row.username,
        displayName: row.display_name,
        language: isMessageLanguage(row.language) ? row.language : 'en',
        verified: row.verified,
        likesDigest: row.notify_likes_digest,
        uploadFailedEmail: row.notify_upload_failed,
      }
    );
  },

  /** Of `userIds`, those who want the daily likes digest (enabled accounts only). */
  async wantingLikesDigest(db: Queryable, userIds: readonly string[]): Promise<string[]> {
    if (userIds.length === 0) return [];
    const rows = await db.query<{ id: string }>('SELECT id FROM users WHERE id = ANY($1::uuid[]) AND notify_likes_digest AND disabled_at IS NULL ORDER BY id', [userIds]);
    return rows.map((row) => row.id);
  },
};

/** `digest_runs`: which days' digests were scheduled. Claiming a day is what makes a second scheduler, or a second run, queue nothing. */
export const digestRuns = {
  /** True for the one caller that claims (kind, day); false when it was claimed before. */
  async claim(tx: Queryable, kind: string, day: string): Promise<boolean> {
    return (await tx.query('INSERT INTO digest_runs (kind, day) VALUES ($1, $2) ON CONFLICT (kind, day) DO NOTHING RETURNING day', [kind, day])).length > 0;
  },

  async recordJobs(tx: Queryable, kind: string, day: string, jobs: number) {
    await tx.query('UPDATE digest_runs SET jobs = $3 WHERE kind = $1 AND day = $2', [kind, day, jobs]);
  },
};

export interface InAppRow {
  id: string;
  kind: string;
  data: Record<string, unknown>;
  created_at: Date;
  read_at: Date | null;
}

interface Position {
  createdAt: string;
  id: string;
}

const encodeCursor = (row: InAppRow) => Buffer.from(JSON.stringify({ createdAt: row.created_at.toISOString(), id: row.id } satisfies Position)).toString('base64url');

function decodeCursor(cursor: string): Position {
  try {
    const position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Position;
    if (typeof position.id === 'string' && /^[0-9a-f-]{36}$/i.test(position.id) && !Number.isNaN(Date.parse(position.createdAt))) return position;
  } catch {
    // fall through to the error below
  }
  throw new GlimpseError('INVALID_INPUT', 'cursor: expected the nextCursor of an earlier page', 'cursor');
}

export const inAppNotifications = {
  /** Idempotent: the notification's id is its key, so a redelivered job adds nothing. */
  async add(db: Queryable, notification: { id: string; userId: string; kind: string; data: Record<string, unknown> }) {
    await db.query('INSERT INTO notifications (id, user_id, kind, data) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING', [
      notification.id,
      notification.userId,
      notification.kind,
      JSON.stringify(notification.data),
    ]);
  },

  /** Newest first, keyset-paged on (created_at, id). */
  async list(db: Queryable, userId: string, cursor: string | undefined, limit: number) {
    const after = cursor ? decodeCursor(cursor) : undefined;
    const rows = await db.query<InAppRow>(
      `SELECT id, kind, data, created_at, read_at FROM notifications
       WHERE user_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
       ORDER BY created_at DESC, id DESC LIMIT $4`,
      [userId, after?.createdAt ?? null, after?.id ?? null, limit + 1],
    );
    const page = rows.slice(0, limit);
    return { rows: page, nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null };
  },

  /** Marks the user's own notifications among `ids` read; others' ids are ignored. */
  async markRead(db: Queryable, userId: string, ids: readonly string[]) {
    await db.query('UPDATE notifications SET read_at = now() WHERE user_id = $1 AND id = ANY($2::uuid[]) AND read_at IS NULL', [userId, ids]);
  },

  async unreadCount(db: Queryable, userId: string): Promise<number> {
    const [row] = await db.query<{ n: number | string }>('SELECT count(*) AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL', [userId]);
    return Number(row?.n ?? 0);
  },
};
