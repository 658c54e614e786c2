import { GlimpseError } from '@glimpse/errors';

/**
 * Keyset cursors over (created_at, id): stable while new images arrive, and no reliance on
 * sequence order. created_at is written with millisecond precision so it round-trips.
 */
export interface Position {
  createdAt: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Exactly what `Date.toISOString()` writes for the years a database can store. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** Deeper than anyone scrolls; an offset past it is a forged cursor, not a page. */
export const MAX_OFFSET = 10_000;

const badCursor = () => new GlimpseError('INVALID_INPUT', 'cursor: not a cursor this API returned; start again without one', 'cursor');

export const encodeCursor = (position: Position) => Buffer.from(JSON.stringify([position.createdAt, position.id])).toString('base64url');

export function decodeCursor(cursor: string): Position {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw badCursor();
  const [createdAt, id] = parsed as unknown[];
  if (typeof createdAt !== 'string' || typeof id !== 'string' || !UUID.test(id) || !ISO_INSTANT.test(createdAt)) throw badCursor();
  const at = new Date(createdAt);
  if (Number.isNaN(at.getTime()) || at.toISOString() !== createdAt) throw badCursor();
  return { createdAt, id };
}

/** Offset cursors for rankings that are not keyed by time (popular, forYou, search). */
export const encodeOffset = (offset: number) => Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
export function decodeOffset(cursor: string | undefined): number {
  if (!cursor) return 0;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  const o = (parsed as { o?: unknown } | null)?.o;
  if (typeof o !== 'number' || !Number.isSafeInteger(o) || o < 0 || o > MAX_OFFSET) throw badCursor();
  return o;
}

/** Fetch one more than asked to know whether another page exists. */
export function page<Row extends { created_at: Date; id: string }>(rows: Row[], limit: number) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const nextCursor = rows.length > limit && last ? encodeCursor({ createdAt: last.created_at.toISOString(), id: last.id }) : null;
  return { items, nextCursor };
}
