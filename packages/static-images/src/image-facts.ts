import type { Queryable } from '@glimpse/database';
import { imageReads, type VariantRecord, type VisibilityFacts } from '@glimpse/images';

/** What the static route needs to answer for one image: who may see it, and its variants. */
export interface ImageFacts extends VisibilityFacts {
  /** The rendering served (0 as uploaded, one more per edit); `variants` are this version's. */
  version: number;
  variants: readonly VariantRecord[];
}

export interface ImageFactsReader {
  /** The image's facts as the database holds them at some moment after this call began; undefined when unknown or deleted. */
  read(imageId: string): Promise<ImageFacts | undefined>;
}

interface Waiting {
  resolve: (facts: ImageFacts | undefined) => void;
  reject: (error: unknown) => void;
}

const MAX_BATCH = 500;

/**
 * Reads image facts exactly as a query per request would, at a fraction of the cost: requests
 * that arrive while a query is running wait for the next one, which asks for all of their ids
 * at once. A query never starts before the requests it answers arrived, so every answer
 * reflects the database at some moment after its request came in — a visibility change or
 * delete committed before a request is always honoured by it, on every replica, with no
 * invalidation to lose. Under load the cost is one query per batch instead of one per
 * request; when idle, a request costs one query, as before.
 *
 * A version's variants never change (an edit renders a new version), so they are kept per id
 * and version, and the query reads only the few columns that can change.
 */
export function createImageFactsReader(db: Queryable, options: { maxRememberedVariants?: number } = {}): ImageFactsReader {
  const maxRemembered = options.maxRememberedVariants ?? 50_000;
  /** id → variants of an image seen ready, with their version; insertion order doubles as the eviction order. */
  const knownVariants = new Map<string, { version: number; variants: readonly VariantRecord[] }>();
  let pending = new Map<string, Waiting[]>();
  let running = false;

  function remember(id: string, known: { version: number; variants: readonly VariantRecord[] }) {
    knownVariants.delete(id);
    if (knownVariants.size >= maxRemembered) knownVariants.delete(knownVariants.keys().next().value!);
    knownVariants.set(id, known);
  }

  async function runBatch(batch: Map<string, Waiting[]>) {
    const ids = [...batch.keys()];
    const rows = await imageReads.visibilityFactsOf(db, ids);
    const unknown = rows.filter((row) => row.status === 'ready' && knownVariants.get(row.id)?.version !== row.version).map((row) => row.id);
    if (unknown.length > 0) {
      // Read after the row above: the variants of the version read here (the same or a later one).
      const variants = await imageReads.readyVariantsOf(db, unknown);
      for (const row of variants) remember(row.id, { version: row.version, variants: row.variants });
    }
    const found = new Map<string, ImageFacts>();
    for (const row of rows) {
      const known = row.status === 'ready' ? knownVariants.get(row.id) : undefined;
      if (!known) knownVariants.delete(row.id);
      found.set(row.id, { owner_id: row.owner_id, visibility: row.visibility, status: row.status, moderation: row.moderation, hidden: row.hidden, version: known?.version ?? row.version, variants: known?.variants ?? [] });
    }
    for (const id of ids) if (!found.has(id)) knownVariants.delete(id);
    for (const [id, waiting] of batch) for (const { resolve } of waiting) resolve(found.get(id));
  }

  async function drain() {
    try {
      while (pending.size > 0) {
        let batch = pending;
        if (batch.size > MAX_BATCH) {
          batch = new Map([...pending].slice(0, MAX_BATCH));
          for (const id of batch.keys()) pending.delete(id);
        } else pending = new Map();
        await runBatch(batch).catch((error: unknown) => {
          for (const waiting of batch.values()) for (const { reject } of waiting) reject(error);
        });
      }
    } finally {
      running = false;
    }
  }

  return {
    read(imageId) {
      return new Promise((resolve, reject) => {
        const waiting = pending.get(imageId);
        if (waiting) waiting.push({ resolve, reject });
        else pending.set(imageId, [{ resolve, reject }]);
        // The query starts once this turn of the event loop has read every request that is in:
        // embedded PGlite runs a query synchronously, so starting at once would batch nothing.
        if (!running) {
          running = true;
          setImmediate(drain);
        }
      });
    },
  };
}
