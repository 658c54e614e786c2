import { randomUUID } from 'node:crypto';
import { migrate, openPglite, type Database } from '@glimpse/database';
import { createContextInner as feedContext, feedRouter } from '@glimpse/feed';
import { loadIndexEntries } from '@glimpse/image-jobs';
import { createImageCatalogue, createUrlSigner, encodeOffset, imagePipeline, imageReads, imageWrites, type Visibility } from '@glimpse/images';
import { silentLogger } from '@glimpse/logging';
import { createEmbeddedRecommender } from '@glimpse/recommender';
import { createContextInner as searchContext, searchRouter } from '@glimpse/search';
import { createEmbeddedSearchIndex, type SearchIndex } from '@glimpse/search-index';
import { createContextInner as uploadContext, uploadRouter } from '@glimpse/upload';
import { createRateLimiter } from '@glimpse/http-service';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnonymousViews } from '../src/anonymous-views';

/**
 * The procedures called directly (createCaller over createContextInner), on in-memory
 * PGlite: the whole visibility matrix and the error mapping in a few seconds. The gateway
 * tests prove the same procedures are wired to HTTP.
 */
type State = 'public' | 'unlisted' | 'private' | 'deleted' | 'sensitive' | 'pending';
const STATES: State[] = ['public', 'unlisted', 'private', 'deleted', 'sensitive', 'pending'];
type Who = 'owner' | 'other' | 'anonymous';

let db: Database;
const ids = {} as Record<State, string>;
const users = { owner: { id: randomUUID(), username: 'olive' }, other: { id: randomUUID(), username: 'oscar' } };
let searchIndex: SearchIndex;
const recommender = createEmbeddedRecommender();
const catalogue = createImageCatalogue(createUrlSigner('test-secret'));

async function addImage(state: State) {
  const id = randomUUID();
  const visibility: Visibility = state === 'unlisted' || state === 'private' ? state : 'public';
  await db.transaction(async (tx) => {
    await imageWrites.insertPending(tx, {
      id, ownerId: users.owner.id, title: `${state} photo`, description: '', visibility, originalKey: `originals/${id}`,
      originalMime: 'image/jpeg', originalBytes: 1000, width: 40, height: 30, tags: ['matrix', state],
    });
    if (state === 'pending') return;
    await imagePipeline.markReady(tx, id, { width: 40, height: 30, animated: false, placeholder: null, dominantColor: null, perceptualHash: null, camera: null, variants: [] });
    if (state === 'sensitive') await imagePipeline.saveTagging(tx, id, { tags: new Map(), moderation: 'sensitive', analysis: {} });
  });
  // Indexed while visible, like the indexer would; then deleted without the index hearing of it
  // (the engines hold derived data that can lag: the database must still refuse it).
  const entry = (await loadIndexEntries(db, [id])).get(id);
  if (entry) {
    await searchIndex.upsert([entry.document]);
    await recommender.upsertItems([{ ...entry.item, hidden: false }]);
  }
  if (state === 'deleted') await imageWrites.markDeleted(db, id);
  ids[state] = id;
}

const request = (who: Who) => ({
  viewer: who === 'anonymous' ? null : users[who],
  requestId: 'test',
  clientIp: '127.0.0.1',
  logger: silentLogger,
});
const feed = (who: Who) =>
  feedRouter.createCaller(feedContext({ db, catalogue, recommender, wakeRelay: () => {}, anonymousViews: createAnonymousViews() }, request(who)));
const search = (who: Who) => searchRouter.createCaller(searchContext({ db, catalogue, searchIndex }, request(who)));
const upload = (who: Who) =>
  uploadRouter.createCaller(
    uploadContext(
      {
        db, catalogue, storage: undefined as never, buckets: { unprocessed: 'u', processed: 'p' }, wakeRelay: () => {},
        limits: { maxBytes: 1e6, maxPixels: 1e6, quotaBytes: 1e9 }, uploadLimiter: createRateLimiter({ limit: 10, windowMs: 1000 }),
        urlSigner: createUrlSigner('test'),
      },
      request(who),
    ),
  );

const statesOf = (items: Array<{ id: string }>) => STATES.filter((state) => items.some((item) => item.id === ids[state]));
async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'OK';
  } catch (error) {
    return error instanceof TRPCError ? error.code : `not a TRPCError: ${String(error)}`;
  }
}

