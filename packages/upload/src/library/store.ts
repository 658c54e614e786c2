import type { Queryable } from '@glimpse/database';
import { GlimpseError } from '@glimpse/errors';
import type { Visibility } from '@glimpse/images';

/**
 * The tables of imports and exports (migration 0010_imports_exports). An import has one row
 * per entry (`import_items`), keyed by (import, entry): the unit an interrupted import
 * resumes from, and what makes an entry become an image at most once.
 */

export type ImportStatus = 'queued' | 'running' | 'done' | 'failed';
export type ImportItemStatus = 'pending' | 'accepted' | 'refused' | 'duplicate';

/** One file sent to `imports.create`: a zip, or an image on its own. */
export interface ImportSource {
  key: string;
  name: string;
  kind: 'zip' | 'file';
  bytes: number;
}

export interface ImportRow {
  id: string;
  owner_id: string;
  keep_duplicates: boolean;
  visibility: Visibility;
  sources: ImportSource[];
  status: ImportStatus;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

export interface ImportItemRow {
  entry: string;
  position: number;
  name: string;
  image_id: string;
  status: ImportItemStatus;
  reason: string | null;
}

const importMissing = (importId: string) => new GlimpseError('IMPORT_NOT_FOUND', `importId: no import ${importId} of yours exists.`, 'importId');
const exportMissing = (exportId: string) => new GlimpseError('EXPORT_NOT_FOUND', `exportId: no export ${exportId} of yours exists (expired exports are deleted).`, 'exportId');

export const imports = {
  async create(tx: Queryable, row: { id: string; ownerId: string; keepDuplicates: boolean; visibility: Visibility; sources: ImportSource[] }) {
    await tx.query(`INSERT INTO imports (id, owner_id, keep_duplicates, visibility, sources, status) VALUES ($1, $2, $3, $4, $5, 'queued')`, [
      row.id,
      row.ownerId,
      row.keepDuplicates,
      row.visibility,
      JSON.stringify(row.sources),
    ]);
  },

  async find(tx: Queryable, importId: string): Promise<ImportRow | undefined> {
    const [row] = await tx.query<ImportRow>('SELECT id, owner_id, keep_duplicates, visibility, sources, status, error, created_at, finished_at FROM imports WHERE id = $1', [importId]);
    return row;
  },

  async findOwned(tx: Queryable, importId: string, ownerId: string): Promise<ImportRow> {
    const row = await imports.find(tx, importId);
    if (!row || row.owner_id !== ownerId) throw importMissing(importId);
    return row;
  },

  async recentOf(tx: Queryable, ownerId: string, limit: number): Promise<ImportRow[]> {
    return tx.query<ImportRow>(
      'SELECT id, owner_id, keep_duplicates, visibility, sources, status, error, created_at, finished_at FROM imports WHERE owner_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2',
      [ownerId, limit],
    );
  },

  async setStatus(tx: Queryable, importId: string, status: ImportStatus, error: string | null = null) {
    await tx.query(
      `UPDATE imports SET status = $2, error = $3, finished_at = CASE WHEN $2 IN ('done', 'failed') THEN now() ELSE NULL END WHERE id = $1`,
      [importId, status, error],
    );
  },

  /** Records the entries found, once: a re-run finds the same entries and adds nothing. */
  async addItems(tx: Queryable, importId: string, items: ReadonlyArray<Omit<ImportItemRow, 'position'> & { position: number }>) {
    for (let start = 0; start < items.length; start += 200) {
      const batch = items.slice(start, start + 200);
      const params: unknown[] = [importId];
      const values = batch.map((item) => {
        params.push(item.entry, item.position, item.name, item.image_id, item.status, item.reason);
        const n = params.length;
        return `($1, $${n - 5}, $${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, $${n})`;
      });
      await tx.query(`INSERT INTO import_items (import_id, entry, position, name, image_id, status, reason) VALUES ${values.join(', ')} ON CONFLICT (import_id, entry) DO NOTHING`, params);
    }
  },

  async items(tx: Queryable, importId: string): Promise<ImportItemRow[]> {
    const rows = await tx.query<ImportItemRow>('SELECT entry, position, name, image_id, status, reason FROM import_items WHERE import_id = $1 ORDER BY position', [importId]);
    return rows.map((row) => ({ ...row, position: Number(row.position) }));
  },

  /**
   * Settles a pending entry (accepted with its image, refused or a duplicate with the reason);
   * false when it was not pending any more: another run settled it first.
   */
  async settleItem(tx: Queryable, importId: string, entry: string, status: Exclude<ImportItemStatus, 'pending'>, reason: string | null = null): Promise<boolean> {
    const rows = await tx.query(`UPDATE import_items SET status = $3, reason = $4 WHERE import_id = $1 AND entry = $2 AND status = 'pending' RETURNING entry`, [importId, entry, status, reason]);
    return rows.length > 0;
  },
};

export type ExportStatus = 'queued' | 'running' | 'ready' | 'failed';

export interface ExportRow {
  id: string;
  owner_id: string;
  image_ids: string[] | null;
  status: ExportStatus;
  total: number;
  done: number;
  bytes: number;
  object_key: string | null;
  error: string | null;
  created_at: Date;
  ready_at: Date | null;
  expires_at: Date | null;
}

const exportColumns = 'id, owner_id, image_ids, status, total, done, bytes, object_key, error, created_at, ready_at, expires_at';
const numbers = (row: ExportRow): ExportRow => ({ ...row, total: Number(row.total), done: Number(row.done), bytes: Number(row.bytes) });

export const exportsStore = {
  async create(tx: Queryable, row: { id: string; ownerId: string; imageIds: readonly string[] | null }) {
    await tx.query(`INSERT INTO exports (id, owner_id, image_ids, status) VALUES ($1, $2, $3, 'queued')`, [row.id, row.ownerId, row.imageIds ? JSON.stringify(row.imageIds) : null]);
  },

  async find(tx: Queryable, exportId: string): Promise<ExportRow | undefined> {
    const [row] = await tx.query<ExportRow>(`SELECT ${exportColumns} FROM exports WHERE id = $1`, [exportId]);
    return row && numbers(row);
  },

  async findOwned(tx: Queryable, exportId: string, ownerId: string): Promise<ExportRow> {
    const row = await exportsStore.find(tx, exportId);
    if (!row || row.owner_id !== ownerId) throw exportMissing(exportId);
    return row;
  },

  async recentOf(tx: Queryable, ownerId: string, limit: number): Promise<ExportRow[]> {
    return (await tx.query<ExportRow>(`SELECT ${exportColumns} FROM exports WHERE owner_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`, [ownerId, limit])).map(numbers);
  },

  async start(tx: Queryable, exportId: string, total: number) {
    await tx.query(`UPDATE exports SET status = 'running', total = $2, done = 0, bytes = 0 WHERE id = $1`, [exportId, total]);
  },

  async progress(tx: Queryable, exportId: string, done: number, bytes: number) {
    await tx.query('UPDATE exports SET done = $2, bytes = $3 WHERE id = $1', [exportId, done, bytes]);
  },

  async markReady(tx: Queryable, exportId: string, facts: { objectKey: string; bytes: number; done: number; expiresAt: Date }): Promise<boolean> {
    const rows = await tx.query(
      `UPDATE exports SET status = 'ready', object_key = $2, bytes = $3, done = $4, ready_at = now(), expires_at = $5 WHERE id = $1 AND status <> 'ready' RETURNING id`,
      [exportId, facts.objectKey, facts.bytes, facts.done, facts.expiresAt],
    );
    return rows.length > 0;
  },

  async markFailed(tx: Queryable, exportId: string, error: string) {
    await tx.query(`UPDATE exports SET status = 'failed', error = $2 WHERE id = $1 AND status <> 'ready'`, [exportId, error]);
  },

  async expired(tx: Queryable, now = new Date()): Promise<ExportRow[]> {
    return (await tx.query<ExportRow>(`SELECT ${exportColumns} FROM exports WHERE expires_at IS NOT NULL AND expires_at <= $1 LIMIT 500`, [now])).map(numbers);
  },

  async remove(tx: Queryable, exportId: string) {
    await tx.query('DELETE FROM exports WHERE id = $1', [exportId]);
  },
};
