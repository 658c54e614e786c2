import { randomUUID } from 'node:crypto';
import { imageReads } from '@glimpse/images';
import type { ProtectedContext } from '@glimpse/http-service';
import { QUEUES } from '@glimpse/job-queue';
import { enqueueJob } from '@glimpse/outbox';
import type { UploadContext } from '../trpc';
import { exportDownloadUrl } from './download-export';
import type { ExportCreateInput, ExportInput, ImportInput, RecentInput } from './library.schema';
import { exportsStore, imports, type ExportRow, type ImportRow } from './store';

type Owner = UploadContext & ProtectedContext;

/** One entry of an import: `waiting` until it is read; then its image's state, or `refused` / `duplicate` with the reason. */
export interface ImportItem {
  name: string;
  status: 'waiting' | 'refused' | 'duplicate' | 'pending' | 'processing' | 'ready' | 'failed' | 'deleted';
  imageId?: string;
  reason?: string;
}

/**
 * An import's progress and each entry's outcome. `done` counts images that are ready; `failed`
 * counts refused entries, skipped duplicates and images whose processing failed; an entry's
 * status is its image's (pending, processing, ready, failed), or refused / duplicate.
 */
export async function importStatus(ctx: Owner, input: ImportInput) {
  const row = await imports.findOwned(ctx.db, input.importId, ctx.viewer.id);
  return describeImport(ctx, row);
}

async function describeImport(ctx: Owner, row: ImportRow) {
  const items = await imports.items(ctx.db, row.id);
  const states = await imageReads.statusesOf(ctx.db, items.filter((item) => item.status === 'accepted').map((item) => item.image_id));
  let done = 0;
  let failed = 0;
  const described = items.map((item): ImportItem => {
    if (item.status === 'accepted') {
      const state = states.get(item.image_id);
      const status = state?.status ?? 'deleted';
      if (status === 'ready') done++;
      if (status === 'failed') failed++;
      return { name: item.name, imageId: item.image_id, status, ...(state?.failureReason ? { reason: state.failureReason } : {}) };
    }
    if (item.status !== 'pending') failed++;
    return { name: item.name, status: item.status === 'pending' ? 'waiting' : item.status, ...(item.reason ? { reason: item.reason } : {}) };
  });
  return {
    importId: row.id,
    status: row.status,
    error: row.error,
    keepDuplicates: row.keep_duplicates,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    total: items.length,
    done,
    failed,
    items: described,
  };
}

/** The viewer's recent imports, newest first, with their counts (what the Import page lists). */
export async function recentImports(ctx: Owner, input: RecentInput) {
  const rows = await imports.recentOf(ctx.db, ctx.viewer.id, input.limit);
  const items = await Promise.all(
    rows.map(async (row) => {
      const { items: _entries, ...summary } = await describeImport(ctx, row);
      return { ...summary, files: row.sources.map((source) => source.name) };
    }),
  );
  return { items };
}

export async function createExport(ctx: Owner, input: ExportCreateInput) {
  const exportId = randomUUID();
  await ctx.db.transaction(async (tx) => {
    await exportsStore.create(tx, { id: exportId, ownerId: ctx.viewer.id, imageIds: input.imageIds ?? null });
    await enqueueJob(tx, QUEUES.library, { kind: 'export', exportId });
  });
  ctx.wakeRelay();
  ctx.logger.info({ exportId, images: input.imageIds?.length ?? 'all' }, 'export queued');
  return { exportId, status: 'queued' as const };
}

export async function exportStatus(ctx: Owner, input: ExportInput) {
  return describeExport(ctx, await exportsStore.findOwned(ctx.db, input.exportId, ctx.viewer.id));
}

export async function recentExports(ctx: Owner, input: RecentInput) {
  const rows = await exportsStore.recentOf(ctx.db, ctx.viewer.id, input.limit);
  return { items: rows.map((row) => describeExport(ctx, row)) };
}

/** `progress` is 0..1 (images written of the total); `url` is a signed link, set once the zip is ready, until `expiresAt`. */
function describeExport(ctx: Owner, row: ExportRow) {
  const ready = row.status === 'ready' && row.expires_at !== null && row.expires_at.getTime() > Date.now();
  return {
    exportId: row.id,
    status: row.status,
    progress: row.status === 'ready' ? 1 : row.total > 0 ? Math.min(1, row.done / row.total) : 0,
    total: row.total,
    done: row.done,
    bytes: row.bytes,
    error: row.error,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at?.toISOString() ?? null,
    url: ready ? exportDownloadUrl(ctx, row.id, row.expires_at!) : null,
  };
}
