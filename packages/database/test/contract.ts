import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, migrations, type Database, type Queryable } from '@glimpse/database';

/**
 * What every database adapter must do, run against each one (PGlite in `npm test`, real
 * PostgreSQL at SERIALIZABLE in the stack tier), so the embedded default cannot drift
 * from production.
 */
export function describeDatabaseContract(name: string, open: () => Promise<Database>) {
  describe(`database contract: ${name}`, () => {
    let db: Database;
    beforeAll(async () => {
      db = await open();
      await migrate(db);
    });
    afterAll(() => db.close());

    const newUser = async (tx: Queryable = db) => {
      const tag = randomUUID().slice(0, 8);
      const [row] = await tx.query<{ id: string }>(
        `INSERT INTO users (email, username, password_hash) VALUES ($1, $2, 'x') RETURNING id`,
        [`${tag}@example.com`, `u_${tag}`],
      );
      return row!.id;
    };

    it('migrates idempotently: a second run applies nothing and every migration is recorded', async () => {
      expect(await migrate(db)).toEqual([]);
      const recorded = await db.query<{ id: string }>('SELECT id FROM schema_migrations ORDER BY id');
      expect(recorded.map((r) => r.id)).toEqual(migrations.map((m) => m.id).sort());
    });

    it('returns the same JavaScript shapes: uuid and text as strings, INT8 as numbers, timestamptz as Date, jsonb as objects', async () => {
      const [row] = await db.query<Record<string, unknown>>(
        `SELECT gen_random_uuid() AS id, 'x'::text AS t, 9007199254740::INT8 AS big, count(*) AS n,
                '2026-01-02T03:04:05.678Z'::timestamptz AS at, '{"a":[1,"b"]}'::jsonb AS doc, true AS flag
         FROM (SELECT 1) AS one`,
      );
      expect(row).toMatchObject({ t: 'x', big: 9007199254740, n: 1, doc: { a: [1, 'b'] }, flag: true });
      expect(row!.id).toMatch(/^[0-9a-f-]{36}$/);
      expect((row!.at as Date).toISOString()).toBe('2026-01-02T03:04:05.678Z');
    });

    it('binds arrays for ANY($1::uuid[]) and keyset comparisons on (timestamptz, uuid)', async () => {
      const ids = [await newUser(), await newUser()];
      const found = await db.query<{ id: string }>('SELECT id FROM users WHERE id = ANY($1::uuid[])', [ids]);
      expect(found.map((r) => r.id).sort()).toEqual([...ids].sort());
      const [cmp] = await db.query<{ before: boolean }>(`SELECT ($1::timestamptz, $2::uuid) < ($3::timestamptz, $4::uuid) AS before`, [
        new Date('2026-01-01T00:00:00.000Z'), ids[0], new Date('2026-01-01T00:00:00.001Z'), ids[0],
      ]);
      expect(cmp!.before).toBe(true);
    });

    it('commits a transaction as a whole, and rolls it back as a whole when it throws', async () => {
      const kept = await db.transaction(async (tx) => newUser(tx));
      expect(await db.query('SELECT 1 FROM users WHERE id = $1', [kept])).toHaveLength(1);
      let lost = '';
      await expect(
        db.transaction(async (tx) => {
          lost = await newUser(tx);
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      expect(await db.query('SELECT 1 FROM users WHERE id = $1', [lost])).toHaveLength(0);
    });

    it('runs transactions at SERIALIZABLE', async () => {
      const level = await db.transaction((tx) => tx.query<{ transaction_isolation: string }>('SHOW transaction_isolation'));
      expect(level[0]!.transaction_isolation).toBe('serializable');
    });

    it('re-runs a transaction that failed with SQLSTATE 40001, and only its last run counts', async () => {
      const retriesBefore = db.stats.serializationRetries;
      let runs = 0;
      const created: string[] = [];
      const id = await db.transaction(async (tx) => {
        runs++;
        const userId = await newUser(tx);
        created.push(userId);
        if (runs < 3) throw Object.assign(new Error('could not serialize access'), { code: '40001' });
        return userId;
      });
      expect(runs).toBe(3);
      expect(db.stats.serializationRetries - retriesBefore).toBe(2);
      const survivors = await db.query<{ id: string }>('SELECT id FROM users WHERE id = ANY($1::uuid[])', [created]);
      expect(survivors.map((r) => r.id)).toEqual([id]);
    });

    it('gives up after the bound and reports the serialization failure', async () => {
      const failing = db.transaction(async () => {
        throw Object.assign(new Error('could not serialize access'), { code: '40001' });
      }, { maxAttempts: 3 });
      await expect(failing).rejects.toMatchObject({ code: '40001' });
    });

    it('reports unique violations with the constraint name', async () => {
      const [user] = await db.query<{ email: string }>('SELECT email FROM users LIMIT 1');
      const duplicate = db.query(`INSERT INTO users (email, username, password_hash) VALUES ($1, 'someone_else', 'x')`, [user!.email]);
      await expect(duplicate).rejects.toMatchObject({ code: '23505' });
      await duplicate.catch((error: { constraint?: string; message: string }) => expect(error.constraint ?? error.message).toContain('users_email_key'));
    });

    it('answers ping while open', async () => {
      await expect(db.ping()).resolves.toBeUndefined();
    });
  });
}
