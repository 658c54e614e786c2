import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, migrations, openPostgres, type Database } from '@glimpse/database';
import { describeDatabaseContract } from './contract';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is not set: the stack tier runs against a live PostgreSQL (scripts/stack/test.sh starts one)');

/** A database of its own per run, so the stack tier can be re-run on the same server. */
async function freshDatabase(): Promise<string> {
  const admin = openPostgres({ url: url!, poolSize: 1 });
  const name = `glimpse_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.close();
  const target = new URL(url!);
  target.pathname = `/${name}`;
  return target.toString();
}

let contractUrl = '';
beforeAll(async () => {
  contractUrl = await freshDatabase();
});

describeDatabaseContract('PostgreSQL (pg, SERIALIZABLE)', async () => openPostgres({ url: contractUrl || (contractUrl = await freshDatabase()) }));

describe('PostgreSQL under contention', () => {
  let dbUrl: string;
  let db: Database;
  beforeAll(async () => {
    dbUrl = await freshDatabase();
    db = openPostgres({ url: dbUrl, poolSize: 20 });
  });
  afterAll(() => db.close());

  it('runs migrations from several replicas starting at once', async () => {
    const replicas = Array.from({ length: 4 }, () => openPostgres({ url: dbUrl, poolSize: 2 }));
    const applied = await Promise.all(replicas.map((replica) => migrate(replica)));
    await Promise.all(replicas.map((replica) => replica.close()));
    // Each migration is recorded by exactly one of them; all of them end migrated.
    expect(applied.flat().sort()).toEqual(migrations.map((m) => m.id).sort());
    expect(await migrate(db)).toEqual([]);
  });

  it('keeps a like counter exact under 40 concurrent SERIALIZABLE updates of one row, by retrying', async () => {
    const [owner] = await db.query<{ id: string }>(`INSERT INTO users (email, username, password_hash) VALUES ('o@example.com', 'owner', 'x') RETURNING id`);
    const imageId = randomUUID();
    await db.query(
      `INSERT INTO images (id, owner_id, visibility, status, original_key, original_mime, original_bytes) VALUES ($1, $2, 'public', 'ready', 'k', 'image/jpeg', 1)`,
      [imageId, owner!.id],
    );
    const likers = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => (await db.query<{ id: string }>(`INSERT INTO users (email, username, password_hash) VALUES ($1, $2, 'x') RETURNING id`, [`l${i}@example.com`, `liker_${i}`]))[0]!.id),
    );
    const retriesBefore = db.stats.serializationRetries;
    // The same read-modify-write the feed service's like does.
    await Promise.all(
      likers.map((userId) =>
        db.transaction(async (tx) => {
          const [image] = await tx.query<{ like_count: number }>('SELECT like_count FROM images WHERE id = $1', [imageId]);
          await tx.query('INSERT INTO likes (user_id, image_id) VALUES ($1, $2)', [userId, imageId]);
          await tx.query('UPDATE images SET like_count = $2 WHERE id = $1', [imageId, image!.like_count + 1]);
        }),
      ),
    );
    const [after] = await db.query<{ like_count: number; likes: number }>(
      'SELECT like_count, (SELECT count(*) FROM likes WHERE image_id = $1) AS likes FROM images WHERE id = $1',
      [imageId],
    );
    expect(after).toEqual({ like_count: 40, likes: 40 });
    expect(db.stats.serializationRetries - retriesBefore, 'no transaction had to retry, so the retry path was not exercised').toBeGreaterThan(0);
  });
});
