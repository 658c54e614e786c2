import { GlimpseError } from '@glimpse/errors';

/**
 * Keyset cursors over (created_at, id): stable while new images arrive, and no reliance on
 * sequence order. created_at is written with millisecond precision so it round-trips.
 */
export interface Position {
  createdAt: string;
  id: string;
}

export const encodeCursor = (position: Position) => Buffer.from(JSON.stringify([position.createdAt, position.id])).toString('base64url');

export function decodeCursor(cursor: string): Position {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    if (Number.isNaN(Date.parse(createdAt)) || !/^[0-9a-f-]{36}$/.test(id)) throw new Error('bad cursor');
    return { createdAt, id };
  } catch {
    throw new GlimpseError('INVALID_INPUT', 'cursor: not a cursor this API returned; start again without one', 'cursor');
  }
}

/** Offset cursors for rankings that are not keyed by time (popular). */
export const encodeOffset = (offset: number) => Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
export function decodeOffset(cursor: string | undefined): number {
  if (!cursor) return 0;
  try {
    const { o } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o: number };
    if (!Number.isInteger(o) || o < 0) throw new Error('bad offset');
    return o;
  } catch {
    throw new GlimpseError('INVALID_INPUT', 'cursor: not a cursor this API returned; start again without one', 'cursor');
  }
}

/** Fetch one more than asked to know whether another page exists. */
export function page<Row extends { created_at: Date; id: string }>(rows: Row[], limit: number) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const nextCursor = rows.length > limit && last ? encodeCursor({ createdAt: last.created_at.toISOString(), id: last.id }) : null;
  return { items, nextCursor };
}
