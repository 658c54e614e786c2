import { randomUUID } from 'node:crypto';
import { migrate, migrations, openPglite, type Database } from '@glimpse/database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedTagsDrift, imagePipeline, imageReads, imageWrites, type Visibility } from '../src/index';

/**
 * The feed's ranked reads at scale lean on feed_tags (derived from images and image_tags)
 * and on partial indexes: these tests hold both to what feeds show.
 */
let db: Database;
const alice = randomUUID();
const bob = randomUUID();

async function addImage(options: { owner?: string; tags: string[]; visibility?: Visibility; hash?: string | null; minutesAgo?: number; ready?: boolean }) {
  const id = randomUUID();
  await db.transaction(async (tx) => {
    await imageWrites.insertPending(tx, {
      id, ownerId: options.owner ?? alice, title: options.tags.join(' '), description: '', visibility: options.visibility ?? 'public',
      originalKey: id, originalMime: 'image/jpeg', originalBytes: 1, width: 4, height: 3, tags: options.tags,
    });
    if (options.ready === false) return;
    await imagePipeline.markReady(tx, id, { width: 4, height: 3, animated: false, placeholder: null, dominantColor: null, perceptualHash: options.hash ?? null, camera: null, variants: [] });
  });
  if (options.minutesAgo) {
    await db.query(`UPDATE images SET created_at = now() - $2 * interval '1 minute' WHERE id = $1`, [id, options.minutesAgo]);
    await db.query(`UPDATE feed_tags SET created_at = (SELECT created_at FROM images WHERE id = $1) WHERE image_id = $1`, [id]);
  }
  return id;
}

beforeAll(async () => {
  db = await openPglite();
  await migrate(db);
  for (const [id, name] of [[alice, 'alice'], [bob, 'bob']] as const) {
    await db.query(`INSERT INTO users (id, email, username, password_hash) VALUES ($1, $2, $3, 'x')`, [id, `${name}@example.com`, name]);
  }
});
afterAll(() => db?.close());

