import { decodeOffset, encodeOffset, imageReads, normalizeTag } from '@glimpse/images';
import { MAX_CAMERA_FILTERS, MAX_CAMERA_LENGTH, MAX_PER_PAGE, TAG_SOURCES } from '@glimpse/search-index';
import { z } from 'zod';
import { publicProcedure, router } from './trpc';

/** Accepts `["sea","sky"]` or `"sea, sky"`; normalised like the tags themselves. */
const list = z
  .union([z.array(z.string().max(100)).max(20), z.string().max(1_000)])
  .transform((value) => [...new Set((typeof value === 'string' ? value.split(',') : value).map(normalizeTag).filter(Boolean))])
  .optional();
/** Camera names as the `camera` facet lists them (`["Apple iPhone 12"]` or `"Apple iPhone 12, Canon EOS 5D"`); case does not matter. */
const cameras = z
  .union([z.array(z.string().max(MAX_CAMERA_LENGTH, `a camera name has at most ${MAX_CAMERA_LENGTH} characters`)).max(MAX_CAMERA_FILTERS, `at most ${MAX_CAMERA_FILTERS} cameras`), z.string().max(2_100)])
  .transform((value) => [...new Set((typeof value === 'string' ? value.split(',') : value).map((name) => name.replace(/\s+/g, ' ').trim()).filter(Boolean))])
  .refine((names) => names.length <= MAX_CAMERA_FILTERS, `at most ${MAX_CAMERA_FILTERS} cameras`)
  .refine((names) => names.every((name) => name.length <= MAX_CAMERA_LENGTH), `a camera name has at most ${MAX_CAMERA_LENGTH} characters`)
  .optional();
const date = z.iso.datetime({ message: 'expected an ISO date-time like 2026-01-31T00:00:00Z' }).transform((value) => Date.parse(value)).optional();

export const searchRouter = router({
  /**
   * Words over title, description, tags and owner (typo tolerant; the owner's tags rank above
   * machine labels), filters (all tags, of the owner, the machine or either by `tagSource`; any
   * colour, any camera, orientation, owner, date range), facet counts and sorting. The engine filters
   * by visibility, so `found` and facets never count what the viewer may not see; the
   * database re-checks every hit before it is shown.
   */
  images: publicProcedure
    .input(
      z
        .object({
          q: z.string().trim().max(200).optional(),
          tags: list,
          /** Which tags `tags` means: the owner's, the machine's labels, or either. */
          tagSource: z.enum(TAG_SOURCES as ['owner', 'machine', 'any']).default('any'),
          colors: list,
          camera: cameras,
          orientation: z.enum(['landscape', 'portrait', 'square']).optional(),
          owner: z.string().trim().toLowerCase().max(30).optional(),
          createdAfter: date,
          createdBefore: date,
          sort: z.enum(['relevance', 'newest', 'most_liked']).optional(),
          cursor: z.string().max(200).optional(),
          limit: z.number().int().min(1).max(MAX_PER_PAGE).default(24),
        })
        .default({ limit: 24, tagSource: 'any' }),
    )
    .query(async ({ ctx, input }) => {
      const offset = decodeOffset(input.cursor);
      const page = Math.floor(offset / input.limit) + 1;
      const result = await ctx.searchIndex.search({
        q: input.q || undefined,
        tags: input.tags,
        tagSource: input.tagSource,
        colors: input.colors,
        camera: input.camera,
        orientation: input.orientation,
        owner: input.owner,
        createdAfter: input.createdAfter,
        createdBefore: input.createdBefore,
        sort: input.sort,
        viewerId: ctx.viewer?.id ?? null,
        // Exact the instant something changes: what changed since the engine last confirmed it and
        // the viewer may no longer see (asked of the primary) counts nowhere, not in found nor in facets.
        excludeIds: await imageReads.unsearchableChanges(ctx.db, ctx.viewer?.id ?? null),
        page,
        perPage: input.limit,
      });
      const ids = result.hits.map((hit) => hit.id);
      const rows = await imageReads.visibleInOrder(ctx.reads, ids, ctx.viewer?.id ?? null, 'listed');
      const hits = await ctx.catalogue.cards(ctx.reads, rows);
      const nextOffset = page * input.limit;
      return { hits, found: result.found, facets: result.facets, nextCursor: nextOffset < result.found ? encodeOffset(nextOffset) : null };
    }),

  /** Completions for a search box: tags (with how many visible images carry them) and usernames. */
  suggest: publicProcedure.input(z.object({ prefix: z.string().trim().min(1, 'type at least one character').max(50), limit: z.number().int().min(1).max(20).default(8) })).query(async ({ ctx, input }) => {
    const suggestions = await ctx.searchIndex.suggest(input.prefix.toLowerCase(), ctx.viewer?.id ?? null, input.limit * 2);
    return {
      tags: suggestions.filter((s) => s.kind === 'tag').slice(0, input.limit).map((s) => ({ tag: s.value, count: s.count })),
      users: suggestions.filter((s) => s.kind === 'user').slice(0, input.limit).map((s) => ({ username: s.value, count: s.count })),
    };
  }),
});

export type SearchRouter = typeof searchRouter;
