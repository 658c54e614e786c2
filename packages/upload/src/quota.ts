import { GlimpseError } from '@glimpse/errors';
import type { Queryable } from '@glimpse/database';
import { imageReads } from '@glimpse/images';
import type { UploadContext } from './trpc';

export const formatBytes = (bytes: number) => {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1).replace(/\.0$/, '')} ${units[unit]}`;
};

/** Refuses a file that would take the user past their storage quota. */
export async function assertFitsQuota(ctx: { limits: { quotaBytes: number } }, db: Queryable, userId: string, bytes: number, options: { atLeast?: boolean } = {}) {
  const used = await imageReads.storedBytes(db, userId);
  if (used + bytes > ctx.limits.quotaBytes) {
    const file = options.atLeast ? `file of at least ${formatBytes(bytes)}` : `${formatBytes(bytes)} file`;
    throw new GlimpseError(
      'QUOTA_EXCEEDED',
      `file: this ${file} does not fit in your storage: ${formatBytes(used)} of ${formatBytes(ctx.limits.quotaBytes)} used. Delete some images first.`,
      'file',
    );
  }
}

/** What the web app shows: storage used of the quota, and uploads used of this hour's allowance. */
export async function quotaOf(ctx: UploadContext, userId: string) {
  const usedBytes = await imageReads.storedBytes(ctx.db, userId);
  return {
    usedBytes,
    quotaBytes: ctx.limits.quotaBytes,
    uploadsThisHour: ctx.uploadLimiter.used(userId),
    uploadsPerHour: ctx.uploadLimiter.limit,
    summary: `${formatBytes(usedBytes)} of ${formatBytes(ctx.limits.quotaBytes)} used`,
  };
}
