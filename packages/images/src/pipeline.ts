import type { Queryable } from '@glimpse/database';
import { syncFeedTags } from './feed-tags';
import type { ImageEdit } from './edits';
import type { ImageRow, ImageStatus, TaggingStatus, VariantRecord, Visibility } from './types';

/**
 * The queries of the background work on images: processing, tagging, indexing, rebuilding
 * the derived stores, and the operators' repairs. Part of the image repository.
 */

export interface ProcessedFacts {
  width: number;
  height: number;
  animated: boolean;
  placeholder: string | null;
  dominantColor: string | null;
  perceptualHash: string | null;
  camera: unknown;
  variants: VariantRecord[];
}

export interface TaggingOutcome {
  /** Machine tags with their confidence (0..1). */
  tags: ReadonlyMap<string, number>;
  moderation: string;
  analysis: Record<string, unknown>;
}

/** What the indexer reads to build a search document and a recommender item. */
export interface IndexRow {
  id: string;
  owner_id: string;
  owner_username: string;
  title: string;
  description: string;
  visibility: Visibility;
  status: ImageStatus;
  deleted: boolean;
  moderation: string | null;
  /** Hidden by an admin: indexed as private (found by its owner only). */
  hidden: boolean;
  analysis: { colors?: string[]; text?: string } | null;
  /** EXIF facts the processor read (make, model, lens, takenAt). */
  camera: Record<string, unknown> | null;
  width: number;
  height: number;
  like_count: number;
  created_at: Date;
  /** The variants served now (the indexer sends the thumb JPEG to an engine that embeds images). */
  variants: VariantRecord[];
  userTags: string[];
  machineTags: string[];
  /** Each machine tag's confidence (0–1). */
  machineConfidence: Record<string, number>;
}

export type FeedbackTable = 'likes' | 'views';

