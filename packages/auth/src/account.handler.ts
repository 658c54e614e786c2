import { randomUUID } from 'node:crypto';
import type { Queryable } from '@glimpse/database';
import { GlimpseError } from '@glimpse/errors';
import type { ProtectedContext } from '@glimpse/http-service';
import { imageReads, imageWrites } from '@glimpse/images';
import { QUEUES } from '@glimpse/job-queue';
import { enqueueJob } from '@glimpse/outbox';
import { consumeAccountToken, issueAccountToken } from './account-tokens';
import type { ChangePasswordInput, DeleteAccountInput, RequestPasswordResetInput, ResetPasswordInput, UpdateProfileInput, VerifyEmailInput } from './account.schema';
import { hashPassword, passwordMatches } from './passwords';
import { issueRefreshToken, revokeAllSessions } from './sessions';
import type { AuthContext } from './trpc';
import { USER_COLUMNS, findUser, toUser, type UserRow } from './users';

type SignedIn = AuthContext & ProtectedContext;

/** Queues the "confirm your address" email, in the caller's transaction (sign-up, or asking again). */
export async function sendVerification(tx: Queryable, userId: string) {
  const { token, expiresAt } = await issueAccountToken(tx, userId, 'verify-email');
  await enqueueJob(tx, QUEUES.notifications, { kind: 'verify-email', notificationId: randomUUID(), userId, token, expiresAt });
}

export async function verifyEmail(ctx: AuthContext, input: VerifyEmailInput) {
  const row = await ctx.db.transaction(async (tx) => {
    const userId = await consumeAccountToken(tx, input.token, 'verify-email');
    const [user] = await tx.query<UserRow>(`UPDATE users SET email_verified_at = COALESCE(email_verified_at, now()) WHERE id = $1 RETURNING ${USER_COLUMNS}`, [userId]);
    return user!;
  });
  ctx.logger.info({ userId: row.id }, 'email address confirmed');
  return { user: toUser(row) };
}

export async function resendVerification(ctx: SignedIn) {
  const user = await findUser(ctx.db, ctx.viewer.id);
  if (user.email_verified_at) return { sent: false as const, message: 'Your address is already confirmed.' };
  ctx.resetLimiter.take(`verify:${user.id}`, 'confirmation email', 'your account');
  await ctx.db.transaction((tx) => sendVerification(tx, user.id));
  ctx.wakeRelay();
  return { sent: true as const, message: `A new confirmation link is on its way to ${user.email}.` };
}

const RESET_ANSWER = 'If an account uses this address, a link to choose a new password is on its way. It works once, for one hour.';

/**
 * The same answer whether or not the address has an account. Limited per client address
 * (an error, like every rate limit) and, silently, per email address: at most 3 emails an
 * hour reach one inbox however many addresses ask.
 */
export async function requestPasswordReset(ctx: AuthContext, input: RequestPasswordResetInput) {
  ctx.resetLimiter.take(`reset:${ctx.clientIp}`, 'password reset');
  const [user] = await ctx.db.query<{ id: string }>('SELECT id FROM users WHERE email = $1', [input.email]);
  const inbox = `reset-inbox:${input.email}`;
  if (user && ctx.resetInboxLimiter.used(inbox) < ctx.resetInboxLimiter.limit) {
    ctx.resetInboxLimiter.take(inbox, 'password reset');
    await ctx.db.transaction(async (tx) => {
      const { token, expiresAt } = await issueAccountToken(tx, user.id, 'reset-password');
      await enqueueJob(tx, QUEUES.notifications, { kind: 'password-reset', notificationId: randomUUID(), userId: user.id, token, expiresAt });
    });
    ctx.wakeRelay();
    ctx.logger.info({ userId: user.id }, 'password reset requested');
  }
  return { ok: true as const, message: RESET_ANSWER };
}

/** Single use, one hour; every session of the account ends, and the address counts as confirmed (the link reached it). */
export async function resetPassword(ctx: AuthContext, input: ResetPasswordInput) {
  const passwordHash = await hashPassword(input.password);
  const userId = await ctx.db.transaction(async (tx) => {
    const id = await consumeAccountToken(tx, input.token, 'reset-password');
    await tx.query('UPDATE users SET password_hash = $2, email_verified_at = COALESCE(email_verified_at, now()) WHERE id = $1', [id, passwordHash]);
    await revokeAllSessions(tx, id);
    return id;
  });
  ctx.accountFailures.succeed(`user:${userId}`);
  ctx.logger.info({ userId }, 'password reset; every session ended');
  return { ok: true as const, message: 'Your password is changed and every session is signed out. Sign in with the new password.' };
}

