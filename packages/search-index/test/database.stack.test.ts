import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, openPostgres, type Database } from '@glimpse/database';
import { createDatabaseSearchIndex } from '@glimpse/search-index';
import { describeSearchIndexContract, doc } from './contract';
import { describeSearchQuality } from './quality';

/**
 * The shared suites against search in the database on a live PostgreSQL at SERIALIZABLE
 * (CockroachDB's stand-in), as packages/database runs its contract. The stack tier
 * (scripts/stack/test.sh) starts PostgreSQL and sets DATABASE_URL; without it they are skipped.
 */
const url = process.env.DATABASE_URL;
const title = url
  ? 'search in a live PostgreSQL'
  : 'search in a live PostgreSQL — SKIPPED: DATABASE_URL is not set (run `npm run test:stack`, which starts PostgreSQL and sets it)';

/** A database of its own per suite and run, dropped afterwards, so the tier can be re-run on the same server. */
const created: string[] = [];
const opened: Database[] = [];
async function freshDatabase(): Promise<Database> {
  const admin = openPostgres({ url: url!, poolSize: 1 });
  const name = `glimpse_search_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.close();
  created.push(name);
  const db = openPostgres({ url: Object.assign(new URL(url!), { pathname: `/${name}` }).toString(), poolSize: 8 });
  opened.push(db);
  await migrate(db);
  return db;
}

describe.skipIf(!url)(title, () => {
  afterAll(async () => {
    await Promise.all(opened.map((db) => db.close()));
    const admin = openPostgres({ url: url!, poolSize: 1 });
    for (const name of created) await admin.query(`DROP DATABASE IF EXISTS ${name}`).catch(() => undefined);
    await admin.close();
  });

  const open = async () => createDatabaseSearchIndex({ db: await freshDatabase() });
  describeSearchIndexContract('database (PostgreSQL, SERIALIZABLE)', open);
  describeSearchQuality('database (PostgreSQL, SERIALIZABLE)', open);

  it('keeps every document and word when indexers write the same words at once', async () => {
    const db = await freshDatabase();
    const index = createDatabaseSearchIndex({ db });
    // 40 writers, each adding its own document with words nobody indexed yet: they race for the same vocabulary rows.
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => index.upsert([doc(`race-${i}`, { title: `Zephyr quokka ${i}`, tags: ['wombat', `tag${i % 4}`] })])),
    );
    expect(await index.count()).toBe(40);
    expect((await index.search({ q: 'quokka', perPage: 100 })).found).toBe(40);
    expect((await index.search({ q: 'wombet' })).found).toBe(40);
    expect(await index.suggest('tag')).toEqual([0, 1, 2, 3].map((i) => ({ kind: 'tag', value: `tag${i}`, count: 10 })));
  });
});
