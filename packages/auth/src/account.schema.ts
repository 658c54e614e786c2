import { MESSAGE_LANGUAGES } from '@glimpse/http-service';
import { z } from 'zod';

/** Inputs of the account procedures; every bad value is a BAD_REQUEST naming its field. */
export const email = z.string().trim().toLowerCase().pipe(z.email('expected an email address like name@example.com').max(254));
export const username = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.string().regex(/^[a-z0-9_]{3,30}$/, 'expected 3 to 30 letters, digits or underscores'));
export const password = z.string().min(8, 'expected at least 8 characters').max(256, 'expected at most 256 characters');
const currentPassword = z.string().min(1, 'enter your current password').max(256, 'expected at most 256 characters');
const token = z.string().regex(/^[\w-]{20,100}$/, 'expected the token from the link in your email');

export const verifyEmailInput = z.object({ token });
export const requestPasswordResetInput = z.object({ email });
export const resetPasswordInput = z.object({ token, password });
export const changePasswordInput = z.object({ currentPassword, newPassword: password });
export const deleteAccountInput = z.object({ password: currentPassword });
export const updateProfileInput = z
  .object({
    // An empty string clears the field.
    displayName: z.string().trim().max(60, 'expected at most 60 characters').refine((value) => !/[\u0000-\u001f]/.test(value), 'expected no control characters').optional(),
    bio: z.string().trim().max(500, 'expected at most 500 characters').optional(),
    // One of your own photos (upload it as unlisted: it then stays out of feeds and search); null removes it.
    avatar: z.uuid('expected the id of one of your photos, or null').nullable().optional(),
  })
  .refine((input) => input.displayName !== undefined || input.bio !== undefined || input.avatar !== undefined, { message: 'expected displayName, bio or avatar', path: ['displayName'] });

export const updateNotificationPreferencesInput = z
  .object({
    likesDigest: z.boolean('expected true or false').optional(),
    uploadFailed: z.boolean('expected true or false').optional(),
    language: z.enum(MESSAGE_LANGUAGES, `expected one of ${MESSAGE_LANGUAGES.join(', ')}`).optional(),
  })
  .refine((input) => input.likesDigest !== undefined || input.uploadFailed !== undefined || input.language !== undefined, {
    message: 'expected likesDigest, uploadFailed or language',
    path: ['likesDigest'],
  });

export type UpdateNotificationPreferencesInput = z.output<typeof updateNotificationPreferencesInput>;
export type VerifyEmailInput = z.output<typeof verifyEmailInput>;
export type RequestPasswordResetInput = z.output<typeof requestPasswordResetInput>;
export type ResetPasswordInput = z.output<typeof resetPasswordInput>;
export type ChangePasswordInput = z.output<typeof changePasswordInput>;
export type DeleteAccountInput = z.output<typeof deleteAccountInput>;
export type UpdateProfileInput = z.output<typeof updateProfileInput>;