/** Asks for the current password again before a sensitive change; wrong guesses count like failed sign-ins. */
async function confirmPassword(ctx: SignedIn, password: string, field: string) {
  const account = `user:${ctx.viewer.id}`;
  ctx.accountFailures.check(account, 'this account');
  const [row] = await ctx.db.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [ctx.viewer.id]);
  if (!row) throw new GlimpseError('INVALID_TOKEN', 'Your account no longer exists; sign in again.');
  if (!(await passwordMatches(row.password_hash, password))) {
    ctx.accountFailures.fail(account);
    throw new GlimpseError('WRONG_PASSWORD', `${field}: this is not your current password.`, field);
  }
  ctx.accountFailures.succeed(account);
}

/** Every other session ends; this one goes on with the fresh pair returned. */
export async function changePassword(ctx: SignedIn, input: ChangePasswordInput) {
  await confirmPassword(ctx, input.currentPassword, 'currentPassword');
  const passwordHash = await hashPassword(input.newPassword);
  const { user, refreshToken } = await ctx.db.transaction(async (tx) => {
    await tx.query('UPDATE users SET password_hash = $2 WHERE id = $1', [ctx.viewer.id, passwordHash]);
    await revokeAllSessions(tx, ctx.viewer.id);
    return { user: await findUser(tx, ctx.viewer.id), refreshToken: await issueRefreshToken(tx, ctx.viewer.id, ctx.refreshTokenTtlDays) };
  });
  ctx.logger.info({ userId: user.id }, 'password changed; other sessions ended');
  const access = await ctx.signer.sign({ id: user.id, username: user.username });
  return { user: toUser(user), accessToken: access.token, accessTokenExpiresAt: access.expiresAt.toISOString(), refreshToken };
}

/**
 * Deletes the account: its images leave feeds and search at once (jobs remove them from the
 * index and the recommender), its likes come off others' counts, every session ends, and the
 * files are removed by the sweeper (hourly) once no row points to them.
 */
export async function deleteAccount(ctx: SignedIn, input: DeleteAccountInput) {
  await confirmPassword(ctx, input.password, 'password');
  const images = await ctx.db.transaction(async (tx) => {
    const owned = await imageWrites.forgetOwner(tx, ctx.viewer.id);
    await tx.query('DELETE FROM users WHERE id = $1', [ctx.viewer.id]);
    return owned.length;
  });
  ctx.wakeRelay();
  ctx.logger.info({ userId: ctx.viewer.id, images }, 'account deleted');
  return {
    deleted: true as const,
    images,
    message:
      images === 0
        ? 'Your account is deleted.'
        : `Your account is deleted. ${images === 1 ? 'Your photo has' : `Your ${images} photos have`} left every feed and search; their files are erased within the hour.`,
  };
}

/**
 * An avatar is one of the user's own images, through the same pipeline as any upload (type
 * sniffed, size and pixel caps, metadata stripped): not private, since everyone sees it, and
 * not failed. Pending is fine: its thumbnail appears once it is ready.
 */
async function assertAvatar(ctx: SignedIn, imageId: string) {
  const image = await imageReads.find(ctx.db, imageId);
  if (!image || image.owner_id !== ctx.viewer.id) throw new GlimpseError('INVALID_INPUT', 'avatar: expected the id of one of your own photos (upload the picture first)', 'avatar');
  if (image.visibility === 'private') throw new GlimpseError('INVALID_INPUT', 'avatar: a private photo cannot be your avatar, since everyone sees avatars; make it unlisted', 'avatar');
  if (image.status === 'failed') throw new GlimpseError('INVALID_INPUT', `avatar: this photo could not be processed (${image.failure_reason ?? 'unknown reason'}); upload another`, 'avatar');
}

export async function updateProfile(ctx: SignedIn, input: UpdateProfileInput) {
  if (input.avatar) await assertAvatar(ctx, input.avatar);
  const [row] = await ctx.db.query<UserRow>(
    `UPDATE users SET display_name = CASE WHEN $2::text IS NULL THEN display_name ELSE NULLIF($2, '') END,
       bio = CASE WHEN $3::text IS NULL THEN bio ELSE NULLIF($3, '') END,
       avatar_image_id = CASE WHEN $4::boolean THEN $5::uuid ELSE avatar_image_id END
     WHERE id = $1 RETURNING ${USER_COLUMNS}`,
    [ctx.viewer.id, input.displayName ?? null, input.bio ?? null, input.avatar !== undefined, input.avatar ?? null],
  );
  if (!row) throw new GlimpseError('INVALID_TOKEN', 'Your account no longer exists; sign in again.');
  return toUser(row);
}
