import { join } from 'node:path';
import type { Database } from './database';
import { openPgliteThread } from './pglite-thread';
import { openPostgres } from './postgres';

export type { Database, DatabaseStats, Queryable, TransactionOptions } from './database';
export { isSerializationFailure, isUniqueViolation, retrySerializable, sqlState, uniqueViolationConstraint } from './database';
export { migrate, migrations } from './migrations';
export { openPglite } from './pglite';
export { openPgliteThread } from './pglite-thread';
export { openPostgres } from './postgres';

export interface DatabaseSettings {
  /** postgres:// URL of CockroachDB or PostgreSQL; when absent, embedded PGlite is used. */
  url?: string;
  /** Where embedded PGlite keeps its files; in memory when absent. */
  dataDir?: string;
  poolSize?: number;
  /** postgres:// URL of a read replica (DATABASE_READ_URL) for reads that may lag; see `Database.replica`. */
  readUrl?: string;
}

export async function openDatabase(settings: DatabaseSettings): Promise<Database> {
  if (settings.url && settings.readUrl) return withReplica(openPostgres({ url: settings.url, poolSize: settings.poolSize }), openPostgres({ url: settings.readUrl, poolSize: settings.poolSize, replica: true }));
  if (settings.url) return openPostgres({ url: settings.url, poolSize: settings.poolSize });
  // On a thread of its own: its queries never hold up the event loop (see pglite-thread.ts).
  return openPgliteThread(settings.dataDir ? join(settings.dataDir, 'database') : undefined);
}

/** The primary for writes and transactions, the replica for `replica` reads; closing closes both. */
function withReplica(primary: Database, replica: Database): Database {
  return {
    kind: primary.kind,
    stats: primary.stats,
    replica: { query: (sql, params) => replica.query(sql, params) },
    query: (sql, params) => primary.query(sql, params),
    transaction: (work, options) => primary.transaction(work, options),
    ping: async () => {
      await Promise.all([primary.ping(), replica.ping()]);
    },
    close: async () => {
      await Promise.all([primary.close(), replica.close()]);
    },
  };
}