beforeAll(async () => {
  db = await openPglite();
  await migrate(db);
  searchIndex = await createEmbeddedSearchIndex();
  for (const user of Object.values(users)) {
    await db.query(`INSERT INTO users (id, email, username, password_hash) VALUES ($1, $2, $3, 'x')`, [user.id, `${user.username}@example.com`, user.username]);
  }
  for (const state of STATES) await addImage(state);
});
afterAll(() => db?.close());

describe('who sees which image, procedure by procedure', () => {
  // Opening an image by its id (its page): anything but private for others; all ready ones for the owner.
  it.each([
    ['owner', ['public', 'unlisted', 'private', 'sensitive']],
    ['other', ['public', 'unlisted', 'sensitive']],
    ['anonymous', ['public', 'unlisted', 'sensitive']],
  ] as const)('feed.image as %s opens %j and NOT_FOUND for the rest', async (who, visible) => {
    for (const state of STATES) {
      const code = await codeOf(feed(who).image({ imageId: ids[state] }));
      expect(code, `${who} opening the ${state} image`).toBe((visible as readonly string[]).includes(state) ? 'OK' : 'NOT_FOUND');
    }
  });

  it.each(['owner', 'other', 'anonymous'] as const)('feed.latest as %s lists only the public, unflagged image', async (who) => {
    expect(statesOf((await feed(who).latest({ limit: 100 })).items)).toEqual(['public']);
  });

  it.each([
    ['owner', ['public', 'unlisted', 'private', 'sensitive']],
    ['other', ['public']],
    ['anonymous', ['public']],
  ] as const)("feed.user (the owner's gallery) as %s lists %j", async (who, visible) => {
    expect(statesOf((await feed(who).user({ username: 'olive', limit: 100 })).items)).toEqual(visible);
  });

  it.each(['other', 'anonymous'] as const)('feed.popular as %s, from the recommender that still holds every image, shows only the public one', async (who) => {
    expect(statesOf((await feed(who).popular({ limit: 100 })).items)).toEqual(['public']);
  });

  it.each(['other', 'anonymous'] as const)('feed.similar as %s, of the sensitive image (same tag "matrix" as all), lists only the public one', async (who) => {
    expect(statesOf((await feed(who).similar({ imageId: ids.sensitive, limit: 12 })).items)).toEqual(['public']);
  });

  it('feed.forYou never recommends the viewer their own images', async () => {
    expect(statesOf((await feed('owner').forYou({ limit: 100 })).items)).toEqual([]);
    expect(statesOf((await feed('other').forYou({ limit: 100 })).items)).toEqual(['public']);
  });

  it.each([
    ['owner', ['public', 'unlisted', 'private', 'sensitive']],
    ['other', ['public', 'sensitive']],
    ['anonymous', ['public', 'sensitive']],
  ] as const)('search.images as %s finds %j (the deleted one the index still holds is dropped)', async (who, visible) => {
    const result = await search(who).images({ tags: ['matrix'], limit: 50 });
    expect(statesOf(result.hits)).toEqual(visible);
  });

  it.each([
    ['owner', ['public', 'unlisted', 'private', 'sensitive', 'pending']],
    ['other', []],
  ] as const)('upload.status as %s answers for %j and NOT_FOUND for the rest', async (who, visible) => {
    for (const state of STATES) {
      const code = await codeOf(upload(who).status({ imageId: ids[state] }));
      expect(code, `${who} asking the status of the ${state} image`).toBe((visible as readonly string[]).includes(state) ? 'OK' : 'NOT_FOUND');
    }
  });

  it("upload.mine lists the owner's live uploads in every state, and nobody else's", async () => {
    expect(statesOf((await upload('owner').mine({ limit: 100 })).items)).toEqual(['public', 'unlisted', 'private', 'sensitive', 'pending']);
    expect((await upload('other').mine({ limit: 100 })).items).toEqual([]);
  });

  it('a like reaches only images the liker may open', async () => {
    for (const state of STATES) {
      const code = await codeOf(feed('other').like({ imageId: ids[state] }));
      expect(code, `liking the ${state} image`).toBe(['public', 'unlisted', 'sensitive'].includes(state) ? 'OK' : 'NOT_FOUND');
    }
    expect((await feed('other').image({ imageId: ids.public })).likedByViewer).toBe(true);
    await feed('other').unlike({ imageId: ids.public });
    expect((await feed('other').image({ imageId: ids.public })).likeCount).toBe(0);
  });
});