export const imagePipeline = {
  async processingState(tx: Queryable, imageId: string) {
    const [row] = await tx.query<{
      status: ImageStatus;
      original_key: string;
      deleted: boolean;
      version: number;
      edits_version: number;
      edits: ImageEdit[];
      edit_failure: string | null;
      original_width: number | null;
      original_height: number | null;
    }>(
      `SELECT status, original_key, deleted_at IS NOT NULL AS deleted, version, edits_version, edits, edit_failure, original_width, original_height
       FROM images WHERE id = $1`,
      [imageId],
    );
    return row;
  },

  /**
   * The edited rendering `version` (of the stack `edits`) replaces the served variants, unless a
   * later version is served already or the image is gone. Returns the variants it replaced
   * (their objects are the caller's to delete), or, when nothing changed, the version served
   * (another job may have rendered this very version: its objects are then in use).
   */
  async markEdited(
    tx: Queryable,
    imageId: string,
    version: number,
    edits: readonly ImageEdit[],
    facts: Omit<ProcessedFacts, 'camera' | 'animated'>,
  ): Promise<{ replaced: VariantRecord[] } | { servedVersion: number | null }> {
    const [before] = await tx.query<{ variants: VariantRecord[]; version: number; live: boolean }>(
      `SELECT variants, version, status = 'ready' AND deleted_at IS NULL AS live FROM images WHERE id = $1`,
      [imageId],
    );
    if (!before || !before.live || before.version >= version) return { servedVersion: before?.live ? before.version : null };
    await tx.query(
      `UPDATE images SET version = $2, applied_edits = $3, width = $4, height = $5, placeholder = $6, dominant_color = $7,
         perceptual_hash = $8, variants = $9, updated_at = now() WHERE id = $1`,
      [imageId, version, JSON.stringify(edits), facts.width, facts.height, facts.placeholder, facts.dominantColor, facts.perceptualHash, JSON.stringify(facts.variants)],
    );
    return { replaced: before.variants };
  },

  /** The edit rendering as `version` could not be done: its stack is dropped for the one served, with the reason for the owner. */
  async markEditFailed(tx: Queryable, imageId: string, version: number, reason: string): Promise<boolean> {
    const updated = await tx.query(
      `UPDATE images SET edits = applied_edits, edit_failure = $3, updated_at = now() WHERE id = $1 AND edits_version = $2 AND edit_failure IS NULL RETURNING id`,
      [imageId, version, reason],
    );
    return updated.length > 0;
  },

  async markProcessing(tx: Queryable, imageId: string) {
    await tx.query(`UPDATE images SET status = 'processing', processing_attempts = processing_attempts + 1, updated_at = now() WHERE id = $1`, [imageId]);
    await syncFeedTags(tx, imageId);
  },

  /** True when this call made the image ready (not when it was ready, deleted or gone already). */
  async markReady(tx: Queryable, imageId: string, facts: ProcessedFacts): Promise<boolean> {
    const updated = await tx.query(
      `UPDATE images SET status = 'ready', failure_reason = NULL, width = $2, height = $3, animated = $4, placeholder = $5,
         dominant_color = $6, perceptual_hash = $7, camera = $8, variants = $9, original_width = $2, original_height = $3, ready_at = now(), updated_at = now()
       WHERE id = $1 AND status <> 'ready' AND deleted_at IS NULL RETURNING id`,
      [imageId, facts.width, facts.height, facts.animated, facts.placeholder, facts.dominantColor, facts.perceptualHash, JSON.stringify(facts.camera), JSON.stringify(facts.variants)],
    );
    if (updated.length > 0) await syncFeedTags(tx, imageId);
    return updated.length > 0;
  },

  /**
   * Fails the image (a ready or already failed image is left as it is); returns its owner and
   * title when this call failed it, so the owner can be told once.
   */
  async markFailed(tx: Queryable, imageId: string, reason: string): Promise<{ ownerId: string; title: string } | undefined> {
    const [row] = await tx.query<{ owner_id: string; title: string }>(
      `UPDATE images SET status = 'failed', failure_reason = $2, updated_at = now() WHERE id = $1 AND status NOT IN ('ready', 'failed') RETURNING owner_id, title`,
      [imageId, reason],
    );
    return row && { ownerId: row.owner_id, title: row.title };
  },

  async taggingState(tx: Queryable, imageId: string) {
    const [row] = await tx.query<{ status: ImageStatus; tagging_status: TaggingStatus; deleted: boolean; variants: VariantRecord[]; camera: Record<string, string> | null }>(
      'SELECT status, tagging_status, deleted_at IS NOT NULL AS deleted, variants, camera FROM images WHERE id = $1',
      [imageId],
    );
    return row;
  },

  /** Replaces the machine tags and records what the tagger saw. */
  async saveTagging(tx: Queryable, imageId: string, outcome: TaggingOutcome) {
    await tx.query(`DELETE FROM image_tags WHERE image_id = $1 AND source = 'machine'`, [imageId]);
    // What the owner removed as wrong stays removed, whatever the model says this time.
    const removed = new Set((await tx.query<{ tag: string }>('SELECT tag FROM machine_tag_removals WHERE image_id = $1', [imageId])).map((row) => row.tag));
    for (const [tag, confidence] of outcome.tags) {
      if (removed.has(tag)) continue;
      await tx.query(`INSERT INTO image_tags (image_id, source, tag, confidence) VALUES ($1, 'machine', $2, $3)`, [imageId, tag, Math.round(confidence * 1000) / 1000]);
    }
    // An admin's review (approved, hidden) outlasts a re-tagging.
    await tx.query(
      `UPDATE images SET tagging_status = 'tagged', moderation = CASE WHEN moderated_at IS NULL THEN $2 ELSE moderation END, analysis = $3, updated_at = now() WHERE id = $1`,
      [imageId, outcome.moderation, JSON.stringify(outcome.analysis)],
    );
    await syncFeedTags(tx, imageId);
  },

  /** Back to the tagger (a new model): true when the image is ready and live. */
  async markTaggingPending(tx: Queryable, imageId: string): Promise<boolean> {
    return (await tx.query(`UPDATE images SET tagging_status = 'pending', updated_at = now() WHERE id = $1 AND status = 'ready' AND deleted_at IS NULL RETURNING id`, [imageId])).length > 0;
  },

  async markTagging(tx: Queryable, imageId: string, status: 'failed' | 'skipped') {
    await tx.query(`UPDATE images SET tagging_status = $2, updated_at = now() WHERE id = $1`, [imageId, status]);
  },

  /** Index rows of the given images with their tags, deleted and unready ones included (the caller removes those). */
  async indexRows(tx: Queryable, imageIds: readonly string[]): Promise<IndexRow[]> {
    if (imageIds.length === 0) return [];
    const rows = await tx.query<Omit<IndexRow, 'userTags' | 'machineTags' | 'machineConfidence'>>(
      `SELECT i.id, i.owner_id, u.username AS owner_username, i.title, i.description, i.visibility, i.status,
              i.deleted_at IS NOT NULL AS deleted, i.moderation, i.hidden_at IS NOT NULL AS hidden, i.analysis, i.camera, i.width, i.height, i.like_count, i.created_at, i.variants
       FROM images i JOIN users u ON u.id = i.owner_id WHERE i.id = ANY($1::uuid[])`,
      [imageIds],
    );
    const tags = await tx.query<{ image_id: string; tag: string; source: 'user' | 'machine'; confidence: number | null }>(
      'SELECT image_id, tag, source, confidence FROM image_tags WHERE image_id = ANY($1::uuid[])',
      [imageIds],
    );
    return rows.map((row) => ({
      ...row,
      userTags: tags.filter((t) => t.image_id === row.id && t.source === 'user').map((t) => t.tag),
      machineTags: tags.filter((t) => t.image_id === row.id && t.source === 'machine').map((t) => t.tag),
      machineConfidence: Object.fromEntries(tags.filter((t) => t.image_id === row.id && t.source === 'machine').map((t) => [t.tag, Number(t.confidence ?? 0)])),
    }));
  },

  /** When the image was last marked pending for search (undefined: it is not). Read before loading what to index. */
  async searchPendingSince(tx: Queryable, imageId: string): Promise<Date | undefined> {
    return (await tx.query<{ changed_at: Date }>('SELECT changed_at FROM search_pending WHERE image_id = $1', [imageId]))[0]?.changed_at;
  },

  /** The engine holds the image as of `since`; a change after that keeps it pending. */
  async searchSynced(tx: Queryable, imageId: string, since: Date) {
    await tx.query('DELETE FROM search_pending WHERE image_id = $1 AND changed_at <= $2', [imageId, since]);
  },

  /** The database's clock (pending marks are stamped by it, not by ours). */
  async clock(tx: Queryable): Promise<Date> {
    return (await tx.query<{ at: Date }>('SELECT clock_timestamp() AS at'))[0]!.at;
  },

  /** After a rebuild from the database: everything changed before `since` is in the engine. */
  async searchSyncedBefore(tx: Queryable, since: Date) {
    await tx.query('DELETE FROM search_pending WHERE changed_at <= $1', [since]);
  },

  async countReady(tx: Queryable): Promise<number> {
    const [row] = await tx.query<{ total: number | string }>(`SELECT count(*) AS total FROM images WHERE status = 'ready' AND deleted_at IS NULL`);
    return Number(row?.total ?? 0);
  },

  /** Ready, live image ids after `afterId` in id order: for walking every image in batches. */
  async readyIdsAfter(tx: Queryable, afterId: string, limit: number): Promise<string[]> {
    return (await tx.query<{ id: string }>(`SELECT id FROM images WHERE status = 'ready' AND deleted_at IS NULL AND id > $1 ORDER BY id LIMIT $2`, [afterId, limit])).map((r) => r.id);
  },

  async countFeedback(tx: Queryable, table: FeedbackTable): Promise<number> {
    const [row] = await tx.query<{ total: number | string }>(`SELECT count(*) AS total FROM ${table === 'likes' ? 'likes' : 'image_views'}`);
    return Number(row?.total ?? 0);
  },

  /** Likes or views after the (user, image) key, in key order. */
  async feedbackAfter(tx: Queryable, table: FeedbackTable, after: { userId: string; imageId: string }, limit: number) {
    const [name, column] = table === 'likes' ? ['likes', 'created_at'] : ['image_views', 'viewed_at'];
    return tx.query<{ user_id: string; image_id: string; at: Date }>(
      `SELECT user_id, image_id, ${column} AS at FROM ${name} WHERE (user_id, image_id) > ($1, $2) ORDER BY user_id, image_id LIMIT $3`,
      [after.userId, after.imageId, limit],
    );
  },

  /**
   * Images pending or processing, or with an edit not yet rendered, for longer than
   * `olderThanSeconds` with no processing job waiting in the outbox.
   */
  async stuck(tx: Queryable, olderThanSeconds: number, processQueue: string) {
    const stale = `i.updated_at < now() - ($1 * interval '1 second') AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.queue = $2 AND o.subject = i.id::text)`;
    return tx.query<{ id: string; status: ImageStatus | 'rendering an edit' }>(
      `(SELECT i.id, i.status FROM images i WHERE i.status IN ('pending', 'processing') AND i.deleted_at IS NULL AND ${stale} LIMIT 1000)
       UNION ALL
       (SELECT i.id, 'rendering an edit' AS status FROM images i WHERE i.edits_version > i.version AND i.deleted_at IS NULL AND i.status = 'ready' AND i.edit_failure IS NULL AND ${stale} LIMIT 1000)`,
      [olderThanSeconds, processQueue],
    );
  },

  async touch(tx: Queryable, imageId: string) {
    await tx.query(`UPDATE images SET updated_at = now() WHERE id = $1`, [imageId]);
  },

  /** Deleted rows older than the grace period, whose objects are gone or going. */
  async purgeable(tx: Queryable, graceSeconds: number): Promise<string[]> {
    return (await tx.query<{ id: string }>(`SELECT id FROM images WHERE deleted_at IS NOT NULL AND deleted_at < now() - ($1 * interval '1 second')`, [graceSeconds])).map((r) => r.id);
  },

  /** Of `ids`, those with a live row. */
  async liveIds(tx: Queryable, ids: readonly string[]): Promise<Set<string>> {
    return new Set((await tx.query<{ id: string }>('SELECT id FROM images WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL', [ids])).map((row) => row.id));
  },

  /** The object keys the ready, live images among `ids` serve now (what an edit replaced is not among them). */
  async servedVariantKeys(tx: Queryable, ids: readonly string[]): Promise<Map<string, Set<string>>> {
    const rows = await tx.query<{ id: string; variants: VariantRecord[] }>(`SELECT id, variants FROM images WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL AND status = 'ready'`, [ids]);
    return new Map(rows.map((row) => [row.id, new Set(row.variants.map((variant) => variant.key))]));
  },

  /** A failed image back to pending (its job is about to be redriven); false when it was not failed. */
  async resetFailed(tx: Queryable, imageId: string): Promise<boolean> {
    return (await tx.query(`UPDATE images SET status = 'pending', failure_reason = NULL, updated_at = now() WHERE id = $1 AND status = 'failed' RETURNING id`, [imageId])).length > 0;
  },
};

export type { ImageRow };
