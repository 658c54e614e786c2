import { GlimpseError, notFound } from '@glimpse/errors';
import type { ProtectedContext } from '@glimpse/http-service';
import { imageStatistics } from '@glimpse/images';
import type { SetDisabledInput, SetRoleInput, UsersInput } from './admin.schema';
import type { AdminContext } from './trpc';

type Admin = AdminContext & ProtectedContext;

interface UserRow {
  id: string;
  email: string;
  username: string;
  role: 'user' | 'admin';
  disabled_at: Date | null;
  email_verified_at: Date | null;
  created_at: Date;
}

/** Users newest first, searched by email or username, with their images and storage. */
export async function users(ctx: Admin, input: UsersInput) {
  const pattern = input.q ? `%${input.q.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%` : null;
  const rows = await ctx.db.query<UserRow>(
    `SELECT id, email, username, role, disabled_at, email_verified_at, created_at FROM users
     WHERE $1::text IS NULL OR email LIKE $1 OR username LIKE $1
     ORDER BY created_at DESC, id DESC OFFSET $2 LIMIT $3`,
    [pattern, input.offset, input.limit + 1],
  );
  const page = rows.slice(0, input.limit);
  const storage = await imageStatistics.storagePerOwner(ctx.db, page.map((row) => row.id));
  return {
    items: page.map((row) => ({
      id: row.id,
      email: row.email,
      username: row.username,
      role: row.role,
      disabled: row.disabled_at !== null,
      emailVerified: row.email_verified_at !== null,
      createdAt: row.created_at.toISOString(),
      images: storage.get(row.id)?.images ?? 0,
      storageBytes: storage.get(row.id)?.bytes ?? 0,
    })),
    nextOffset: rows.length > input.limit ? input.offset + input.limit : null,
  };
}

/** Disabling ends every session at once: refresh tokens are revoked and sign-in is refused. */
export async function setDisabled(ctx: Admin, input: SetDisabledInput) {
  if (input.userId === ctx.viewer.id && input.disabled) throw new GlimpseError('INVALID_INPUT', 'userId: you cannot disable your own account.', 'userId');
  const changed = await ctx.db.transaction(async (tx) => {
    const rows = await tx.query(`UPDATE users SET disabled_at = ${input.disabled ? 'COALESCE(disabled_at, now())' : 'NULL'} WHERE id = $1 RETURNING id`, [input.userId]);
    if (rows.length > 0 && input.disabled) await tx.query('UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [input.userId]);
    return rows.length > 0;
  });
  if (!changed) throw notFound('user', input.userId);
  ctx.logger.warn({ userId: input.userId, disabled: input.disabled, by: ctx.viewer.id }, input.disabled ? 'admin: account disabled' : 'admin: account enabled');
  return { userId: input.userId, disabled: input.disabled };
}

export async function setRole(ctx: Admin, input: SetRoleInput) {
  if (input.userId === ctx.viewer.id && input.role !== 'admin') throw new GlimpseError('INVALID_INPUT', 'userId: you cannot take away your own admin role (ask another admin).', 'userId');
  const rows = await ctx.db.query('UPDATE users SET role = $2 WHERE id = $1 RETURNING id', [input.userId, input.role]);
  if (rows.length === 0) throw notFound('user', input.userId);
  ctx.logger.warn({ userId: input.userId, role: input.role, by: ctx.viewer.id }, 'admin: role changed');
  return { userId: input.userId, role: input.role };
}