describe('feed_tags stays in step with what feeds may list', () => {
  it('through upload, processing, tagging, likes, edits, moderation, deletion and purge', async () => {
    const drift = () => feedTagsDrift(db);
    const id = await addImage({ tags: ['harbour', 'boats'], ready: false });
    expect(await drift()).toEqual([]);
    await db.transaction((tx) => imagePipeline.markReady(tx, id, { width: 4, height: 3, animated: false, placeholder: null, dominantColor: null, perceptualHash: null, camera: null, variants: [] }));
    expect((await db.query('SELECT tag FROM feed_tags WHERE image_id = $1 ORDER BY tag', [id])).map((r) => r.tag)).toEqual(['boats', 'harbour']);
    await db.transaction((tx) => imageWrites.setLike(tx, bob, id, true));
    expect(await drift()).toEqual([]);
    await db.transaction((tx) => imagePipeline.saveTagging(tx, id, { tags: new Map([['water', 0.9], ['boats', 0.8]]), moderation: 'safe', analysis: {} }));
    expect((await db.query('SELECT tag, like_count FROM feed_tags WHERE image_id = $1 ORDER BY tag', [id]))).toEqual([
      { tag: 'boats', like_count: 1 }, { tag: 'harbour', like_count: 1 }, { tag: 'water', like_count: 1 },
    ]);
    await db.transaction((tx) => imageWrites.updateDetails(tx, id, { tags: ['sunset'] }));
    expect(await drift()).toEqual([]);
    for (const visibility of ['unlisted', 'public', 'private', 'public'] as const) {
      await db.transaction((tx) => imageWrites.updateDetails(tx, id, { visibility }));
      expect(await drift(), visibility).toEqual([]);
    }
    await db.transaction((tx) => imagePipeline.saveTagging(tx, id, { tags: new Map(), moderation: 'sensitive', analysis: {} }));
    expect(await db.query('SELECT 1 FROM feed_tags WHERE image_id = $1', [id])).toEqual([]);
    await db.transaction((tx) => imagePipeline.saveTagging(tx, id, { tags: new Map([['water', 0.9]]), moderation: 'safe', analysis: {} }));
    await db.transaction((tx) => imageWrites.setLike(tx, bob, id, false));
    expect(await drift()).toEqual([]);
    await db.transaction((tx) => imagePipeline.markProcessing(tx, id));
    expect(await db.query('SELECT 1 FROM feed_tags WHERE image_id = $1', [id])).toEqual([]);
    const other = await addImage({ tags: ['harbour'] });
    await db.transaction((tx) => imageWrites.markDeleted(tx, other));
    expect(await drift()).toEqual([]);
    await db.transaction((tx) => imageWrites.purge(tx, other));
    expect(await drift()).toEqual([]);
  });

  it('is filled by the migration on a database that already holds images (an upgrade)', async () => {
    const old = await openPglite();
    try {
      await old.query('CREATE TABLE schema_migrations (id TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
      for (const migration of migrations.filter((m) => m.id < '0009')) {
        for (const statement of migration.statements) await old.query(statement);
        await old.query('INSERT INTO schema_migrations (id) VALUES ($1)', [migration.id]);
      }
      await old.query(`INSERT INTO users (id, email, username, password_hash) VALUES ($1, 'a@example.com', 'a', 'x')`, [alice]);
      for (const [n, visibility, status] of [[1, 'public', 'ready'], [2, 'private', 'ready'], [3, 'public', 'pending']] as const) {
        await old.query(
          `INSERT INTO images (id, owner_id, visibility, status, original_key, original_mime, original_bytes, like_count) VALUES ($1, $2, $3, $4, 'k', 'image/jpeg', 1, $5)`,
          [`00000000-0000-0000-0000-00000000000${n}`, alice, visibility, status, n * 10],
        );
        await old.query(`INSERT INTO image_tags (image_id, source, tag) VALUES ($1, 'user', 'cat'), ($1, 'machine', 'cat'), ($1, 'machine', 'sofa')`, [`00000000-0000-0000-0000-00000000000${n}`]);
      }
      expect(await migrate(old)).toContain('0009_feed_indexes');
      expect(await old.query('SELECT image_id, tag, like_count FROM feed_tags ORDER BY tag')).toEqual([
        { image_id: '00000000-0000-0000-0000-000000000001', tag: 'cat', like_count: 10 },
        { image_id: '00000000-0000-0000-0000-000000000001', tag: 'sofa', like_count: 10 },
      ]);
      expect(await feedTagsDrift(old)).toEqual([]);
    } finally {
      await old.close();
    }
  });
});

describe('ranked reads', () => {
  it('forYou\'s fresh tastes rank by shared tags, then likes, and reach past a common tag\'s first candidates', async () => {
    // 60 images tagged "outdoor" (more than a tag offers as candidates), liked more than the one that matters.
    const crowd: string[] = [];
    for (let n = 0; n < 60; n++) crowd.push(await addImage({ tags: ['outdoor', `crowd-${n}`] }));
    for (const id of crowd) await db.query('UPDATE images SET like_count = 50 WHERE id = $1', [id]);
    await db.query('UPDATE feed_tags SET like_count = 50 WHERE image_id = ANY($1::uuid[])', [crowd]);
    const liked = await addImage({ tags: ['outdoor', 'kingfisher', 'river'] });
    const best = await addImage({ tags: ['outdoor', 'kingfisher', 'river'] }); // shares three, no likes
    const good = await addImage({ tags: ['kingfisher'] });
    const own = await addImage({ owner: bob, tags: ['kingfisher', 'river'] });
    const hidden = await addImage({ tags: ['kingfisher', 'river'], visibility: 'unlisted' });
    await db.transaction((tx) => imageWrites.setLike(tx, bob, liked, true));

    const ids = await imageReads.likedTagAffinity(db, bob, 1800, 100);
    expect(ids[0]).toBe(best);
    // One shared tag each: the liked crowd before the unliked kingfisher.
    expect(ids.indexOf(good)).toBeGreaterThan(ids.indexOf(crowd[0]!));
    for (const never of [liked, own, hidden]) expect(ids).not.toContain(never);
    expect((await imageReads.likedTagAffinity(db, bob, 1800, 5))[0]).toBe(best);
    // Likes older than the window do not count.
    expect(await imageReads.likedTagAffinity(db, alice, 1800, 5)).toEqual([]);
  });

  it('similar finds the re-encoded photo by its hash, the burst beside it, and shared tags, never what feeds may not list', async () => {
    const original = await addImage({ tags: ['lighthouse', 'coast'], hash: '0123456789abcdef', minutesAgo: 100 });
    const reencoded = await addImage({ owner: bob, tags: [], hash: '0123456789abcdee', minutesAgo: 5000 }); // 1 bit apart, someone else's, long ago
    const burst = await addImage({ tags: [], hash: 'f12345678fabcdef', minutesAgo: 101 }); // a few bits off in two quarters: found as the owner's neighbour in time
    const tagged = await addImage({ tags: ['lighthouse', 'coast'], hash: 'ffffffffffffffff' });
    const privateTwin = await addImage({ tags: ['lighthouse', 'coast'], hash: '0123456789abcdef', visibility: 'private' });
    const [row] = await db.query<{ id: string; perceptual_hash: string; owner_id: string; created_at: Date }>('SELECT id, perceptual_hash, owner_id, created_at FROM images WHERE id = $1', [original]);
    const score = new Map<string, number>();
    await imageReads.scoreSimilar(db, row!, score);
    const ranked = [...score.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
    expect(ranked.slice(0, 3)).toEqual([reencoded, burst, tagged]);
    expect(ranked).not.toContain(privateTwin);
    expect(ranked).not.toContain(original);
  });
});

describe('each feed query is served by its index', () => {
  const plan = async (sql: string, params: unknown[] = []) => {
    await db.query('SET enable_seqscan = off');
    try {
      return (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params)).map((row) => row['QUERY PLAN']).join('\n');
    } finally {
      await db.query('SET enable_seqscan = on');
    }
  };
  it('latest, most liked, a user\'s latest likes, hash quarters and a tag\'s most liked', async () => {
    const { visibleWhere } = await import('../src/index');
    const feed = visibleWhere('feed', null);
    expect(await plan(`SELECT i.id FROM images i WHERE ${feed} ORDER BY i.created_at DESC, i.id DESC LIMIT 25`)).toContain('images_feed_latest_idx');
    expect(await plan(`SELECT i.id FROM images i WHERE ${feed} ORDER BY i.like_count DESC, i.created_at DESC, i.id DESC LIMIT 25`)).toContain('images_feed_most_liked_idx');
    expect(await plan(`SELECT i.id FROM images i WHERE ${feed} AND substr(i.perceptual_hash, 5, 4) = '4567'`)).toContain('images_feed_hash_2_idx');
    expect(await plan(`SELECT image_id FROM likes WHERE user_id = $1 AND created_at > now() - interval '1 hour' ORDER BY created_at DESC LIMIT 20`, [bob])).toContain('likes_user_recent_idx');
    expect(await plan(`SELECT image_id FROM feed_tags WHERE tag = 'cat' ORDER BY like_count DESC, created_at DESC, image_id DESC LIMIT 48`)).toContain('feed_tags_ranked_idx');
  });
});
