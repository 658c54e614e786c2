import type { Queryable } from '@glimpse/database';
import { GlimpseError } from '@glimpse/errors';
import { syncFeedTags } from './feed-tags';
import { decodeCursor, page, type Position } from './paging';
import { COLUMNS, FROM, imageWrites } from './repository';
import type { ImageRow } from './types';

/**
 * The moderation queue: ready, live images the tagger labelled sensitive that no admin has
 * reviewed yet, oldest first. Approving lets the image into feeds as any other
 * (moderation 'approved'); hiding keeps it from everyone but its owner (hidden_at, and the
 * 'sensitive' label, which keeps it out of feeds). A review outlasts a re-tagging. Part of the
 * image repository.
 */
export type ModerationDecision = 'approve' | 'hide';

export const imageModeration = {
  async queue(tx: Queryable, request: { cursor?: string; limit: number }): Promise<{ items: ImageRow[]; nextCursor: string | null; waiting: number }> {
    const after: Position | undefined = request.cursor ? decodeCursor(request.cursor) : undefined;
    const pending = `i.moderation = 'sensitive' AND i.moderated_at IS NULL AND i.deleted_at IS NULL`;
    const rows = await tx.query<ImageRow>(
      `SELECT ${COLUMNS} FROM ${FROM}
       WHERE ${pending} AND i.status = 'ready' AND ($1::timestamptz IS NULL OR (i.created_at, i.id) > ($1::timestamptz, $2::uuid))
       ORDER BY i.created_at, i.id LIMIT $3`,
      [after?.createdAt ?? null, after?.id ?? null, request.limit + 1],
    );
    const [count] = await tx.query<{ n: number | string }>(`SELECT count(*) AS n FROM images i WHERE ${pending} AND i.status = 'ready'`);
    return { ...page(rows, request.limit), waiting: Number(count?.n ?? 0) };
  },

  /** Records an admin's decision; feeds, search and the recommender follow (search at once, the engines through an index job). */
  async review(tx: Queryable, imageId: string, decision: ModerationDecision, adminId: string): Promise<void> {
    const rows = await tx.query(
      decision === 'approve'
        ? `UPDATE images SET moderation = 'approved', hidden_at = NULL, moderated_at = now(), moderated_by = $2, updated_at = now() WHERE id = $1 AND deleted_at IS NULL RETURNING id`
        : `UPDATE images SET moderation = 'sensitive', hidden_at = COALESCE(hidden_at, now()), moderated_at = now(), moderated_by = $2, updated_at = now() WHERE id = $1 AND deleted_at IS NULL RETURNING id`,
      [imageId, adminId],
    );
    if (rows.length === 0) throw new GlimpseError('IMAGE_NOT_FOUND', `No image ${imageId} exists (or it was deleted).`, 'imageId');
    await syncFeedTags(tx, imageId);
    await imageWrites.recordEvent(tx, imageId, decision === 'approve' ? 'moderation-approved' : 'moderation-hidden', `by ${adminId}`);
    await imageWrites.requestReindex(tx, imageId);
  },
};
