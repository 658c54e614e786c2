import type { Queryable } from '@glimpse/database';

/** An image's history (uploaded, processing, ready, failed, …): for the owner, operators and tests. */
export async function recordImageEvent(tx: Queryable, imageId: string, kind: string, detail?: string) {
  await tx.query('INSERT INTO image_events (image_id, kind, detail) VALUES ($1, $2, $3)', [imageId, kind, detail ?? null]);
}
