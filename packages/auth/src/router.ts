import { uniqueViolationConstraint, type Queryable } from '@glimpse/database';
import { GlimpseError } from '@glimpse/errors';
import { preferredLanguage } from '@glimpse/http-service';
import { z } from 'zod';
import { changePassword, deleteAccount, requestPasswordReset, resendVerification, resetPassword, sendVerification, updateProfile, verifyEmail } from './account.handler';
import {
  changePasswordInput,
  deleteAccountInput,
  email,
  password,
  requestPasswordResetInput,
  resetPasswordInput,
  updateNotificationPreferencesInput,
  updateProfileInput,
  username,
  verifyEmailInput,
} from './account.schema';
import { notificationPreferences, updateNotificationPreferences } from './preferences.handler';
import { decoyHash, hashPassword, passwordMatches } from './passwords';
import { invalidRefreshToken, issueRefreshToken, revokeRefreshToken, rotateRefreshToken } from './sessions';
import { protectedProcedure, publicProcedure, router, type AuthContext } from './trpc';
import { USER_COLUMNS, accountDisabled, findUser, toUser, type UserRow } from './users';

export type { User } from './users';

async function issueSession(ctx: AuthContext, tx: Queryable, user: UserRow) {
  const refreshToken = await issueRefreshToken(tx, user.id, ctx.refreshTokenTtlDays);
  return { user, refreshToken };
}

/**
 * A new session's answer. A browser that asked for the cookie gets the refresh token there
 * and `refreshToken: null` in the body; every other client gets it in the body.
 */
async function respond(ctx: AuthContext, user: UserRow, refreshToken: string) {
  const access = await ctx.signer.sign({ id: user.id, username: user.username });
  const inCookie = ctx.refreshCookie.wanted;
  if (inCookie) ctx.refreshCookie.set(refreshToken, ctx.refreshTokenTtlDays * 86_400);
  return { user: toUser(user), accessToken: access.token, accessTokenExpiresAt: access.expiresAt.toISOString(), refreshToken: inCookie ? null : refreshToken };
}

/** The refresh token from the body, or else the cookie; a clear error when neither has one. */
function refreshTokenOf(ctx: AuthContext, given: string | undefined): string {
  const token = given ?? ctx.refreshCookie.read();
  if (!token) throw new GlimpseError('INVALID_INPUT', 'refreshToken: send the refresh token you were given (or, in a browser, the session cookie)', 'refreshToken');
  return token;
}

