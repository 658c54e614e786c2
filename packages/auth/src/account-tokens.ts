import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '@glimpse/database';
import { GlimpseError } from '@glimpse/errors';

/**
 * The tokens in account links (email verification, password reset): random, sent once in an
 * email, stored only as their SHA-256, single use, with an expiry.
 */
export type AccountTokenPurpose = 'verify-email' | 'reset-password';

export const ACCOUNT_TOKEN_TTL_MS: Record<AccountTokenPurpose, number> = {
  'verify-email': 7 * 24 * 3_600_000,
  'reset-password': 3_600_000,
};

const digest = (token: string) => createHash('sha256').update(token).digest('base64url');

export async function issueAccountToken(tx: Queryable, userId: string, purpose: AccountTokenPurpose): Promise<{ token: string; expiresAt: string }> {
  const token = randomBytes(32).toString('base64url');
  const [row] = await tx.query<{ expires_at: Date }>(
    `INSERT INTO account_tokens (user_id, purpose, token_hash, expires_at) VALUES ($1, $2, $3, now() + ($4 * interval '1 millisecond')) RETURNING expires_at`,
    [userId, purpose, digest(token), ACCOUNT_TOKEN_TTL_MS[purpose]],
  );
  return { token, expiresAt: row!.expires_at.toISOString() };
}

const LINK_PROBLEM: Record<AccountTokenPurpose, string> = {
  'verify-email': 'This confirmation link is not valid any more (it was used, or it expired); sign in and ask for a new one.',
  'reset-password': 'This password reset link is not valid any more (links work once, for one hour); ask for a new one.',
};

/** Uses up the token and returns its user; unknown, used and expired tokens are all refused the same way. */
export async function consumeAccountToken(tx: Queryable, token: string, purpose: AccountTokenPurpose): Promise<string> {
  const [row] = await tx.query<{ user_id: string }>(
    `UPDATE account_tokens SET used_at = now() WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now() RETURNING user_id`,
    [digest(token), purpose],
  );
  if (!row) throw new GlimpseError('INVALID_LINK', LINK_PROBLEM[purpose], 'token');
  // Any other link of the same kind stops working too: only the newest email should count, and after a reset none.
  await tx.query('UPDATE account_tokens SET used_at = now() WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL', [row.user_id, purpose]);
  return row.user_id;
}