describe('bad input is a BAD_REQUEST naming the field, never a 500', () => {
  const forged = {
    'a 36-character id that is not a UUID': Buffer.from(JSON.stringify(['2026-01-01T00:00:00.000Z', 'f'.repeat(36)])).toString('base64url'),
    'a date out of range': Buffer.from(JSON.stringify(['+275760-09-13T00:00:00.000Z', randomUUID()])).toString('base64url'),
    'a date that is not one': Buffer.from(JSON.stringify(['2026-02-31T00:00:00.000Z', randomUUID()])).toString('base64url'),
    'not JSON': 'bm90IGpzb24',
    'an offset of 1e300': Buffer.from('{"o":1e300}').toString('base64url'),
    'a negative offset': encodeOffset(-1),
  };

  it.each(Object.entries(forged))('a cursor with %s', async (_what, cursor) => {
    const calls = {
      'feed.latest': () => feed('other').latest({ cursor, limit: 5 }),
      'feed.user': () => feed('other').user({ username: 'olive', cursor, limit: 5 }),
      'feed.popular': () => feed('other').popular({ cursor, limit: 5 }),
      'feed.forYou': () => feed('other').forYou({ cursor, limit: 5 }),
      'upload.mine': () => upload('owner').mine({ cursor, limit: 5 }),
      'search.images': () => search('other').images({ cursor, limit: 5 }),
    };
    for (const [name, call] of Object.entries(calls)) {
      const error = await call().then(() => undefined, (e: unknown) => e);
      expect(error, name).toBeInstanceOf(TRPCError);
      expect((error as TRPCError).code, name).toBe('BAD_REQUEST');
      expect((error as TRPCError).message, name).toMatch(/^cursor: /);
    }
  });

  it('ids, limits and sign-in are checked before any query', async () => {
    expect(await codeOf(feed('other').image({ imageId: 'f'.repeat(36) }))).toBe('BAD_REQUEST');
    expect(await codeOf(feed('other').latest({ limit: 0 }))).toBe('BAD_REQUEST');
    expect(await codeOf(feed('other').latest({ limit: 1.5 }))).toBe('BAD_REQUEST');
    expect(await codeOf(feed('anonymous').forYou({ limit: 5 }))).toBe('UNAUTHORIZED');
    expect(await codeOf(feed('anonymous').like({ imageId: ids.public }))).toBe('UNAUTHORIZED');
    expect(await codeOf(feed('other').user({ username: 'nobody-here', limit: 5 }))).toBe('NOT_FOUND');
  });

  it('a page through feed.latest and back with its own cursor works', async () => {
    const first = await feed('anonymous').user({ username: 'olive', limit: 1 });
    expect(first.nextCursor).toBeNull();
    const owners = await feed('owner').user({ username: 'olive', limit: 2 });
    expect(owners.nextCursor).not.toBeNull();
    const next = await feed('owner').user({ username: 'olive', limit: 2, cursor: owners.nextCursor! });
    expect(next.items.map((item) => item.id)).not.toContain(owners.items[0]!.id);
    expect(owners.items.length + next.items.length).toBe(4);
  });
});

describe('forYou reads your own writes', () => {
  it('puts images sharing the tags of what you just liked first, before the recommender has heard of the likes, and never what you liked', async () => {
    const photos: Record<string, string[]> = {
      'Beach volleyball': ['beach', 'sport'],
      'Sunset over the harbour': ['sunset', 'harbour', 'boats'],
      'Sunset at the beach': ['sunset', 'beach'],
      'Boats at dawn': ['boats', 'dawn'],
      'Office chairs': ['office', 'chair'],
      'A cat on a sofa': ['cat', 'sofa'],
    };
    const idOf: Record<string, string> = {};
    for (const [title, tags] of Object.entries(photos)) {
      const id = randomUUID();
      await db.transaction(async (tx) => {
        await imageWrites.insertPending(tx, { id, ownerId: users.owner.id, title, description: '', visibility: 'public', originalKey: id, originalMime: 'image/jpeg', originalBytes: 1, width: 4, height: 3, tags });
        await imagePipeline.markReady(tx, id, { width: 4, height: 3, animated: false, placeholder: null, dominantColor: null, perceptualHash: null, camera: null, variants: [] });
      });
      idOf[title] = id;
      // Indexed as the indexer would; what lags here is only the likes.
      await recommender.upsertItems([(await loadIndexEntries(db, [id])).get(id)!.item]);
    }
    // The unrelated ones are the most liked, so popularity alone would put them first.
    for (const title of ['Office chairs', 'A cat on a sofa']) await feed('owner').like({ imageId: idOf[title]! });

    await feed('other').like({ imageId: idOf['Beach volleyball']! });
    await feed('other').like({ imageId: idOf['Sunset over the harbour']! });
    const { items } = await feed('other').forYou({ limit: 24 });
    const titles = items.map((item) => item.title);
    expect(titles[0]).toBe('Sunset at the beach');
    expect(titles.slice(0, 2)).toContain('Boats at dawn');
    expect(titles).not.toContain('Beach volleyball');
    expect(titles).not.toContain('Sunset over the harbour');

    // Paging walks one list: no repeats, nothing skipped.
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await feed('other').forYou({ limit: 2, cursor });
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(items.map((item) => item.id));

    // An unlike is read at once too: the image may come back.
    await feed('other').unlike({ imageId: idOf['Beach volleyball']! });
    expect((await feed('other').forYou({ limit: 24 })).items.map((item) => item.title)).toContain('Beach volleyball');
  });
});

