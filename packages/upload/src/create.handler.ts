import { randomUUID } from 'node:crypto';
import { GlimpseError } from '@glimpse/errors';
import { inspectUpload } from '@glimpse/image-processing';
import { imageWrites, parseUserTags } from '@glimpse/images';
import { QUEUES } from '@glimpse/job-queue';
import { enqueueJob } from '@glimpse/outbox';
import type { ProtectedContext } from '@glimpse/http-service';
import { createFieldsSchema } from './create.schema';
import { assertFitsQuota } from './quota';
import type { UploadContext } from './trpc';

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Before anything else (no rate-limit budget spent): this deployment takes uploads from confirmed addresses only. */
async function assertEmailVerified(ctx: UploadContext, userId: string) {
  const [row] = await ctx.db.query<{ verified: boolean }>('SELECT email_verified_at IS NOT NULL AS verified FROM users WHERE id = $1', [userId]);
  if (row?.verified) return;
  throw new GlimpseError(
    'EMAIL_NOT_VERIFIED',
    'Confirm your email address before uploading: this Glimpse takes photos only from confirmed accounts. Open the link in the email we sent you (you can ask for a new one in your settings).',
  );
}

/**
 * Accepts one upload. Everything that can refuse it (size, type sniffed from the bytes,
 * pixel count) runs before anything is stored. Then the original is written (blob before
 * row), and the image row and its processing job commit in one transaction (outbox).
 */
export async function createUpload(ctx: UploadContext & ProtectedContext, form: FormData) {
  if (ctx.requireVerifiedEmail) await assertEmailVerified(ctx, ctx.viewer.id);
  ctx.uploadBurst?.take(ctx.viewer.id, 'uploads', 'your account');
  ctx.uploadLimiter.take(ctx.viewer.id, 'upload', 'your account');
  const file = form.get('file');
  if (!(file instanceof Blob)) throw new GlimpseError('INVALID_INPUT', 'file: attach the image as the multipart field "file"', 'file');
  if (file.size > ctx.limits.maxBytes) {
    throw new GlimpseError('UPLOAD_TOO_LARGE', `file: ${megabytes(file.size)} is over the ${megabytes(ctx.limits.maxBytes)} limit`, 'file');
  }
  // PostgreSQL cannot store NUL in text: refuse it here, naming the field, not with a 500.
  for (const [key, value] of form.entries()) {
    const text = typeof value === 'string' ? value : key === 'file' && value instanceof File ? value.name : '';
    if (text.includes('\u0000')) {
      throw new GlimpseError('INVALID_INPUT', `${key}: ${typeof value === 'string' ? '' : 'the file name '}must not contain NUL (\\u0000) characters`, key);
    }
  }
  // A read at SERIALIZABLE can be cancelled too while this user's other uploads commit: retried like any transaction.
  await ctx.db.transaction((tx) => assertFitsQuota(ctx, tx, ctx.viewer.id, file.size), { maxAttempts: 20 });
  const fields = createFieldsSchema.safeParse(Object.fromEntries([...form.entries()].filter(([key]) => key !== 'file')));
  if (!fields.success) {
    const issue = fields.error.issues[0]!;
    throw new GlimpseError('INVALID_INPUT', `${issue.path.join('.')}: ${issue.message}`, issue.path.join('.'));
  }
  const tags = parseUserTags(fields.data.tags);
  const bytes = Buffer.from(await file.arrayBuffer());
  const inspected = await inspectUpload(bytes, { maxPixels: ctx.limits.maxPixels });

  const imageId = randomUUID();
  const originalKey = `originals/${imageId}`;
  try {
    await ctx.storage.putObject(ctx.buckets.unprocessed, originalKey, bytes, inspected.mimeType);
  } catch (error) {
    ctx.logger.error({ err: error, imageId }, 'upload: storing the original failed');
    throw new GlimpseError('STORAGE_UNAVAILABLE', 'Image storage is unavailable right now; nothing was saved. Try again shortly.', undefined, { cause: error });
  }

  const title = fields.data.title ?? (file instanceof File ? file.name.replace(/\.[^.]+$/, '').slice(0, 200) : '');
  try {
    await oneAtATime(ctx.viewer.id, () => ctx.db.transaction(async (tx) => {
      // Again inside the transaction: two uploads at once must not both fit the last gigabyte.
      await assertFitsQuota(ctx, tx, ctx.viewer.id, bytes.length);
      await imageWrites.insertPending(tx, {
        id: imageId, ownerId: ctx.viewer.id, title, description: fields.data.description ?? '', visibility: fields.data.visibility,
        originalKey, originalMime: inspected.mimeType, originalBytes: bytes.length, width: inspected.width, height: inspected.height, tags,
      });
      await imageWrites.recordEvent(tx, imageId, 'uploaded', `${inspected.format} ${inspected.width}x${inspected.height}, ${bytes.length} bytes`);
      await enqueueJob(tx, QUEUES.processImages, { imageId });
    }, { maxAttempts: 20 }));
  } catch (error) {
    // The row never committed: remove the original now (the sweeper would otherwise).
    await ctx.storage.deleteObject(ctx.buckets.unprocessed, originalKey).catch(() => undefined);
    throw error;
  }
  ctx.wakeRelay();
  ctx.logger.info({ imageId, format: inspected.format, bytes: bytes.length }, 'upload accepted');
  return { imageId, status: 'pending' as const };
}

/**
 * One user's uploads commit one at a time in this process. Each reads the user's stored
 * bytes (the quota) and adds a row, so several at once (a folder, 8 in flight) are write
 * skew to SERIALIZABLE and would mostly abort and retry; queued here, only the short
 * transaction waits, not the upload or the storage write. Across replicas the retries remain.
 */
const commits = new Map<string, Promise<unknown>>();
function oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = commits.get(key) ?? Promise.resolve();
  const run = previous.then(work, work);
  const settled = run.catch(() => undefined);
  commits.set(key, settled);
  void settled.then(() => {
    if (commits.get(key) === settled) commits.delete(key);
  });
  return run;
}
