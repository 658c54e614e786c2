import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite, types } from '@electric-sql/pglite';
import { fuzzystrmatch } from '@electric-sql/pglite/contrib/fuzzystrmatch';
import type { Database, DatabaseStats, Queryable, TransactionOptions } from './database';
import { retrySerializable } from './database';

/**
 * Embedded PostgreSQL (PGlite, Postgres compiled to WASM). A single connection, so
 * transactions run one at a time; they still run at SERIALIZABLE so the SQL behaves as it
 * will on CockroachDB. Data lives in `dataDir` and survives restarts.
 */
export async function openPglite(dataDir?: string): Promise<Database> {
  if (dataDir) preparePgliteDir(dataDir);
  // fuzzystrmatch: levenshtein() for search in the database (migration 0004), as on PostgreSQL.
  // 'memory://' rather than undefined: with no data dir PGlite would ignore these options.
  const pg = new PGlite(dataDir ?? 'memory://', { parsers: { [types.INT8]: (value: string) => Number(value) }, extensions: { fuzzystrmatch } });
  await pg.waitReady;
  // PGlite's file system layer creates files 0666 and directories 0777 (less the umask):
  // the database is private, so only its owner may read or write it.
  if (dataDir) restrictToOwner(dataDir);
  await pg.exec(`SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE`);

  const query = async <Row>(runner: Pick<PGlite, 'query'>, sql: string, params?: readonly unknown[]) =>
    (await runner.query<Row>(sql, params as unknown[] | undefined)).rows;

  let closed = false;
  const stats: DatabaseStats = { serializationRetries: 0 };
  return {
    stats,
    kind: 'pglite',
    // No replica: reads that may lag read the primary.
    get replica(): Queryable {
      return this as Queryable;
    },
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

/** The data directory, private to its owner from the start. */
export function preparePgliteDir(dataDir: string) {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
}

/** Directories 0700, files 0600, all the way down (PGlite keeps a few hundred files). */
export function restrictToOwner(path: string) {
  chmodSync(path, 0o700);
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) restrictToOwner(child);
    else if (entry.isFile()) chmodSync(child, 0o600);
  }
}