describe('search is exact the instant visibility changes, before the engine hears of it', () => {
  it('leaves an image made private, unlisted or deleted out of hits, found and facets at once, for everyone but its owner', async () => {
    const made: string[] = [];
    for (const title of ['race one', 'race two', 'race three']) {
      const id = randomUUID();
      await db.transaction(async (tx) => {
        await imageWrites.insertPending(tx, { id, ownerId: users.owner.id, title, description: '', visibility: 'public', originalKey: id, originalMime: 'image/jpeg', originalBytes: 1, width: 4, height: 3, tags: ['racing', `only-${made.length}`] });
        await imagePipeline.markReady(tx, id, { width: 4, height: 3, animated: false, placeholder: null, dominantColor: null, perceptualHash: null, camera: null, variants: [] });
      });
      await searchIndex.upsert([(await loadIndexEntries(db, [id])).get(id)!.document]);
      made.push(id);
    }
    const facetOf = (result: { facets: { tags: Array<{ value: string; count: number }> } }, tag: string) => result.facets.tags.find((f) => f.value === tag)?.count ?? 0;
    expect((await search('anonymous').images({ tags: ['racing'], limit: 50 })).found).toBe(3);

    // The owner changes them; no indexer runs here, so the engine still holds all three as public.
    await upload('owner').update({ imageId: made[0]!, visibility: 'private' });
    await upload('owner').update({ imageId: made[1]!, visibility: 'unlisted' });
    await db.transaction((tx) => imageWrites.markDeleted(tx, made[2]!).then(() => imageWrites.requestReindex(tx, made[2]!)));

    for (const who of ['anonymous', 'other'] as const) {
      const result = await search(who).images({ tags: ['racing'], limit: 50 });
      expect(result.hits, who).toEqual([]);
      expect(result.found, who).toBe(0);
      expect(facetOf(result, 'racing'), who).toBe(0);
      expect(facetOf(result, 'only-0'), who).toBe(0);
    }
    // The owner still finds their private and unlisted ones (the engine's copy says public: still theirs).
    const own = await search('owner').images({ tags: ['racing'], limit: 50 });
    expect(own.hits.map((hit) => hit.id).sort()).toEqual([made[0], made[1]].sort());

    // Once the indexer has run, the engine agrees and the pending marks are gone.
    const { createIndexImageHandler } = await import('@glimpse/image-jobs');
    const handler = createIndexImageHandler({ db, searchIndex, recommender, logger: silentLogger });
    for (const id of made) await handler({ id: `job-${id}`, queue: 'index-images', payload: { imageId: id }, attempt: 1, maxAttempts: 1, isLastAttempt: true });
    expect(await imageReads.unsearchableChanges(db, null)).not.toEqual(expect.arrayContaining([made[0]]));
    expect((await search('anonymous').images({ tags: ['racing'], limit: 50 })).found).toBe(0);
  });
});