export const authRouter = router({
  /** Also queues the "confirm your address" email, in the same transaction as the account; its language is the browser's (Accept-Language) when Glimpse writes it. */
  signup: publicProcedure.input(z.object({ email, username, password })).mutation(async ({ ctx, input }) => {
    ctx.attemptLimiter.take(ctx.clientIp, 'sign-up');
    ctx.signupLimiter.take(`signup:${ctx.clientIp}`, 'sign-up');
    const passwordHash = await hashPassword(input.password);
    try {
      const { user, refreshToken } = await ctx.db.transaction(async (tx) => {
        // The first account administers the site (under SERIALIZABLE, two first sign-ups at once cannot both see an empty table).
        const [row] = await tx.query<UserRow>(
          `INSERT INTO users (email, username, password_hash, role, language)
           VALUES ($1, $2, $3, CASE WHEN $4::boolean OR NOT EXISTS (SELECT 1 FROM users) THEN 'admin' ELSE 'user' END, $5) RETURNING ${USER_COLUMNS}`,
          [input.email, input.username, passwordHash, ctx.adminEmails.includes(input.email), preferredLanguage(ctx.acceptLanguage) ?? null],
        );
        await sendVerification(tx, row!.id);
        return issueSession(ctx, tx, row!);
      });
      ctx.wakeRelay();
      ctx.logger.info({ userId: user.id }, 'user signed up');
      return respond(ctx, user, refreshToken);
    } catch (error) {
      const constraint = uniqueViolationConstraint(error);
      if (constraint?.includes('email')) throw new GlimpseError('EMAIL_TAKEN', 'An account with this email already exists; sign in instead.', 'email');
      if (constraint?.includes('username')) throw new GlimpseError('USERNAME_TAKEN', `The username "${input.username}" is taken; choose another.`, 'username');
      throw error;
    }
  }),

  login: publicProcedure
    .input(z.object({ login: z.string().trim().toLowerCase().min(1, 'enter your email or username'), password: z.string().min(1, 'enter your password') }))
    .mutation(async ({ ctx, input }) => {
      ctx.attemptLimiter.take(ctx.clientIp, 'sign-in');
      ctx.addressFailures.check(ctx.clientIp, 'your address');
      const [row] = await ctx.db.query<UserRow & { password_hash: string }>(`SELECT ${USER_COLUMNS}, password_hash FROM users WHERE email = $1 OR username = $1`, [input.login]);
      // Keyed by the account when there is one, so its email and its username share one budget.
      const account = row ? `user:${row.id}` : `login:${input.login}`;
      ctx.accountFailures.check(account, 'this account');
      const matches = await passwordMatches(row?.password_hash ?? (await decoyHash), input.password);
      if (!row || !matches) {
        ctx.accountFailures.fail(account);
        ctx.addressFailures.fail(ctx.clientIp);
        throw new GlimpseError('INVALID_CREDENTIALS', 'Wrong email/username or password.');
      }
      ctx.accountFailures.succeed(account);
      // Told only to someone who knows the password.
      if (row.disabled_at) throw accountDisabled();
      const { user, refreshToken } = await ctx.db.transaction(async (tx) => {
        if (row.role !== 'admin' && ctx.adminEmails.includes(row.email)) {
          await tx.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [row.id]);
          row.role = 'admin';
        }
        return issueSession(ctx, tx, row);
      });
      return respond(ctx, user, refreshToken);
    }),

  refresh: publicProcedure.input(z.object({ refreshToken: z.string().min(1).max(200).optional() }).default({})).mutation(async ({ ctx, input }) => {
    const token = refreshTokenOf(ctx, input.refreshToken);
    const rotated = await ctx.db.transaction((tx) => rotateRefreshToken(tx, token, ctx.refreshTokenTtlDays));
    if (!rotated.ok) {
      if (!input.refreshToken) ctx.refreshCookie.clear();
      if (rotated.reused) ctx.logger.warn('refresh token reused; its family was revoked');
      throw invalidRefreshToken();
    }
    const [user] = await ctx.db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [rotated.userId]);
    if (!user) throw invalidRefreshToken();
    if (user.disabled_at) throw accountDisabled();
    return respond(ctx, user, rotated.refreshToken);
  }),

  logout: publicProcedure.input(z.object({ refreshToken: z.string().min(1).max(200).optional() }).default({})).mutation(async ({ ctx, input }) => {
    const token = refreshTokenOf(ctx, input.refreshToken);
    await ctx.db.transaction((tx) => revokeRefreshToken(tx, token));
    ctx.refreshCookie.clear();
    return { ok: true as const };
  }),

  me: protectedProcedure.query(async ({ ctx }) => toUser(await findUser(ctx.db, ctx.viewer.id))),

  // Account recovery and upkeep (account.handler.ts).
  verifyEmail: publicProcedure.input(verifyEmailInput).mutation(({ ctx, input }) => verifyEmail(ctx, input)),
  resendVerification: protectedProcedure.mutation(({ ctx }) => resendVerification(ctx)),
  requestPasswordReset: publicProcedure.input(requestPasswordResetInput).mutation(({ ctx, input }) => requestPasswordReset(ctx, input)),
  resetPassword: publicProcedure.input(resetPasswordInput).mutation(({ ctx, input }) => resetPassword(ctx, input)),
  changePassword: protectedProcedure.input(changePasswordInput).mutation(({ ctx, input }) => changePassword(ctx, input)),
  deleteAccount: protectedProcedure.input(deleteAccountInput).mutation(({ ctx, input }) => deleteAccount(ctx, input)),
  updateProfile: protectedProcedure.input(updateProfileInput).mutation(({ ctx, input }) => updateProfile(ctx, input)),
  notificationPreferences: protectedProcedure.query(({ ctx }) => notificationPreferences(ctx)),
  updateNotificationPreferences: protectedProcedure.input(updateNotificationPreferencesInput).mutation(({ ctx, input }) => updateNotificationPreferences(ctx, input)),
});

export type AuthRouter = typeof authRouter;
