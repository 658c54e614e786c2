import pg from 'pg';
import type { Database, DatabaseStats, Queryable, TransactionOptions } from './database';
import { retrySerializable } from './database';

export interface PostgresOptions {
  url: string;
  poolSize?: number;
  /** Statement timeout, so a stuck query fails instead of holding a pool slot forever. */
  statementTimeoutMs?: number;
  /**
   * A hot standby, for reads only. Its sessions run READ COMMITTED and read-only: a standby
   * refuses SERIALIZABLE, which a replica copied from a SERIALIZABLE-by-default primary
   * (as CockroachDB is, and as our stack configures PostgreSQL) would otherwise default to.
   */
  replica?: boolean;
}

// CockroachDB's INT is 64-bit; every count and counter comes back as INT8. They stay far
// below 2^53, so numbers are safe and keep both adapters returning the same shapes.
const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 && format !== 'binary') return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** CockroachDB or PostgreSQL over the PostgreSQL wire protocol, via a `pg` pool. */
export function openPostgres(options: PostgresOptions): Database {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    types: typeParsers,
    connectionTimeoutMillis: 5_000,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    application_name: options.replica ? 'glimpse-reads' : 'glimpse',
    ...(options.replica ? { options: '-c default_transaction_isolation=read\\ committed -c default_transaction_read_only=on' } : {}),
  });
  // A client losing its connection (database restart) emits 'error' on itself, idle in the
  // pool or checked out between two queries of a transaction. Unhandled, that event kills
  // the process; handled, the pool discards the client and the next query connects afresh.
  // Queries running at that moment still reject, so callers see the failure.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));

  const stats: DatabaseStats = { serializationRetries: 0 };
  return {
    stats,
    kind: 'postgres',
    // No replica: reads that may lag read the primary.
    get replica(): Queryable {
      return this as Queryable;
    },
    // A statement on its own is a transaction of its own at SERIALIZABLE, and can be cancelled
    // (40001) like any other while writers commit around it: retried whole, as CockroachDB
    // retries such implicit transactions itself (a stack-tier upload met it on a bare read).
    query(sql, params) {
      return retrySerializable(async () => (await pool.query(sql, params as unknown[] | undefined)).rows, undefined, undefined, stats);
    },
    transaction<T>(work: (tx: Queryable) => Promise<T>, txOptions?: TransactionOptions) {
      return retrySerializable(async () => {
        const client = await pool.connect();
        let broken = false;
        try {
          await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
          const result = await work({
            query: async (sql, params) => (await client.query(sql, params as unknown[] | undefined)).rows,
          });
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {
            broken = true;
          });
          throw error;
        } finally {
          client.release(broken);
        }
      }, txOptions?.maxAttempts, undefined, stats);
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      await pool.end();
    },
  };
}
