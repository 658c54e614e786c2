import { mkdirSync } from 'node:fs';
import { PGlite, types } from '@electric-sql/pglite';
import type { Database, DatabaseStats, Queryable, TransactionOptions } from './database';
import { retrySerializable } from './database';

/**
 * Embedded PostgreSQL (PGlite, Postgres compiled to WASM). A single connection, so
 * transactions run one at a time; they still run at SERIALIZABLE so the SQL behaves as it
 * will on CockroachDB. Data lives in `dataDir` and survives restarts.
 */
export async function openPglite(dataDir?: string): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pg = new PGlite(dataDir, { parsers: { [types.INT8]: (value: string) => Number(value) } });
  await pg.waitReady;
  await pg.exec(`SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE`);

  const query = async <Row>(runner: Pick<PGlite, 'query'>, sql: string, params?: readonly unknown[]) =>
    (await runner.query<Row>(sql, params as unknown[] | undefined)).rows;

  let closed = false;
  const stats: DatabaseStats = { serializationRetries: 0 };
  return {
    stats,
    kind: 'pglite',
    query: (sql, params) => query(pg, sql, params),
    transaction<T>(work: (tx: Queryable) => Promise<T>, options?: TransactionOptions) {
      return retrySerializable(
        () => pg.transaction((tx) => work({ query: (sql, params) => query(tx, sql, params) })),
        options?.maxAttempts,
        undefined,
        stats,
      );
    },
    async ping() {
      if (closed) throw new Error('The embedded database is closed');
      await pg.query('SELECT 1');
    },
    async close() {
      if (closed) return;
      closed = true;
      await pg.close();
    },
  };
}
