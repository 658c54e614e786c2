import type { Queryable } from '@glimpse/database';
import { GlimpseError } from '@glimpse/errors';
import { isMessageLanguage } from '@glimpse/http-service';
import { staticImagePath } from '@glimpse/images';

/** The avatar's thumbnail: its static URL (anyone may load it: an avatar is never private). */
export const avatarUrl = (imageId: string) => staticImagePath(imageId, 'thumb', 'webp');

export interface UserRow {
  id: string;
  email: string;
  username: string;
  created_at: Date;
  display_name: string | null;
  bio: string | null;
  email_verified_at: Date | null;
  role: 'user' | 'admin';
  disabled_at: Date | null;
  language: string | null;
  avatar_image_id: string | null;
}

/** The columns of `UserRow`, for SELECT and RETURNING. */
export const USER_COLUMNS = 'id, email, username, created_at, display_name, bio, email_verified_at, role, disabled_at, language, avatar_image_id';

export const toUser = (row: UserRow) => ({
  id: row.id,
  email: row.email,
  username: row.username,
  displayName: row.display_name,
  bio: row.bio,
  emailVerified: row.email_verified_at !== null,
  role: row.role,
  /** The language of this user's email (English when unknown). */
  language: isMessageLanguage(row.language) ? row.language : ('en' as const),
  /** A small square of the avatar (one of the user's own images), or null. */
  avatarUrl: row.avatar_image_id ? avatarUrl(row.avatar_image_id) : null,
  createdAt: row.created_at.toISOString(),
});
export type User = ReturnType<typeof toUser>;

export async function findUser(db: Queryable, userId: string): Promise<UserRow> {
  const [user] = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [userId]);
  if (!user) throw new GlimpseError('INVALID_TOKEN', 'Your account no longer exists; sign in again.');
  if (user.disabled_at) throw accountDisabled();
  return user;
}

export const accountDisabled = () => new GlimpseError('ACCOUNT_DISABLED', 'This account is disabled; ask the people who run this Glimpse why.');
