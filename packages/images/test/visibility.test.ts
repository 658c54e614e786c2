import { randomUUID } from 'node:crypto';
import { migrate, openPglite, type Database } from '@glimpse/database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { albumVisibleWhere, albumWrites, imageModeration, imagePipeline, imageWrites, isAlbumVisible, isVisible, visibleWhere, type AlbumAudience, type Audience, type ImageStatus, type Visibility } from '../src/index';

/**
 * The visibility rule in its two forms, JavaScript over a row and SQL over the table, must
 * give the same answer for every combination of state, viewer and audience: a feed, a
 * search re-check and a static file may use either.
 */
let db: Database;
const owner = randomUUID();
const stranger = randomUUID();
interface Case {
  id: string;
  visibility: Visibility;
  status: ImageStatus;
  moderation: string | null;
  hidden: boolean;
  deleted: boolean;
}
const cases: Case[] = [];

beforeAll(async () => {
  db = await openPglite();
  await migrate(db);
  for (const [id, name] of [[owner, 'owner'], [stranger, 'stranger']]) {
    await db.query(`INSERT INTO users (id, email, username, password_hash) VALUES ($1, $2, $3, 'x')`, [id, `${name}@example.com`, name]);
  }
  for (const visibility of ['public', 'unlisted', 'private'] as const) {
    for (const status of ['pending', 'ready', 'failed'] as const) {
      // 'approved' and 'hidden': an admin's review of an image the tagger labelled sensitive.
      for (const label of [null, 'safe', 'sensitive', 'approved', 'hidden']) {
        for (const deleted of [false, true]) {
          const id = randomUUID();
          await db.transaction(async (tx) => {
            await imageWrites.insertPending(tx, { id, ownerId: owner, title: '', description: '', visibility, originalKey: id, originalMime: 'image/png', originalBytes: 1, width: 1, height: 1, tags: [] });
            if (status === 'ready') await imagePipeline.markReady(tx, id, { width: 1, height: 1, animated: false, placeholder: null, dominantColor: null, perceptualHash: null, camera: null, variants: [] });
            if (status === 'failed') await imagePipeline.markFailed(tx, id, 'test');
            if (label) await imagePipeline.saveTagging(tx, id, { tags: new Map(), moderation: label === 'safe' ? 'safe' : 'sensitive', analysis: {} });
            if (label === 'approved' || label === 'hidden') await imageModeration.review(tx, id, label === 'approved' ? 'approve' : 'hide', stranger);
            if (deleted) await imageWrites.markDeleted(tx, id);
          });
          const moderation = label === 'approved' ? 'approved' : label === 'hidden' ? 'sensitive' : label;
          cases.push({ id, visibility, status, moderation, hidden: label === 'hidden', deleted });
        }
      }
    }
  }
});
afterAll(() => db?.close());

describe('one visibility rule', () => {
  const audiences: Audience[] = ['feed', 'listed', 'link'];
  it.each(audiences.flatMap((audience) => (['owner', 'stranger', 'anonymous'] as const).map((who) => [audience, who] as const)))(
    'SQL and JavaScript agree for %s as %s over all 90 states',
    async (audience, who) => {
      const viewerId = who === 'owner' ? owner : who === 'stranger' ? stranger : null;
      const sql = viewerId === null ? visibleWhere(audience, null) : visibleWhere(audience, '$1');
      const rows = await db.query<{ id: string }>(`SELECT i.id FROM images i WHERE ${sql}`, viewerId === null ? [] : [viewerId]);
      const bySql = new Set(rows.map((row) => row.id));
      for (const c of cases) {
        const byJs = isVisible({ owner_id: owner, visibility: c.visibility, status: c.status, moderation: c.moderation, hidden: c.hidden, deleted: c.deleted }, viewerId, audience);
        expect(bySql.has(c.id), `${JSON.stringify(c)} for ${who} in ${audience}`).toBe(byJs);
      }
      expect(bySql.size).toBeGreaterThan(0);
    },
  );

  it('says what people expect of each audience', () => {
    const ready = { owner_id: owner, status: 'ready' as const };
    expect(isVisible({ ...ready, visibility: 'private' }, owner, 'feed')).toBe(true);
    expect(isVisible({ ...ready, visibility: 'private' }, stranger, 'link')).toBe(false);
    expect(isVisible({ ...ready, visibility: 'unlisted' }, stranger, 'link')).toBe(true);
    expect(isVisible({ ...ready, visibility: 'unlisted' }, stranger, 'listed')).toBe(false);
    expect(isVisible({ ...ready, visibility: 'public', moderation: 'sensitive' }, null, 'feed')).toBe(false);
    expect(isVisible({ ...ready, visibility: 'public', moderation: 'sensitive' }, null, 'listed')).toBe(true);
    expect(isVisible({ ...ready, visibility: 'public', deleted: true }, owner, 'link')).toBe(false);
    expect(isVisible({ ...ready, visibility: 'public', moderation: 'approved' }, null, 'feed')).toBe(true);
    expect(isVisible({ ...ready, visibility: 'public', moderation: 'sensitive', hidden: true }, stranger, 'link')).toBe(false);
    expect(isVisible({ ...ready, visibility: 'public', moderation: 'sensitive', hidden: true }, null, 'listed')).toBe(false);
    expect(isVisible({ ...ready, visibility: 'public', moderation: 'sensitive', hidden: true }, owner, 'feed')).toBe(true);
    expect(isVisible({ owner_id: owner, status: 'processing', visibility: 'public' }, owner, 'link')).toBe(false);
  });

  it.each((['listed', 'link'] as AlbumAudience[]).flatMap((audience) => (['owner', 'stranger', 'anonymous'] as const).map((who) => [audience, who] as const)))(
    'albums: SQL and JavaScript agree for %s as %s',
    async (audience, who) => {
      const viewerId = who === 'owner' ? owner : who === 'stranger' ? stranger : null;
      const albums = new Map<string, Visibility>();
      for (const visibility of ['public', 'unlisted', 'private'] as const) {
        const id = randomUUID();
        await albumWrites.create(db, { id, ownerId: owner, title: visibility, description: '', visibility });
        albums.set(id, visibility);
      }
      const rows = await db.query<{ id: string }>(`SELECT a.id FROM albums a WHERE a.id = ANY($2::uuid[]) AND ${albumVisibleWhere(audience, '$1')}`, [viewerId, [...albums.keys()]]);
      const bySql = new Set(rows.map((row) => row.id));
      for (const [id, visibility] of albums) expect(bySql.has(id), `${visibility} album for ${who} (${audience})`).toBe(isAlbumVisible({ owner_id: owner, visibility }, viewerId, audience));
      expect(bySql.size).toBe(who === 'owner' ? 3 : audience === 'link' ? 2 : 1);
    },
  );
});
