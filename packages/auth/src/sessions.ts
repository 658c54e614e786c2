import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Queryable } from '@glimpse/database';
import { GlimpseError } from '@glimpse/errors';

/**
 * Refresh tokens: opaque random strings; only their SHA-256 is stored. Each use rotates
 * the token within its family; presenting a token that was already used means it was
 * stolen or replayed, so the whole family is revoked and the user must sign in again.
 */
const digest = (token: string) => createHash('sha256').update(token).digest('base64url');

export async function issueRefreshToken(tx: Queryable, userId: string, ttlDays: number, familyId: string = randomUUID()) {
  const token = randomBytes(32).toString('base64url');
  await tx.query(
    `INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at)
     VALUES ($1, $2, $3, now() + ($4 * interval '1 day'))`,
    [userId, familyId, digest(token), ttlDays],
  );
  return token;
}

interface TokenRow {
  id: string;
  user_id: string;
  family_id: string;
  expired: boolean;
  used_at: Date | null;
  revoked_at: Date | null;
}

const invalid = () => new GlimpseError('INVALID_TOKEN', 'This refresh token is not valid any more; sign in again.');

export type RotationResult = { ok: true; userId: string; refreshToken: string } | { ok: false; reused: boolean };

/**
 * Swaps a refresh token for a new one. A reused token revokes its family; the caller must
 * commit that revocation even though the request fails, so this returns instead of throwing.
 */
export async function rotateRefreshToken(tx: Queryable, token: string, ttlDays: number): Promise<RotationResult> {
  const [row] = await tx.query<TokenRow>(
    `SELECT id, user_id, family_id, expires_at <= now() AS expired, used_at, revoked_at FROM refresh_tokens WHERE token_hash = $1`,
    [digest(token)],
  );
  if (!row || row.revoked_at || row.expired) return { ok: false, reused: false };
  if (row.used_at) {
    await revokeFamily(tx, row.family_id);
    return { ok: false, reused: true };
  }
  await tx.query('UPDATE refresh_tokens SET used_at = now() WHERE id = $1', [row.id]);
  return { ok: true, userId: row.user_id, refreshToken: await issueRefreshToken(tx, row.user_id, ttlDays, row.family_id) };
}

export async function revokeFamily(tx: Queryable, familyId: string) {
  await tx.query('UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL', [familyId]);
}

/** Every session of the user ends (a password reset or change, a deleted account). */
export async function revokeAllSessions(tx: Queryable, userId: string) {
  await tx.query('UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [userId]);
}

/** Signs out: the token's whole family stops working. Unknown tokens are ignored. */
export async function revokeRefreshToken(tx: Queryable, token: string) {
  const [row] = await tx.query<{ family_id: string }>('SELECT family_id FROM refresh_tokens WHERE token_hash = $1', [digest(token)]);
  if (row) await revokeFamily(tx, row.family_id);
}

export { invalid as invalidRefreshToken };
