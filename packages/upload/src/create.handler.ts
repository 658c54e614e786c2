import { GlimpseError } from '@glimpse/errors';
import { imageReads, parseUserTags } from '@glimpse/images';
import type { ProtectedContext } from '@glimpse/http-service';
import { acceptImage } from './accept-image';
import { createFieldsSchema } from './create.schema';
import { assertFitsQuota } from './quota';
import type { UploadContext } from './trpc';

export const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Before anything else (no rate-limit budget spent): this deployment takes uploads from confirmed addresses only. */
async function assertEmailVerified(ctx: UploadContext, userId: string) {
  const [row] = await ctx.db.query<{ verified: boolean }>('SELECT email_verified_at IS NOT NULL AS verified FROM users WHERE id = $1', [userId]);
  if (row?.verified) return;
  throw new GlimpseError(
    'EMAIL_NOT_VERIFIED',
    'Confirm your email address before uploading: this Glimpse takes photos only from confirmed accounts. Open the link in the email we sent you (you can ask for a new one in your settings).',
  );
}

/** An upload's form as `readUploadForm` reads it: the first `file` part and the text fields. */
export interface UploadForm {
  file?: { bytes: Buffer; name: string };
  fields: Record<string, string>;
}

/**
 * What may refuse an upload before its body is read: an unconfirmed address where this
 * deployment requires one, a file that cannot fit in the caller's storage (`leastBytes`, the
 * least the declared body can hold), and the caller's upload rate limits (spent last).
 */
export async function admitUpload(ctx: UploadContext & ProtectedContext, leastBytes = 0) {
  if (ctx.requireVerifiedEmail) await assertEmailVerified(ctx, ctx.viewer.id);
  if (leastBytes > 0) await assertFitsQuota(ctx, ctx.db, ctx.viewer.id, leastBytes, { atLeast: true });
  ctx.uploadBurst?.take(ctx.viewer.id, 'uploads', 'your account');
  ctx.uploadLimiter.take(ctx.viewer.id, 'upload', 'your account');
}

/**
 * Accepts one upload (after `admitUpload`). Everything that can refuse it (size, type sniffed
 * from the bytes, pixel count, quota) runs before anything is stored; an exact copy of one of
 * the owner's own images is answered with that image (`duplicateOf`) unless `keepDuplicates`
 * is set. Then the original is written (blob before row), and the row and its job commit together.
 */
export async function createUpload(ctx: UploadContext & ProtectedContext, form: UploadForm) {
  const { file } = form;
  if (!file) throw new GlimpseError('INVALID_INPUT', 'file: attach the image as the multipart field "file"', 'file');
  if (file.bytes.length > ctx.limits.maxBytes) {
    throw new GlimpseError('UPLOAD_TOO_LARGE', `file: ${megabytes(file.bytes.length)} is over the ${megabytes(ctx.limits.maxBytes)} limit`, 'file');
  }
  // PostgreSQL cannot store NUL in text: refuse it here, naming the field, not with a 500.
  if (file.name.includes('\u0000')) throw new GlimpseError('INVALID_INPUT', 'file: the file name must not contain NUL (\\u0000) characters', 'file');
  for (const [key, value] of Object.entries(form.fields)) {
    if (value.includes('\u0000')) throw new GlimpseError('INVALID_INPUT', `${key}: must not contain NUL (\\u0000) characters`, key);
  }
  // A read at SERIALIZABLE can be cancelled too while this user's other uploads commit: retried like any transaction.
  await ctx.db.transaction((tx) => assertFitsQuota(ctx, tx, ctx.viewer.id, file.bytes.length), { maxAttempts: 20 });
  const fields = createFieldsSchema.safeParse(form.fields);
  if (!fields.success) {
    const issue = fields.error.issues[0]!;
    throw new GlimpseError('INVALID_INPUT', `${issue.path.join('.')}: ${issue.message}`, issue.path.join('.'));
  }
  const tags = parseUserTags(fields.data.tags);
  const { bytes } = file;
  const title = fields.data.title ?? titleFromFileName(file.name);
  const outcome = await acceptImage(
    ctx,
    { ownerId: ctx.viewer.id, bytes, title, description: fields.data.description ?? '', visibility: fields.data.visibility, tags },
    { keepDuplicates: fields.data.keepDuplicates },
  );
  if (outcome.kind === 'duplicate') {
    // Nothing new is stored: the answer is the image the owner already has.
    const existing = (await imageReads.statusesOf(ctx.db, [outcome.duplicateOf])).get(outcome.duplicateOf);
    ctx.logger.info({ imageId: outcome.duplicateOf }, 'upload: an exact duplicate of one of the owner\'s images; not stored again');
    return { imageId: outcome.duplicateOf, status: existing?.status ?? ('pending' as const), duplicateOf: outcome.duplicateOf };
  }
  if (outcome.kind !== 'accepted') throw new Error('upload: an upload has no claim to lose');
  ctx.wakeRelay();
  ctx.logger.info({ imageId: outcome.imageId, format: outcome.inspected.format, bytes: bytes.length }, 'upload accepted');
  return { imageId: outcome.imageId, status: 'pending' as const };
}

/** A title from a file name: without its folders and its extension. */
export function titleFromFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  return base.replace(/\.[^.]+$/, '').trim().slice(0, 200);
}
