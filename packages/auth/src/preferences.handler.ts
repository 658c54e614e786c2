import { GlimpseError } from '@glimpse/errors';
import { isMessageLanguage, type ProtectedContext } from '@glimpse/http-service';
import type { UpdateNotificationPreferencesInput } from './account.schema';
import type { AuthContext } from './trpc';

type SignedIn = AuthContext & ProtectedContext;

interface PreferencesRow {
  notify_likes_digest: boolean;
  notify_upload_failed: boolean;
  language: string | null;
}

const toPreferences = (row: PreferencesRow) => ({
  /** The daily email of likes on your photos (at most one a day). */
  likesDigest: row.notify_likes_digest,
  /** The email when an upload fails (it is shown under the bell either way). */
  uploadFailed: row.notify_upload_failed,
  /** The language of your email. */
  language: isMessageLanguage(row.language) ? row.language : ('en' as const),
});

const gone = () => new GlimpseError('INVALID_TOKEN', 'Your account no longer exists; sign in again.');

export async function notificationPreferences(ctx: SignedIn) {
  const [row] = await ctx.db.query<PreferencesRow>('SELECT notify_likes_digest, notify_upload_failed, language FROM users WHERE id = $1', [ctx.viewer.id]);
  if (!row) throw gone();
  return toPreferences(row);
}

/** Changes only what is given; answers every preference as it now is. */
export async function updateNotificationPreferences(ctx: SignedIn, input: UpdateNotificationPreferencesInput) {
  const [row] = await ctx.db.query<PreferencesRow>(
    `UPDATE users SET notify_likes_digest = COALESCE($2, notify_likes_digest), notify_upload_failed = COALESCE($3, notify_upload_failed),
       language = COALESCE($4, language)
     WHERE id = $1 RETURNING notify_likes_digest, notify_upload_failed, language`,
    [ctx.viewer.id, input.likesDigest ?? null, input.uploadFailed ?? null, input.language ?? null],
  );
  if (!row) throw gone();
  ctx.logger.info({ userId: ctx.viewer.id, ...input }, 'notification preferences changed');
  return toPreferences(row);
}