describe('camera facts and the words in a photo are fields of the image, never tags', () => {
  /** A ready image as the processor and tagger leave it: EXIF camera facts, OCR text, machine labels. */
  async function photo(visibility: Visibility, camera: Record<string, string> | null, text: string) {
    const id = randomUUID();
    await db.transaction(async (tx) => {
      await imageWrites.insertPending(tx, {
        id, ownerId: users.owner.id, title: 'Shop sign', description: '', visibility, originalKey: `originals/${id}`,
        originalMime: 'image/jpeg', originalBytes: 1000, width: 40, height: 30, tags: ['exif-test'],
      });
      await imagePipeline.markReady(tx, id, { width: 40, height: 30, animated: false, placeholder: null, dominantColor: null, perceptualHash: null, camera, variants: [] });
      await imagePipeline.saveTagging(tx, id, { tags: new Map([['sign', 0.9]]), moderation: 'safe', analysis: { text } });
    });
    await searchIndex.upsert([(await loadIndexEntries(db, [id])).get(id)!.document]);
    return id;
  }
  let iphone: string;
  let canon: string;
  let plain: string;
  beforeAll(async () => {
    iphone = await photo('public', { make: 'Apple', model: 'iPhone 12', lens: 'iPhone 12 back camera 4.2mm f/1.6', takenAt: '2024-05-06T07:08:09+02:00' }, 'OPEN 24 HOURS');
    canon = await photo('private', { make: 'Canon', model: 'Canon EOS 5D' }, '');
    plain = await photo('public', {}, '   ');
  });

  it('feed.image answers camera (make, model, lens, takenAt, label) and text to those who may see the image', async () => {
    for (const who of ['owner', 'other', 'anonymous'] as const) {
      const detail = await feed(who).image({ imageId: iphone });
      expect(detail.camera, who).toEqual({
        make: 'Apple', model: 'iPhone 12', lens: 'iPhone 12 back camera 4.2mm f/1.6', takenAt: '2024-05-06T07:08:09+02:00', label: 'Apple iPhone 12',
      });
      expect(detail.text, who).toBe('OPEN 24 HOURS');
      expect(detail.tags.map((tag) => tag.tag).sort(), who).toEqual(['exif-test', 'sign']);
    }
    expect(await feed('owner').image({ imageId: canon })).toMatchObject({ camera: { make: 'Canon', model: 'Canon EOS 5D', lens: null, takenAt: null, label: 'Canon EOS 5D' }, text: null });
    expect(await codeOf(feed('other').image({ imageId: canon }))).toBe('NOT_FOUND');
    expect(await codeOf(feed('anonymous').image({ imageId: canon }))).toBe('NOT_FOUND');
    expect(await feed('anonymous').image({ imageId: plain })).toMatchObject({ camera: null, text: null });
  });

  it('search.images filters by camera and counts the camera facet over what the viewer may see only', async () => {
    const cameraFacet = async (who: Who) => (await search(who).images({ tags: ['exif-test'], limit: 50 })).facets.camera;
    expect(await cameraFacet('anonymous')).toEqual([{ value: 'Apple iPhone 12', count: 1 }]);
    expect(await cameraFacet('other')).toEqual([{ value: 'Apple iPhone 12', count: 1 }]);
    expect(await cameraFacet('owner')).toEqual([
      { value: 'Apple iPhone 12', count: 1 },
      { value: 'Canon EOS 5D', count: 1 },
    ]);
    expect((await search('anonymous').images({ camera: ['apple iphone 12'] })).hits.map((hit) => hit.id)).toEqual([iphone]);
    expect((await search('anonymous').images({ camera: 'Canon EOS 5D' })).found).toBe(0);
    expect((await search('owner').images({ camera: 'Canon EOS 5D, Apple iPhone 12' })).hits.map((hit) => hit.id).sort()).toEqual([iphone, canon].sort());
    // Never a tag: not among the tag facets, not found by a tag named for the maker.
    const all = await search('owner').images({ tags: ['exif-test'], limit: 50 });
    expect(all.facets.tags.some((facet) => /apple|iphone|canon/.test(facet.value))).toBe(false);
    expect((await search('owner').images({ tags: ['apple'] })).found).toBe(0);
  });

  it('refuses too many cameras or a camera name too long, naming the field', async () => {
    for (const camera of [Array.from({ length: 21 }, (_, i) => `Camera ${i}`), ['x'.repeat(101)], Array.from({ length: 21 }, (_, i) => `C${i}`).join(',')]) {
      const error = await search('anonymous').images({ camera }).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(TRPCError);
      expect((error as TRPCError).code).toBe('BAD_REQUEST');
      const issues = ((error as TRPCError).cause as { issues?: Array<{ path: PropertyKey[] }> } | undefined)?.issues ?? [];
      expect(issues.map((issue) => issue.path[0])).toEqual(['camera']);
    }
  });
});
