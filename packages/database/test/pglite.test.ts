import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { migrate, openPglite, openPgliteThread } from '@glimpse/database';
import { describeDatabaseContract } from './contract';

const directory = mkdtempSync(join(tmpdir(), 'glimpse-pglite-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describeDatabaseContract('PGlite (embedded)', () => openPglite(join(directory, 'contract')));
describeDatabaseContract('PGlite on its own thread (the all-in-one)', () => openPgliteThread(join(directory, 'contract-thread')));

describe('PGlite on its own thread', () => {
  it('keeps the event loop answering while a long query runs', async () => {
    const db = await openPgliteThread();
    try {
      const delay = monitorEventLoopDelay({ resolution: 5 });
      delay.enable();
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 10);
      const started = performance.now();
      // About a second of work inside the database.
      const [row] = await db.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM generate_series(1, 3000000) a WHERE md5(a::text) LIKE 'a%'`);
      const took = performance.now() - started;
      clearInterval(ticker);
      delay.disable();
      expect(row!.n).toBeGreaterThan(150_000);
      expect(took, 'the query should take long enough to matter').toBeGreaterThan(200);
      // On the main thread this query would be one stall as long as the query itself.
      expect(delay.max / 1e6, 'longest event-loop stall (ms) while the query ran').toBeLessThan(took / 2);
      expect(ticks, 'timer ticks while the query ran').toBeGreaterThan(took / 10 / 4);
    } finally {
      await db.close();
    }
  });

  it('keeps queries outside a transaction waiting until it ends, as one connection does', async () => {
    const db = await openPgliteThread();
    try {
      await db.query('CREATE TABLE counters (n int)');
      const order: string[] = [];
      const tx = db.transaction(async (t) => {
        await t.query('INSERT INTO counters VALUES (1)');
        order.push('tx inserted');
        await new Promise((resolve) => setTimeout(resolve, 50));
        await t.query('INSERT INTO counters VALUES (2)');
        order.push('tx done');
      });
      await new Promise((resolve) => setTimeout(resolve, 10));
      const outside = db.query<{ n: number }>('SELECT count(*)::int8 AS n FROM counters').then(([r]) => order.push(`outside saw ${r!.n}`));
      await Promise.all([tx, outside]);
      expect(order).toEqual(['tx inserted', 'tx done', 'outside saw 2']);
    } finally {
      await db.close();
    }
  });

  it('reports a failed statement with its SQLSTATE and leaves nothing of the transaction behind', async () => {
    const db = await openPgliteThread();
    try {
      await db.query('CREATE TABLE t (id int PRIMARY KEY)');
      await expect(db.query('SELECT * FROM missing_table')).rejects.toMatchObject({ code: '42P01', severity: 'ERROR' });
      await expect(db.transaction(async (t) => {
        await t.query('INSERT INTO t VALUES (1)');
        await t.query('INSERT INTO t VALUES (1)');
      }, { maxAttempts: 1 })).rejects.toMatchObject({ code: '23505' });
      expect(await db.query('SELECT * FROM t')).toEqual([]);
    } finally {
      await db.close();
    }
  });
});

describe('PGlite durability', () => {
  it('keeps committed rows across close and reopen of its data directory', async () => {
    const path = join(directory, 'durable');
    const first = await openPglite(path);
    await migrate(first);
    await first.query(`INSERT INTO users (email, username, password_hash) VALUES ('keep@example.com', 'keeper', 'x')`);
    await first.close();
    const second = await openPglite(path);
    expect(await second.query('SELECT username FROM users')).toEqual([{ username: 'keeper' }]);
    await expect(second.ping()).resolves.toBeUndefined();
    await second.close();
    await expect(second.ping()).rejects.toThrow(/closed/);
  });
});
