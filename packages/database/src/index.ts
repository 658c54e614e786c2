import { join } from 'node:path';
import type { Database } from './database';
import { openPglite } from './pglite';
import { openPostgres } from './postgres';

export type { Database, DatabaseStats, Queryable, TransactionOptions } from './database';
export { isSerializationFailure, isUniqueViolation, retrySerializable, sqlState, uniqueViolationConstraint } from './database';
export { migrate, migrations } from './migrations';
export { openPglite } from './pglite';
export { openPostgres } from './postgres';

export interface DatabaseSettings {
  /** postgres:// URL of CockroachDB or PostgreSQL; when absent, embedded PGlite is used. */
  url?: string;
  /** Where embedded PGlite keeps its files; in memory when absent. */
  dataDir?: string;
  poolSize?: number;
}

export async function openDatabase(settings: DatabaseSettings): Promise<Database> {
  if (settings.url) return openPostgres({ url: settings.url, poolSize: settings.poolSize });
  return openPglite(settings.dataDir ? join(settings.dataDir, 'database') : undefined);
}
